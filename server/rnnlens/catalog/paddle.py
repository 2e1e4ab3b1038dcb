"""paddle: filled in by its table."""

SPECS = ()
