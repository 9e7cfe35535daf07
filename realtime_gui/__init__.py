"""Mint short-lived OpenAI Realtime API tokens from a desktop window or the command line."""

__version__ = "0.1.0"
