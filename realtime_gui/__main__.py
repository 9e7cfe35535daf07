"""`python -m realtime_gui` works like the `realtime-gui` command."""

import sys

from realtime_gui.cli import main

sys.exit(main())
