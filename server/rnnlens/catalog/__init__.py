"""The framework catalog: one declarative table per framework, gathered into one `Catalog`.

Adding a framework means adding its module to `TABLES`; nothing downstream changes.
"""

from __future__ import annotations

from ..core.count import Catalog
from . import equinox, flax, haiku, keras, paddle, torch

TABLES = {"torch": torch, "keras": keras, "flax": flax, "equinox": equinox, "haiku": haiku, "paddle": paddle}
FRAMEWORKS = tuple(TABLES)
CATALOG = Catalog(spec for table in TABLES.values() for spec in table.SPECS)
