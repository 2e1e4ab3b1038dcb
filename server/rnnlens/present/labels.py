"""Short labels: the inlay hint, the code lens title, memory sizes."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..analysis.findings import EXACT, LOWER_BOUND, Finding, Instantiation, ModelFinding, NotCounted
from ..analysis.values import Origin
from ..core import Polynomial

COMPACT, DETAILED = "compact", "detailed"
BYTES_PER_PARAMETER = {"float32": 4, "bfloat16": 2, "float16": 2, "int8": 1}
MAX_FORMULA_IN_HINT = 32
# A hint sits inside the code line: names are cut to a readable length, the hover has them whole.
MAX_NAME_IN_HINT = 24
MAX_NAMES_IN_HINT = 3
MAX_DETAILED_FORMULA = 120


def _short(total: Polynomial) -> Optional[str]:
    text = str(total)
    return text if total.is_constant or len(text) <= MAX_FORMULA_IN_HINT else None


def _unknown_names(names: Sequence[str]) -> str:
    shown = [name if len(name) <= MAX_NAME_IN_HINT else name[:MAX_NAME_IN_HINT - 1] + "…"
             for name in names[:MAX_NAMES_IN_HINT]]
    if len(names) > MAX_NAMES_IN_HINT:
        shown.append(f"{len(names) - MAX_NAMES_IN_HINT} more")
    return ", ".join(shown)


def hint_label(finding: Finding, style: str = COMPACT) -> str:
    if finding.iterations:
        totals = [iteration.total for iteration in finding.iterations]
        overall = sum(totals[1:], totals[0])
        if all(t == totals[0] for t in totals):
            return f"{len(totals)} × {totals[0]} = {overall} params"
        return f"{overall} params in {len(totals)} iterations"
    total = finding.count.total
    if total is None and finding.count.errors:
        return "✗ invalid"
    if total is None and finding.cases and all(_short(c.total) for _, c in finding.cases):
        flag = finding.cases[0][0].split("=")[0]
        label = f"{flag}: " + " | ".join(_short(c.total) for _, c in finding.cases) + " params"
    elif total is None or _short(total) is None:
        names = _unknown_names(total.unknowns if total is not None else [u.name for u in finding.unknowns]) or "a value"
        label = f"? params — {names} unknown"
    else:
        label = f"{total} params"
    if finding.with_defaults is not None:
        shown = label if total is not None and _short(total) is not None else "? params"
        return f"{shown} · {finding.with_defaults.total} with defaults"
    if style == DETAILED and finding.count.formula:
        formula = finding.count.formula.rsplit(" = ", 1)[0]
        if formula != str(total) and len(formula) <= MAX_DETAILED_FORMULA:
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
    return f"{model.name}: ? params — {_unknown_names(total.unknowns)} unknown"


def instantiation_label(instantiation: Instantiation) -> str:
    """The hint at a call that builds a model with known arguments: its total as built there."""
    total = instantiation.total
    suffix = " with defaults" if instantiation.uses_defaults else ""
    if total is None or _short(total) is None:
        names = ", ".join(total.unknowns) if total is not None else "a value"
        return f"? params as built — {names} unknown"
    prefix = "≥ " if instantiation.status == LOWER_BOUND else ""
    return f"{prefix}{total} params as built{suffix}"


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
