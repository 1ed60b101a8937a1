"""`python -m deploy.launcher` (`make run`): see `deploy.launcher.cli`."""

import sys

from deploy.launcher.cli import main

sys.exit(main())
