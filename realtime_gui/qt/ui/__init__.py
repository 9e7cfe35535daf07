"""Widgets only: the main window, the generated parameter form, the token panel, dialogs."""
