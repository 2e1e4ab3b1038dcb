"""Presenters: pure functions from findings (plus settings) to what a person reads.

The language server and the CLI share them, so the terminal shows exactly what the editor shows.
"""
