"""``python -m inputspace.run …``: the notebook runner's commands (:mod:`inputspace.run.cli`)."""

import sys

from .cli import main

sys.exit(main())
