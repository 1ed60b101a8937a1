"""What the tests share: fixtures and private servers, services run in-process, givens, fakes.

Importable as `tests.support` because the project root is on the path (the editable install's
`.pth`); `fixtures` is loaded as a pytest plugin (`-p tests.support.fixtures` in pyproject.toml).
Nothing in `services/`, `contracts/` or `deploy/` imports it.
"""
