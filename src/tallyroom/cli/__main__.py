"""``python -m tallyroom.cli``, the same as the ``tallyroom`` command."""

import sys

from . import main

sys.exit(main())
