"""What the analysis hands to its presenters: one record per layer and per model.

Positions are byte spans; converting them to editor or CLI columns happens at the edges.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..core import Count, Polynomial
from .syntax import Span
from .values import Origin

EXACT, LOWER_BOUND, UNKNOWN = "exact", "lower_bound", "unknown"


@dataclass(frozen=True)
class ArgumentValue:
    """One argument of a constructor as the analysis understood it."""

    name: str  # the framework's parameter name
    source: str  # the argument's text, or "" for the layer's input size
    display: str  # the value as shown: `128`, `True`, `2·hidden`, `?`
    known: bool
    origins: Tuple[Origin, ...]  # shown as `HIDDEN at line 3`, `Input((None, 3)) at line 4`
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
    # When sizes are parameters with defaults: the count with those defaults, and where they came from.
    with_defaults: Optional[Count] = None
    defaults_used: Tuple[ArgumentValue, ...] = ()
    # When an unknown flag decides the structure: the count for each value it can take.
    cases: Tuple[Tuple[str, Count], ...] = ()
    # When the constructor runs in a loop over a known range: its count in each iteration.
    iterations: Tuple[Count, ...] = ()
    kind: str = "recurrent"  # the table row's kind; "shape" rows (Input) carry sizes, never weights
    # A layer a top-level function builds (a helper's, `def LSTM(...): m = nn.LSTM(...)`): the function's
    # name and the layer's offset from it, which is how the models built with it key its counts.
    built_in: Optional[Tuple[str, int]] = None

    @property
    def shows_hint(self) -> bool:
        return self.kind != "shape"

    @property
    def params(self) -> Optional[Polynomial]:
        return self.count.total

    @property
    def is_exact(self) -> bool:
        return self.count.is_exact


@dataclass(frozen=True)
class Instantiation:
    """A model of this file built with known arguments (`model = Tagger(10000, 128, 256, 2)`): its
    total as built there, and the counts of its layers and of the layers of the models it builds in
    turn, each keyed by its class's name and its offset from that name (so that they stay attached
    when the class moves)."""

    span: Span  # the call
    model: str
    total: Optional[Polynomial]
    status: str
    layers: Tuple[Tuple[str, int, Count], ...]
    uses_defaults: bool = False


@dataclass(frozen=True)
class NotCounted:
    """Something inside a model its total leaves out: `Conv2d` at an offset, and why."""

    what: str
    offset: int
    why: str


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
    not_counted: Tuple[NotCounted, ...]
    # Models of this file built inside this one (`self.encoder = Encoder()`): (class name, offset).
    submodels: Tuple[Tuple[str, int], ...] = ()
    extent: Optional[Span] = None  # a class model's whole definition


@dataclass
class Part:
    """One analysis unit's findings and models as they were computed — in the coordinates of the
    document version they were computed in, with indexes local to the unit — and how to place them
    in the current version: shifted by `delta` bytes (what lies in `start`..`end`), numbered from
    `base`. Placing is done lazily, so an edit costs only the units it touched.

    `memo` is for what presenters derive from the unit's findings wherever they are placed (e.g. hint
    labels): it is shared by the parts of every version that reuses the unit's result, so a moved unit
    is not presented afresh."""

    findings: Sequence[Finding]
    models: Sequence[ModelFinding]
    start: int
    end: int
    delta: int = 0
    base: int = 0
    instantiations: Sequence[Instantiation] = ()
    memo: Dict[Any, Any] = field(default_factory=dict)

    @property
    def current_start(self) -> int:
        return self.start + self.delta

    @property
    def current_end(self) -> int:
        return self.end + self.delta

    def place(self, offset: int) -> int:
        """Where an offset of the version the part was computed in lies in the current one."""
        return offset + self.delta if self.start <= offset <= self.end else offset

    def _span(self, span: Optional[Span]) -> Optional[Span]:
        if span is None or not self.delta:
            return span
        return Span(self.place(span.start_byte), self.place(span.end_byte))

    def _origins(self, origins: Tuple[Origin, ...]) -> Tuple[Origin, ...]:
        return tuple(Origin(o.label, self.place(o.offset)) for o in origins) if self.delta else origins

    def placed_findings(self) -> List[Finding]:
        if not self.delta and not self.base:
            return list(self.findings)
        return [replace(
            f, index=f.index + self.base, span=self._span(f.span), callee=self._span(f.callee),
            wrapped_by=None if f.wrapped_by is None else f.wrapped_by + self.base,
            arguments=tuple(replace(a, span=self._span(a.span), origins=self._origins(a.origins))
                            for a in f.arguments) if self.delta else f.arguments,
            diagnostics=tuple(replace(d, span=self._span(d.span)) for d in f.diagnostics) if self.delta
            else f.diagnostics)
            for f in self.findings]

    def placed_instantiations(self) -> List[Instantiation]:
        return [replace(i, span=self._span(i.span)) for i in self.instantiations]

    def placed_models(self) -> List[ModelFinding]:
        if not self.delta and not self.base:
            return list(self.models)
        return [replace(m, span=self._span(m.span), extent=self._span(m.extent),
                        members=tuple(i + self.base for i in m.members),
                        not_counted=tuple(replace(n, offset=self.place(n.offset)) for n in m.not_counted),
                        submodels=tuple((name, self.place(o)) for name, o in m.submodels))
                for m in self.models]


class DocumentAnalysis:
    """The findings and models of one document version, placed from its parts on demand."""

    def __init__(self, parts: Sequence[Part] = (), complete: bool = True):
        self._parts = sorted(parts, key=lambda p: p.current_start)
        self._starts = [p.current_start for p in self._parts]
        # Parts that reach over later ones (the module's own statements, around the definitions).
        self._spanning = [i for i, p in enumerate(self._parts)
                          if i + 1 < len(self._parts) and p.current_end > self._parts[i + 1].current_start]
        # False when a time budget cut the analysis short: some units are missing from this answer.
        self.complete = complete
        # What presenters derive from this version and may reuse (e.g. a server's converted hints).
        self.memo: Dict[Any, Any] = {}
        self._findings: Dict[int, List[Finding]] = {}
        self._all: Optional[Tuple[Finding, ...]] = None
        self._models: Optional[Tuple[ModelFinding, ...]] = None
        self._dependents: Optional[Dict[int, List[int]]] = None
        self._instantiations: Optional[Tuple[Instantiation, ...]] = None
        # (class name, layer offset in the class) → where that layer is built; one pass, so reports stay linear.
        self._built: Optional[Dict[Tuple[str, int], List[Tuple[Instantiation, Count]]]] = None
        self._class_starts: Dict[str, int] = {}

    @classmethod
    def of(cls, findings: Sequence[Finding], models: Sequence[ModelFinding] = ()) -> "DocumentAnalysis":
        end = max((f.span.end_byte for f in findings), default=0)
        return cls([Part(tuple(findings), tuple(models), 0, end)])

    @property
    def findings(self) -> Tuple[Finding, ...]:
        if self._all is None:
            everything = [f for position in range(len(self._parts)) for f in self.part_findings(position)]
            self._all = tuple(sorted(everything, key=lambda f: f.span.start_byte))
        return self._all

    @property
    def models(self) -> Tuple[ModelFinding, ...]:
        if self._models is None:
            placed = [m for part in self._parts for m in part.placed_models()]
            self._models = tuple(sorted(placed, key=lambda m: m.span.start_byte))
        return self._models

    @property
    def instantiations(self) -> Tuple[Instantiation, ...]:
        """Calls that build one of the file's models with values known enough to give a number."""
        if self._instantiations is None:
            placed = [i for part in self._parts for i in part.placed_instantiations()
                      if i.total is not None and i.total.is_constant]
            self._instantiations = tuple(sorted(placed, key=lambda i: i.span.start_byte))
        return self._instantiations

    def as_built(self, finding: Finding) -> List[Tuple[Instantiation, Count]]:
        """The counts a layer takes where its model is instantiated with known arguments."""
        if self._built is None:
            self._built = {}
            for instantiation in self.instantiations:
                for owner, layer_offset, count in instantiation.layers:
                    self._built.setdefault((owner, layer_offset), []).append((instantiation, count))
            self._class_starts = {m.name: m.span.start_byte for m in reversed(self.models) if m.kind == "class"}
        start = self._class_starts.get(finding.model)
        if start is None:
            return list(self._built.get(finding.built_in, ())) if finding.built_in is not None else []
        return list(self._built.get((finding.model, finding.span.start_byte - start), ()))

    @property
    def dependents(self) -> Dict[int, List[int]]:
        """Offset of a bound name → indexes of the findings whose values came from it."""
        if self._dependents is None:
            self._dependents = {}
            for finding in self.findings:
                for argument in finding.arguments:
                    for origin in argument.origins:
                        indexes = self._dependents.setdefault(origin.offset, [])
                        if finding.index not in indexes:
                            indexes.append(finding.index)
        return self._dependents

    def finding(self, index: int) -> Finding:
        for position, part in enumerate(self._parts):
            if part.base <= index < part.base + len(part.findings):
                return self.part_findings(position)[index - part.base]
        raise IndexError(index)

    def parts_between(self, start_byte: int, end_byte: int) -> List[Tuple[int, Part]]:
        """The parts (with their positions, for `part_findings`) that can hold a finding whose call
        overlaps start..end, in order, without placing any."""
        last = bisect_right(self._starts, end_byte)  # parts starting after the range cannot overlap it
        candidates = list(self._spanning)
        position = last - 1
        while position >= 0 and self._parts[position].current_end >= start_byte:
            candidates.append(position)  # the others do not overlap each other: walk back until one ends
            position -= 1
        return [(position, self._parts[position]) for position in sorted(set(candidates))
                if self._parts[position].findings and self._parts[position].current_start <= end_byte
                and self._parts[position].current_end >= start_byte]

    def part_findings(self, position: int) -> List[Finding]:
        """The findings of the part at `position` (see `parts_between`), placed in this version."""
        placed = self._findings.get(position)
        if placed is None:
            placed = self._findings[position] = self._parts[position].placed_findings()
        return placed

    def findings_between(self, start_byte: int, end_byte: int) -> List[Finding]:
        """The findings whose call overlaps start..end, placing only the parts that can hold one."""
        found = []
        for position, _ in self.parts_between(start_byte, end_byte):
            found += [f for f in self.part_findings(position)
                      if f.span.end_byte >= start_byte and f.span.start_byte <= end_byte]
        return sorted(found, key=lambda f: f.span.start_byte)

    def finding_at(self, byte: int) -> Optional[Finding]:
        """The innermost finding whose call contains `byte`."""
        containing = [f for f in self.findings_between(byte, byte) if f.span.start_byte <= byte < f.span.end_byte]
        return min(containing, key=lambda f: f.span.end_byte - f.span.start_byte, default=None)

    def findings_with_diagnostics(self) -> List[Finding]:
        found = []
        for position, part in enumerate(self._parts):
            if any(f.diagnostics for f in part.findings):
                found += [f for f in self.part_findings(position) if f.diagnostics]
        return found


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
