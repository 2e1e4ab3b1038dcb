"""Short labels: the inlay hint, the code lens title, memory sizes."""

from __future__ import annotations

from typing import Callable, Optional

from ..analysis.findings import EXACT, LOWER_BOUND, Finding, ModelFinding, NotCounted
from ..analysis.values import Origin
from ..core import Polynomial

COMPACT, DETAILED = "compact", "detailed"
BYTES_PER_PARAMETER = {"float32": 4, "bfloat16": 2, "float16": 2, "int8": 1}
MAX_FORMULA_IN_HINT = 32


def hint_label(finding: Finding, style: str = COMPACT) -> str:
    total = finding.count.total
    if total is None:
        if finding.count.errors:
            return "✗ invalid"
        names = ", ".join(u.name for u in finding.unknowns) or "a value"
        return f"? params — {names} unknown"
    if total.is_constant or len(str(total)) <= MAX_FORMULA_IN_HINT:
        label = f"{total} params"
    else:
        label = f"? params — {', '.join(total.unknowns)} unknown"
    if style == DETAILED and finding.count.formula:
        formula = finding.count.formula.rsplit(" = ", 1)[0]
        if formula != str(total):
            label += f" = {formula}"
    return label


def model_label(model: ModelFinding) -> str:
    total = model.total
    if total is None:
        return f"{model.name}: ? params"
    if model.status == EXACT:
        return f"{model.name}: {total} params"
    if model.status == LOWER_BOUND:
        return f"{model.name}: ≥ {total} params"
    if len(str(total)) <= MAX_FORMULA_IN_HINT:
        return f"{model.name}: {total} params"
    return f"{model.name}: ? params — {', '.join(total.unknowns)} unknown"


def readable_bytes(size: int) -> str:
    """Keras `summary()`'s vocabulary: B, KB, MB, GB in powers of 1,024."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} B" if unit == "B" else f"{value:,.2f} {unit}"
        value /= 1024
    return f"{value:,.2f} TB"


def memory(total: Optional[Polynomial], dtype: str) -> Optional[str]:
    if total is None or not total.is_constant:
        return None
    return readable_bytes(total.value * BYTES_PER_PARAMETER[dtype])


# Where an offset is, for people: "line 3", or "cell 2, line 1" in a notebook.
Where = Callable[[int], str]


def origin_text(origin: Origin, where: Where) -> str:
    return f"{origin.label} at {where(origin.offset)}"


def not_counted_text(item: NotCounted, where: Where) -> str:
    return f"{item.what} at {where(item.offset)} ({item.why})"
