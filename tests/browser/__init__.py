"""Browser tests. This file makes the folder a package, so that the conftest's package-scoped
fixtures (`system`, `browser`) end with the folder's last test, not with the whole session."""
