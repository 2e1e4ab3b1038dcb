"""keras: filled in by its table."""

SPECS = ()
