"""`python -m realtime_gui` works like the `realtime-gui` command."""

from realtime_gui.cli import program

program()
