"""`python -m deploy.ops`: see `deploy.ops.cli`."""

import sys

from deploy.ops.cli import main

if __name__ == "__main__":  # the archive's worker process imports this module again (spawn)
    sys.exit(main())
