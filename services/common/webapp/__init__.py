"""What the two web applications share (the school's pages in `services.web`, the portal's in
`services.portal`): the signed session cookie with CSRF, the token issuers, the API client that
turns answers into page errors, vendored browser assets and the browser-test helpers.

Each side runs as its own process with its own address and configuration; only code is shared,
never a session, a cookie or an API (DESIGN.md §2: the privacy boundary)."""
