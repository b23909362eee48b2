"""Run the command line as `python -m dossier`."""

from __future__ import annotations

import sys

from dossier.cli import main

sys.exit(main())
