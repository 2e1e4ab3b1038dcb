"""A document as analysis units, analysed one by one and reused across edits.

Each top-level class or function is a unit; the module's other statements together are one more.
A unit's result depends only on its own text and on the module-level bindings it looked up, so after
an edit only the units whose text changed — or whose lookups now find other bindings — are analysed
again; the others are reused, moved by however far the edit shifted them. This is what keeps a
one-character edit in a 10,000-line file cheap.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..catalog import ROOTS
from .document import Analyzer, UnitResult, model_status
from .findings import EXACT, DocumentAnalysis, ModelFinding, NotCounted, Part
from .scopes import ModuleTable, OutOfTime
from .syntax import Node, Tree, parse, repaired

DEFINITIONS = frozenset({"class_definition", "function_definition", "decorated_definition"})
# A file that never names a framework's module cannot contain a layer we count.
_FRAMEWORK_MODULES = sorted({root for roots in ROOTS.values() for root in roots})
# The least time the units of a budgeted analysis get, whatever came before them (see analyze).
MIN_UNIT_SLICE = 0.2
_MENTIONS_FRAMEWORK = re.compile(rb"\b(?:" + b"|".join(m.encode() for m in _FRAMEWORK_MODULES) + rb")\b")


@dataclass(frozen=True)
class Unit:
    key: tuple
    nodes: Tuple[Node, ...]
    start: int
    end: int
    is_module_body: bool


def split(root: Node, tops: Optional[Sequence[Tuple[Node, str, bytes]]] = None) -> List[Unit]:
    """The units of a module; `tops` is its top-level nodes as (node, type, text) when already at hand."""
    if tops is None:
        tops = [(node, node.type, node.text) for node in root.named_children]
    definitions, body = [], []
    for top in tops:
        (definitions if top[1] in DEFINITIONS else body).append(top)
    units = [Unit(("definition", content), (node,), node.start_byte, node.end_byte, False)
             for node, _, content in definitions]
    if body:
        # The module's own statements stay one unit at their absolute positions: any shift re-analyses it.
        key = ("module",) + tuple((node.start_byte, content) for node, _, content in body)
        nodes = tuple(node for node, _, _ in body)
        units.append(Unit(key, nodes, nodes[0].start_byte, nodes[-1].end_byte, True))
    return units


@dataclass
class _Cached:
    result: UnitResult
    start: int  # where the unit was when its result was computed
    end: int
    memo: dict = field(default_factory=dict)  # its parts' presenters' memo (see Part), kept with the result


class UnitCache:
    """Unit results of a document's previous analysis, keyed by unit text (and frameworks)."""

    def __init__(self) -> None:
        self._entries: Dict[tuple, _Cached] = {}
        self._signature: tuple = ()
        self.statements: dict = {}  # the module table's top-level statements, by text (see ModuleTable)
        # Units the deadline stopped in the last analysis: the next one finishes them, whatever the
        # budget, or a unit too big for any budget would never be done (see analyze).
        self.cut_short: set = set()

    def same_module(self, table: ModuleTable) -> bool:
        return table.signature == self._signature

    def take(self, key: tuple, unit: Unit, table: ModuleTable, same_module: bool) -> Optional[Tuple[_Cached, int]]:
        """The cached result for this unit text and the shift to apply, if its module-level lookups
        still find the same bindings (they do when the module's bindings are all the same)."""
        cached = self._entries.get(key)
        if cached is None:
            return None
        delta = unit.start - cached.start
        moved = lambda offset: offset + delta if cached.start <= offset <= cached.end else offset  # noqa: E731
        for name, use, found, statement, whole in cached.result.dependencies:
            if same_module and not whole:
                continue  # the module's bindings are all as they were
            if name == "*":
                if "\n".join(table.star_modules).encode() != statement:
                    return None
                continue
            if name.startswith("--"):
                option = table.options.get(name[2:])
                if option is None or option.text != statement:
                    return None
                continue
            binding = table.lookup(name, moved(use))
            if not whole and (binding.offset if binding is not None else -1) != (moved(found) if found >= 0 else -1):
                return None
            if binding is not None and (binding.node.text if whole else binding.statement) != statement:
                return None
        return cached, delta

    def replace_with(self, entries: Dict[tuple, _Cached], signature: tuple) -> None:
        self._entries, self._signature = entries, signature

    def __len__(self) -> int:
        return len(self._entries)


def analyze(source: str | bytes, frameworks: Optional[Iterable[str]] = None, tree: Optional[Tree] = None,
            cache: Optional[UnitCache] = None, time_budget: Optional[float] = None) -> DocumentAnalysis:
    """Analyse a document. With a `time_budget` (seconds), units not reached in time, or not finished
    in it, are left out of this answer (and not cached: a later analysis with the same cache picks up
    from there, and finishes the units this one cut short)."""
    deadline = time.monotonic() + time_budget if time_budget is not None else None
    data = source.encode("utf-8", errors="surrogatepass") if isinstance(source, str) else source
    if not _MENTIONS_FRAMEWORK.search(data):
        return DocumentAnalysis()
    tree = repaired(data, tree or parse(data))
    frameworks_key = tuple(frameworks) if frameworks is not None else None
    try:
        table = ModuleTable(tree.root_node, cache.statements if cache is not None else None, deadline)
    except OutOfTime:  # no unit can be analysed without it
        return DocumentAnalysis(complete=False)
    placed: List[Tuple[_Cached, int]] = []
    fresh: Dict[tuple, _Cached] = {}
    complete = True
    same_module = cache is not None and cache.same_module(table)
    units = split(tree.root_node, table.tops)
    if deadline is not None:
        # The module table and the split come first and take what they take (≈ 2 s on 10 MB); if they
        # used up the budget, the units still get a slice of it, or an analysis continued after this
        # one (the server's next turn, reusing what this one cached) would never get any further.
        deadline = max(deadline, time.monotonic() + min(time_budget, MIN_UNIT_SLICE))
    finish = cache.cut_short if cache is not None else set()
    cut_short = set()
    for unit in units:
        key = (frameworks_key,) + unit.key
        reused = cache.take(key, unit, table, same_module) if cache is not None else None
        if reused is None:
            unit_deadline = None if key in finish else deadline
            # Past the deadline, one unit is still begun (and cut short at once), for the next
            # analysis to finish: each one then gets further than the last, whatever the budget.
            if unit_deadline is not None and cut_short and time.monotonic() > unit_deadline:
                complete = False
                continue
            try:
                result = Analyzer(table, list(unit.nodes), frameworks, deadline=unit_deadline).run()
            except OutOfTime:  # left out, and not cached: the next analysis finishes it
                complete = False
                cut_short.add(key)
                continue
            reused = (_Cached(result, unit.start, unit.end), 0)
        fresh[key] = reused[0]
        placed.append(reused)
    if cache is not None:
        cache.replace_with(fresh, table.signature)
        cache.statements = table.statements
        cache.cut_short = cut_short
    return assemble(placed, complete)


def assemble(placed: Sequence[Tuple[_Cached, int]], complete: bool = True) -> DocumentAnalysis:
    """One document's analysis from its units' results (each with the shift to its current place)."""
    parts, base = [], 0
    resolved = _with_submodels([model for cached, _ in placed for model in cached.result.models])
    for cached, delta in sorted(placed, key=lambda pair: pair[0].start + pair[1]):
        models = [resolved.get(id(model), model) for model in cached.result.models]
        parts.append(Part(cached.result.findings, models, cached.start, cached.end, delta, base,
                          cached.result.instantiations, cached.memo))
        base += len(cached.result.findings)
    return DocumentAnalysis(parts, complete)


def _with_submodels(models: List[ModelFinding]) -> Dict[int, ModelFinding]:
    """Add the totals of this file's models built inside other models (`self.encoder = Encoder()`):
    exact ones are added, others are listed as not counted. Returns the changed models by id."""
    by_name = {model.name: model for model in models if model.kind == "class"}
    done: Dict[str, ModelFinding] = {}

    def resolve(model: ModelFinding, active: frozenset) -> ModelFinding:
        if model.kind == "class" and model.name in done:
            return done[model.name]
        total, trainable, not_counted = model.total, model.trainable, list(model.not_counted)
        for name, offset in model.submodels:
            sub = by_name.get(name)
            if sub is None or name in active:
                continue
            sub = resolve(sub, active | {model.name})
            if sub.status == EXACT:
                total, trainable = total + sub.total, trainable + sub.trainable
            else:
                not_counted.append(NotCounted(name, offset, sub.status.replace("_", " ")))
        result = replace(model, total=total, trainable=trainable, not_counted=tuple(not_counted),
                         status=model_status(total, not_counted))
        if model.kind == "class":
            done[model.name] = result
        return result

    return {id(model): resolve(model, frozenset()) for model in models if model.submodels}
