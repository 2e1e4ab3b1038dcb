"""flax: filled in by its table."""

SPECS = ()
