"""haiku: filled in by its table."""

SPECS = ()
