"""What the analysis hands to its presenters: one record per layer and per model.

Positions are byte spans; converting them to editor or CLI columns happens at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..core import Count, Polynomial
from .syntax import Span

EXACT, LOWER_BOUND, UNKNOWN = "exact", "lower_bound", "unknown"


@dataclass(frozen=True)
class ArgumentValue:
    """One argument of a constructor as the analysis understood it."""

    name: str  # the framework's parameter name
    source: str  # the argument's text, or "" for the layer's input size
    display: str  # the value as shown: `128`, `True`, `2·hidden`, `?`
    known: bool
    origins: Tuple[str, ...]  # `HIDDEN at line 3`, `Input((None, 3)) at line 4`
    span: Optional[Span]


@dataclass(frozen=True)
class UnknownSize:
    argument: str
    name: str
    reason: str


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    severity: str  # "error" | "warning"
    message: str


@dataclass(frozen=True)
class Finding:
    index: int  # position among the document's findings
    span: Span  # the constructor call (for `LSTM(2)(x)`, just `LSTM(2)`)
    callee: Span
    framework: str
    layer: str
    namespace: str
    count: Count
    arguments: Tuple[ArgumentValue, ...]
    unknowns: Tuple[UnknownSize, ...]
    diagnostics: Tuple[Diagnostic, ...]
    wrapped_by: Optional[int] = None  # index of the wrapping finding
    model: Optional[str] = None
    in_loop: bool = False

    @property
    def params(self) -> Optional[Polynomial]:
        return self.count.total


@dataclass(frozen=True)
class ModelFinding:
    name: str
    span: Span  # the model's name (class name or assigned variable)
    kind: str  # "class" | "sequential" | "functional"
    framework: str
    members: Tuple[int, ...]  # finding indexes counted in the total, each weight once
    total: Optional[Polynomial]
    trainable: Optional[Polynomial]
    status: str  # exact | lower_bound | unknown
    not_counted: Tuple[str, ...]


@dataclass
class DocumentAnalysis:
    findings: Tuple[Finding, ...]
    models: Tuple[ModelFinding, ...]
    # constant name → indexes of the findings whose values came from it (for hovers on constants)
    dependents: Dict[str, List[int]] = field(default_factory=dict)

    def findings_between(self, start_byte: int, end_byte: int) -> List[Finding]:
        return [f for f in self.findings if f.span.end_byte >= start_byte and f.span.start_byte <= end_byte]

    def finding_at(self, byte: int) -> Optional[Finding]:
        """The innermost finding whose call contains `byte`."""
        containing = [f for f in self.findings if f.span.start_byte <= byte < f.span.end_byte]
        return min(containing, key=lambda f: f.span.end_byte - f.span.start_byte, default=None)


def display(value: Any) -> str:
    if isinstance(value, Polynomial):
        return str(value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, tuple):
        inner = ", ".join(display(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, str):
        return repr(value)
    return str(value)
