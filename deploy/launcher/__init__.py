"""The local launcher: the whole system as local processes, no containers (`python -m
deploy.launcher`, `make run`; the command line and its steps in `cli`).

`infra` (NATS and PostgreSQL: given, or private ones from `ports`, `postgres`), `services` (what
starts, with which environment), `start` and `procs`/`output` (the children and their output),
`restart` (keeping services alive), `demo_load` (the demo school on the first run: `demo_cast`,
`demo_enrollment`), `state`, `state_secrets`, `markers` and `tokens` (the state folder), `summary`
(what the user reads once everything is up), `launched` (the launcher as a subprocess, for the
tests and benchmarks that need the whole system).
"""
