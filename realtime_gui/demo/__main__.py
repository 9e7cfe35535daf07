"""`python -m realtime_gui.demo [--port N]` works like `realtime-gui demo`."""

import sys

from realtime_gui.cli import main

sys.exit(main(["demo", *sys.argv[1:]]))
