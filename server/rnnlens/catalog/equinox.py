"""equinox: filled in by its table."""

SPECS = ()
