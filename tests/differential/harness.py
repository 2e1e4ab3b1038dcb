"""What every differential test checks: the core's answer against what a real framework built."""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from rnnlens.catalog import CATALOG
from rnnlens.core import Count, count

# name → (shape, trainable), as the framework reports its tensors.
RealTensors = Dict[str, Tuple[Tuple[int, ...], bool]]


def ours(framework: str, layer: str, arguments: Mapping[str, Any], input_size: Optional[int] = None) -> Count:
    spec = CATALOG.get(framework, layer)
    assert spec is not None, f"no table row for {framework}.{layer}"
    return count(spec, arguments, input_size, CATALOG)


def assert_same_tensors(result: Count, real: RealTensors) -> None:
    assert result.total is not None, result.problems
    mine = {t.name: (tuple(d.value for d in t.shape), t.trainable) for t in result.tensors}
    assert mine == real
    assert result.total.value == sum(math.prod(shape) for shape, _ in real.values())
    assert result.trainable.value == sum(math.prod(shape) for shape, trainable in real.values() if trainable)
    assert result.formula.endswith(f"= {result.total}") or result.formula == str(result.total)


def build_and_compare(result: Count, build: Callable[[], RealTensors]) -> None:
    """Build with the real framework; it must accept exactly what the core accepts, refuse with the
    message the core reports, and warn with the warning the core reports."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            real = build()
        except Exception as error:  # the framework's own refusal, whatever its type
            assert result.total is None, f"the framework refused ({error!r}) but the core counted {result.total}"
            messages = [p.message for p in result.errors]
            assert any(message in str(error) for message in messages), (str(error), messages)
            return
    errors = [p.message for p in result.errors]
    assert not errors, f"the framework built the layer but the core reports {errors}"
    ours_warnings = {p.message for p in result.problems if p.severity == "warning"}
    theirs = {str(w.message) for w in caught}
    assert ours_warnings <= theirs, (ours_warnings, theirs)
    assert_same_tensors(result, real)
