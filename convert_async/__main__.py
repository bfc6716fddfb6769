"""``python -m convert_async``: the ``convert-async`` command."""

import sys

from .cli import main

sys.exit(main())
