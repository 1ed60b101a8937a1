"""`python -m deploy.ops`: see `deploy.ops.cli`."""

import sys

from deploy.ops.cli import main

sys.exit(main())
