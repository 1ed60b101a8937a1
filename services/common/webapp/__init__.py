"""What the two web applications share (the school's pages in `services.web`, the portal's in
`services.portal`): the app builder and its runtime (`app`, `runtime`), the page renderer with
the error pages (`pages`) and the templates every page extends (`templates/layout.html`, the
sign-in's `signin_layout.html`), the stylesheet both load first (`static/common/pages.css`) and
vendored browser assets, the signed session cookie with CSRF, the token issuers, OpenID Connect,
and the API client that turns answers into page errors (the tests' helpers: `tests/support`).

What is pure and shared by both apps' domains (Russian dates, reading the provider's claims)
is in the kernel (`kernel.russian_dates`, `kernel.oidc_claims`): a domain may import nothing
of `services.common`.

Each side runs as its own process with its own address and configuration; only code is shared,
never a session, a cookie or an API (DESIGN.md §2: the privacy boundary)."""
