"""``python -m inputspace.run.workflow run …`` (:mod:`inputspace.run.workflow.engine`)."""

import sys

from .engine import main

sys.exit(main())
