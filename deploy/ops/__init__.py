"""The operator's command line (`python -m deploy.ops`, parsed in `cli`, run by `handlers`):
over the services' own commands, with settings completed from the launcher's state folder
(`env`); `projection`, `status`, `audit` and `person` are the commands of its own.
"""
