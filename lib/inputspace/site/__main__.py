"""``python -m inputspace.site``: build the static site (``make site``)."""

import sys

from .build import main

sys.exit(main())
