"""``python -m inputspace.workflow run …`` (:mod:`inputspace.workflow.engine`)."""

import sys

from .engine import main

sys.exit(main())
