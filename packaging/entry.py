"""The frozen app's entry point: the same `program` as the `realtime-gui` command."""

from realtime_gui.cli import program

if __name__ == "__main__":
    program()
