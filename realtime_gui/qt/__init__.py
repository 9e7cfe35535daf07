"""Everything that imports PySide6: the application, the controller and its worker threads, settings, widgets."""
