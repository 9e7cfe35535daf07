"""Mint short-lived OpenAI Realtime API tokens."""
