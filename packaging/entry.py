"""The frozen app's entry point: the same `main` as the `realtime-gui` command."""

import sys

from realtime_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
