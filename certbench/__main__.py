"""``python -m certbench``."""

import sys

from certbench.cli import main

sys.exit(main())
