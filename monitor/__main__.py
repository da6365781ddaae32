"""``python -m monitor``: the same command line as ``monitor``."""

import sys

from .cli import main

sys.exit(main())
