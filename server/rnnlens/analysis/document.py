"""From a Python document to findings: every recurrent-layer constructor, counted, and the models
that hold them.

The flow: discover constructor calls (resolving imports and aliases to framework classes), link
wrappers, Sequential lists and functional applications, evaluate each argument with the bounded
interpreter, ask the counting core, and total each model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ..catalog import CATALOG, Callee, callee_at, star_layers
from ..core import Count, LayerConfig, Polynomial, Unknown, bind, count
from .findings import (EXACT, LOWER_BOUND, UNKNOWN, ArgumentValue, Diagnostic, DocumentAnalysis, Finding,
                       ModelFinding, UnknownSize, display)
from .scopes import ASSIGN, DEFINITION, IMPORT, Scopes
from .syntax import LOOP_TYPES, SCOPE_TYPES, Node, Span, Tree, call_arguments, dotted, enclosing, parse, text, walk
from .values import Evaluator, Items, Known, LayerRef, Opaque, Symbolic, TensorRef, Value, as_polynomial

LOCAL = "<local>"
MAX_ALIAS_HOPS = 16
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_ORIGIN = re.compile(r"^(?P<name>[\w.]+) at line (?P<line>\d+)$")


@dataclass(eq=False)
class Site:
    """A constructor call of a catalog layer, and how it is wired into its surroundings."""

    call: Node
    callee: Callee
    wrapper: Optional["Site"] = None
    previous: Optional[Value] = None  # the layer or tensor before it in a Sequential or a cell stack
    applications: List[Node] = field(default_factory=list)
    result: Optional[Count] = None
    input_value: Optional[Value] = None
    counting: bool = False


@dataclass
class Container:
    """A `Sequential([...])` call (Keras or torch), with layers appended later by `.add()`."""

    call: Node
    callee: Callee
    added: List[Node] = field(default_factory=list)


def analyze(source: str | bytes, frameworks: Optional[Iterable[str]] = None,
            tree: Optional[Tree] = None) -> DocumentAnalysis:
    data = source.encode("utf-8", errors="surrogatepass") if isinstance(source, str) else source
    return Analyzer(data, tree or parse(data), frameworks).run()


class Analyzer:
    def __init__(self, source: bytes, tree: Tree, frameworks: Optional[Iterable[str]]):
        self.source = source
        self.root = tree.root_node
        self.frameworks = set(frameworks) if frameworks is not None else None
        self.scopes = Scopes(self.root)
        self.evaluator = Evaluator(self.scopes, self._evaluate_call)
        self.sites: Dict[int, Site] = {}
        self.containers: Dict[int, Container] = {}
        self.functional: List[Node] = []
        self.other_layers: List[Tuple[Node, Callee]] = []
        self.local_calls: List[Tuple[Node, str]] = []

    # -- resolving names -------------------------------------------------------------------------

    def path_of(self, node: Node, hops: int = 0) -> Optional[str]:
        """The dotted path an expression names (`nn.LSTM` → `torch.nn.LSTM`), through imports and
        aliases; `<local>.Name` for a class or function defined in this file."""
        name = dotted(node)
        if name is None or hops > MAX_ALIAS_HOPS:
            return None
        head, _, rest = name.partition(".")
        head_node = node
        while head_node.type == "attribute":
            head_node = head_node.child_by_field_name("object")
        binding = self.scopes.lookup(head, head_node)
        suffix = f".{rest}" if rest else ""
        if binding is None:
            star = self._star_path(head)
            return star + suffix if star is not None else None
        if binding.kind == IMPORT:
            return binding.path + suffix
        if binding.kind == DEFINITION:
            return f"{LOCAL}.{head}{suffix}"
        if binding.kind == ASSIGN and binding.value is not None and binding.value.type in ("identifier", "attribute"):
            base = self.path_of(binding.value, hops + 1)
            return base + suffix if base is not None else None
        return None

    def _star_path(self, name: str) -> Optional[str]:
        for module in self.scopes.star_modules():
            if name in star_layers(module):
                return f"{module}.{name}"
        return None

    def callee(self, function: Node) -> Optional[Callee]:
        path = self.path_of(function)
        if path is None:
            return None
        callee = callee_at(path)
        if callee is None or (self.frameworks is not None and callee.framework not in self.frameworks):
            return None
        return callee

    # -- discovery -------------------------------------------------------------------------------

    def discover(self) -> None:
        for node in walk(self.root):
            if node.type != "call" or node.has_error:
                continue
            function = node.child_by_field_name("function")
            if function is None:
                continue
            if function.type in ("identifier", "attribute"):
                callee = self.callee(function)
                if callee is not None:
                    self._record_call(node, callee)
                    continue
                path = self.path_of(function)
                if path is not None and path.startswith(LOCAL + "."):
                    self.local_calls.append((node, path[len(LOCAL) + 1:]))
                if function.type == "attribute" and text(function.child_by_field_name("attribute")) == "add":
                    self._record_add(node, function.child_by_field_name("object"))

    def _record_call(self, node: Node, callee: Callee) -> None:
        if callee.kind == "layer":
            self.sites[node.id] = Site(node, callee)
        elif callee.kind == "sequential":
            self.containers[node.id] = Container(node, callee)
        elif callee.kind == "functional":
            self.functional.append(node)
        elif callee.kind == "other_layer":
            self.other_layers.append((node, callee))

    def _record_add(self, node: Node, target: Optional[Node]) -> None:
        if target is None or target.type != "identifier":
            return
        binding = self.scopes.lookup(text(target), target)
        if binding is not None and binding.kind == ASSIGN and binding.value is not None:
            container = self.containers.get(binding.value.id)
            if container is not None:
                positional, _, _ = call_arguments(node)
                container.added.extend(positional[:1])

    # -- linking ---------------------------------------------------------------------------------

    def link(self) -> None:
        for site in list(self.sites.values()):
            for value in self._argument_values(site).values():
                self._link_nested(site, value)
        for container in self.containers.values():
            self._chain(self._container_layers(container))

    def _link_nested(self, wrapper: Site, value: Value) -> None:
        if isinstance(value, LayerRef) and value.call.id in self.sites:
            inner = self.sites[value.call.id]
            inner.wrapper = inner.wrapper or wrapper
        elif isinstance(value, Items):
            layers = [item for item in value.items if isinstance(item, LayerRef) and item.call.id in self.sites]
            if layers:
                self._link_nested(wrapper, layers[0])
                self._chain(layers)

    def _chain(self, items: List[Value]) -> None:
        for before, item in zip(items, items[1:]):
            if isinstance(item, LayerRef) and item.call.id in self.sites:
                site = self.sites[item.call.id]
                site.previous = site.previous or before

    def _container_layers(self, container: Container) -> List[Value]:
        positional, keywords, _ = call_arguments(container.call)
        layers: List[Value] = []
        if container.callee.framework == "keras":
            # keras.Sequential takes one list; torch's Sequential takes the layers as arguments.
            source = positional[0] if positional else keywords.get("layers", (None, None))[1]
            value = self.evaluator.evaluate(source) if source is not None else Items(())
            layers = list(value.items) if isinstance(value, Items) else []
        else:
            layers = [self.evaluator.evaluate(node) for node in positional]
            layers = [v for value in layers for v in (value.items if isinstance(value, Items) else (value,))]
        return layers + [self.evaluator.evaluate(node) for node in container.added]

    # -- evaluation hook: layers, inputs and functional application -------------------------------

    def _evaluate_call(self, node: Node, evaluator: Evaluator) -> Optional[Value]:
        site = self.sites.get(node.id)
        if site is not None:
            if site.callee.spec.kind == "shape" and site.callee.spec.name == "Input":
                result = self.count_site(site)
                size = self._size_value(result.output_size) if result.output_size is not None else \
                    Opaque("input", "the input's last dimension is not known")
                return TensorRef(size, frozenset(), (f"{self._short(node)} at line {node.start_point[0] + 1}",))
            return LayerRef(node)
        function = node.child_by_field_name("function")
        if function is None or function.type not in ("call", "identifier", "attribute"):
            return None
        layer = evaluator.evaluate(function) if function.type != "call" or function.id in self.sites else None
        if not isinstance(layer, LayerRef) or layer.call.id not in self.sites:
            return None
        return self._apply(self.sites[layer.call.id], node)

    def _apply(self, site: Site, application: Node) -> Value:
        if application not in site.applications and not any(a.id == application.id for a in site.applications):
            site.applications.append(application)
        positional, keywords, _ = call_arguments(application)
        argument = positional[0] if positional else keywords.get("inputs", (None, None))[1]
        incoming = self.evaluator.evaluate(argument) if argument is not None else None
        result = self.count_site(site)
        size = self._size_value(result.output_size) if result.output_size is not None else \
            Opaque(f"{site.callee.name} output", "the layer's output size is not known")
        producers = frozenset({site.call.id}) | (incoming.producers if isinstance(incoming, TensorRef) else frozenset())
        return TensorRef(size, producers)

    def _short(self, node: Node) -> str:
        source = " ".join(text(node).split())
        return source if len(source) <= 40 else source[:39] + "…"

    @staticmethod
    def _size_value(size: Polynomial) -> Value:
        return Known(size.value) if size.is_constant else Symbolic(size, ())

    # -- counting --------------------------------------------------------------------------------

    def _argument_nodes(self, site: Site) -> Tuple[Dict[str, Node], Dict[str, Node], list]:
        """Argument name → value node, and → node to point diagnostics at; binding problems."""
        positional, keywords, _ = call_arguments(site.call)
        spec = site.callee.spec
        binding = bind(spec, positional, {name: pair[1] for name, pair in keywords.items()})
        values = dict(binding.values)
        anchors = {name: keywords[name][0] if name in keywords else node for name, node in values.items()}
        return values, anchors, list(binding.problems)

    def _argument_values(self, site: Site) -> Dict[str, Value]:
        nodes, _, _ = self._argument_nodes(site)
        return {name: self.evaluator.evaluate(node) for name, node in nodes.items()}

    def input_of(self, site: Site) -> Optional[Value]:
        if site.input_value is not None:
            return site.input_value
        value: Optional[Value] = None
        if isinstance(site.previous, TensorRef):
            value = site.previous.size
        elif isinstance(site.previous, LayerRef) and site.previous.call.id in self.sites:
            before = self.sites[site.previous.call.id]
            counted = self.count_site(before)
            if counted.output_size is not None:
                value = self._size_value(counted.output_size)
                line = before.call.start_point[0] + 1
                value = _with_origins(value, (f"output of {before.callee.name} at line {line}",))
        elif site.applications:
            positional, keywords, _ = call_arguments(site.applications[0])
            argument = positional[0] if positional else keywords.get("inputs", (None, None))[1]
            incoming = self.evaluator.evaluate(argument) if argument is not None else None
            if isinstance(incoming, TensorRef):
                value = _with_origins(incoming.size, incoming.origins)
        elif site.wrapper is not None:
            value = self.input_of(site.wrapper)
        site.input_value = value
        return value

    def count_site(self, site: Site) -> Count:
        if site.result is not None:
            return site.result
        spec = site.callee.spec
        if site.counting:  # a cycle in the graph: count without the input
            return count(spec, self._core_arguments(site), None, CATALOG)
        site.counting = True
        try:
            needs_input = spec.input_argument is None and spec.kind != "shape"
            incoming = self.input_of(site) if needs_input else None
            site.result = count(spec, self._core_arguments(site), _to_size(incoming), CATALOG)
        finally:
            site.counting = False
        return site.result

    def _core_arguments(self, site: Site) -> Dict[str, Any]:
        return {name: self._to_core(value, name) for name, value in self._argument_values(site).items()}

    def _to_core(self, value: Value, name: str = "value") -> Any:
        if isinstance(value, Known):
            return value.value
        if isinstance(value, Symbolic):
            return value.polynomial
        if isinstance(value, Items):
            return tuple(self._to_core(item, name) for item in value.items)
        if isinstance(value, LayerRef) and value.call.id in self.sites:
            inner = self.sites[value.call.id]
            return LayerConfig(inner.callee.framework, inner.callee.spec.name, self._core_arguments(inner),
                               inner.callee.spec.namespace)
        if isinstance(value, Opaque):
            return Unknown(_symbol_name(value.name, name), value.reason)
        return Unknown(name, "a value this tool cannot use as an argument")

    # -- findings --------------------------------------------------------------------------------

    def run(self) -> DocumentAnalysis:
        self.discover()
        self.link()
        ordered = sorted(self.sites.values(), key=lambda s: s.call.start_byte)
        index_of = {site.call.id: index for index, site in enumerate(ordered)}
        findings = [self._finding(index, site, index_of) for index, site in enumerate(ordered)]
        models = self._models(ordered, findings, index_of)
        for model in models:
            for member in model.members:
                if findings[member].model is None:
                    findings[member] = replace(findings[member], model=model.name)
        dependents: Dict[str, List[int]] = {}
        for finding in findings:
            for argument in finding.arguments:
                for origin in argument.origins:
                    match = _ORIGIN.match(origin)
                    if match:
                        key = f"{match['name']}@{match['line']}"
                        if finding.index not in dependents.setdefault(key, []):
                            dependents[key].append(finding.index)
        return DocumentAnalysis(tuple(findings), tuple(models), dependents)

    def _finding(self, index: int, site: Site, index_of: Dict[int, int]) -> Finding:
        result = self.count_site(site)
        nodes, anchors, binding_problems = self._argument_nodes(site)
        spec = site.callee.spec
        arguments, unknowns = [], {}
        for name, node in nodes.items():
            value = self.evaluator.evaluate(node)
            arguments.append(ArgumentValue(name, text(node), _display(value, self._to_core(value, name)),
                                           isinstance(value, (Known, Items, LayerRef)) and _fully_known(value),
                                           value.origins, Span.of(node)))
            for unknown_name, reason in _reasons_of(value):
                unknowns.setdefault(unknown_name, UnknownSize(name, unknown_name, reason))
        if spec.input_argument is None and spec.kind != "shape":
            incoming = self.input_of(site)
            if incoming is not None:
                arguments.append(ArgumentValue("input size", "", _display(incoming, _to_size(incoming)),
                                               _fully_known(incoming), incoming.origins, None))
                for unknown_name, reason in _reasons_of(incoming):
                    unknowns.setdefault(unknown_name, UnknownSize("input size", unknown_name, reason))
        for unknown in result.unknowns:
            unknowns.setdefault(unknown.name, UnknownSize("input size" if unknown.name == "input_size" else
                                                          unknown.name, unknown.name, unknown.reason))
        function = site.call.child_by_field_name("function")
        diagnostics = [Diagnostic(Span.of(anchors[p.argument]) if p.argument in anchors else Span.of(function),
                                  p.severity, p.message)
                       for p in list(result.problems) + binding_problems if p.severity in ("error", "warning")]
        diagnostics = list(dict.fromkeys(diagnostics))
        wrapper = index_of.get(site.wrapper.call.id) if site.wrapper is not None else None
        return Finding(index, Span.of(site.call), Span.of(function), site.callee.framework, spec.name,
                       spec.namespace, result, tuple(arguments), tuple(unknowns.values()), tuple(diagnostics),
                       wrapper, None, _in_loop(site.call))

    # -- models ----------------------------------------------------------------------------------

    def _models(self, ordered: List[Site], findings: List[Finding], index_of: Dict[int, int]) -> List[ModelFinding]:
        models = self._class_models(findings)
        models += self._container_models(findings, index_of)
        models += self._functional_models(findings, index_of)
        return sorted(models, key=lambda m: m.span.start_byte)

    def _class_models(self, findings: List[Finding]) -> List[ModelFinding]:
        models = []
        by_name: Dict[str, ModelFinding] = {}
        for scope in sorted(self.scopes.class_scopes(), key=lambda s: s.node.start_byte):
            framework = self._model_framework(scope.node, set())
            name_node = scope.node.child_by_field_name("name")
            if framework is None or name_node is None:
                continue
            inside = lambda node: scope.node.start_byte <= node.start_byte < scope.node.end_byte  # noqa: E731
            members = [f for f in findings if inside_span(scope.node, f.span) and f.wrapped_by is None]
            extra_totals, not_counted = [], []
            for node, callee in self.other_layers:
                if inside(node):
                    not_counted.append(f"{callee.name} at line {node.start_point[0] + 1} (not in the catalog)")
            for node, name in self.local_calls:
                sub = by_name.get(name.split(".")[0])
                if inside(node) and sub is not None:
                    if sub.status == EXACT:
                        extra_totals.append((sub.total, sub.trainable))
                    else:
                        not_counted.append(f"{name} at line {node.start_point[0] + 1} ({sub.status.replace('_', ' ')})")
            model = _total(text(name_node), Span.of(name_node), "class", framework, members, not_counted, extra_totals)
            if model is not None:
                models.append(model)
                by_name[model.name] = model
        return models

    def _model_framework(self, class_node: Node, seen: set) -> Optional[str]:
        superclasses = class_node.child_by_field_name("superclasses")
        if superclasses is None or class_node.id in seen:
            return None
        seen.add(class_node.id)
        for base in superclasses.named_children:
            if base.type not in ("identifier", "attribute"):
                continue
            callee = self.callee(base)
            if callee is not None and callee.kind in ("model_base", "functional"):
                return callee.framework
            binding = self.scopes.lookup(text(base), base) if base.type == "identifier" else None
            if binding is not None and binding.kind == DEFINITION and binding.node.type == "class_definition":
                framework = self._model_framework(binding.node, seen)
                if framework is not None:
                    return framework
        return None

    def _container_models(self, findings: List[Finding], index_of: Dict[int, int]) -> List[ModelFinding]:
        models = []
        for container in self.containers.values():
            if enclosing(container.call, frozenset({"class_definition"})) is not None:
                continue  # part of the class model around it
            target = _assigned_name(container.call)
            if target is None:
                continue
            layers = self._container_layers(container)
            members, not_counted = [], []
            for value in layers:
                if isinstance(value, LayerRef) and value.call.id in index_of:
                    members.append(findings[index_of[value.call.id]])
                elif not isinstance(value, TensorRef):
                    not_counted.append(f"{_origin_text(value)} (not understood)")
            model = _total(text(target), Span.of(target), "sequential", container.callee.framework, members,
                           not_counted, [])
            if model is not None:
                models.append(model)
        return models

    def _functional_models(self, findings: List[Finding], index_of: Dict[int, int]) -> List[ModelFinding]:
        models = []
        for call in self.functional:
            target = _assigned_name(call)
            positional, keywords, _ = call_arguments(call)
            outputs_node = keywords["outputs"][1] if "outputs" in keywords else positional[1] if len(positional) > 1 else None
            if target is None or outputs_node is None:
                continue
            outputs = self.evaluator.evaluate(outputs_node)
            tensors = outputs.items if isinstance(outputs, Items) else (outputs,)
            producers, not_counted = set(), []
            for tensor in tensors:
                if isinstance(tensor, TensorRef):
                    producers |= tensor.producers
                else:
                    not_counted.append(f"`{text(outputs_node)}`: the graph could not be followed")
            members = [findings[index_of[p]] for p in producers if p in index_of]
            framework = self.callee(call.child_by_field_name("function")).framework
            model = _total(text(target), Span.of(target), "functional", framework,
                           [m for m in members if m.wrapped_by is None], not_counted, [])
            if model is not None:
                models.append(model)
        return models


def inside_span(node: Node, span: Span) -> bool:
    return node.start_byte <= span.start_byte and span.end_byte <= node.end_byte


def _total(name: str, span: Span, kind: str, framework: str, members: List[Finding], not_counted: List[str],
           extra: List[Tuple[Polynomial, Polynomial]]) -> Optional[ModelFinding]:
    if not members and not not_counted and not extra:
        return None
    total, trainable, counted = Polynomial(), Polynomial(), []
    for finding in members:
        if finding.in_loop:
            not_counted.append(f"{finding.layer} at line {finding.span.line} (built in a loop)")
        elif finding.count.total is None:
            not_counted.append(f"{finding.layer} at line {finding.span.line} (not countable)")
        else:
            total, trainable = total + finding.count.total, trainable + finding.count.trainable
            counted.append(finding.index)
    for extra_total, extra_trainable in extra:
        total, trainable = total + extra_total, trainable + extra_trainable
    status = UNKNOWN if not total.is_constant else LOWER_BOUND if not_counted else EXACT
    return ModelFinding(name, span, kind, framework, tuple(counted), total, trainable, status, tuple(not_counted))


def _assigned_name(call: Node) -> Optional[Node]:
    parent = call.parent
    if parent is not None and parent.type == "assignment":
        left = parent.child_by_field_name("left")
        if left is not None and left.type in ("identifier", "attribute"):
            return left
    return None


def _in_loop(call: Node) -> bool:
    node = call.parent
    while node is not None and node.type not in SCOPE_TYPES:
        if node.type in LOOP_TYPES:
            return True
        node = node.parent
    return False


def _to_size(value: Optional[Value]) -> Optional[Polynomial]:
    if value is None:
        return None
    polynomial = as_polynomial(value)
    if polynomial is not None:
        return polynomial
    if isinstance(value, Opaque):
        return Polynomial.symbol(_symbol_name(value.name, "input_size"))
    return None


def _symbol_name(name: str, fallback: str) -> str:
    """Unknown sizes appear in formulas by name: the user's own name where there is one
    (`hidden_dim`, `cfg.hidden`), else the parameter's (never `10**10**10` or a call's text)."""
    return name if _IDENTIFIER.fullmatch(name) else fallback


def _with_origins(value: Value, origins: Tuple[str, ...]) -> Value:
    return replace(value, origins=tuple(dict.fromkeys(value.origins + origins)))


def _fully_known(value: Value) -> bool:
    if isinstance(value, Known):
        return True
    if isinstance(value, Items):
        return all(_fully_known(item) for item in value.items)
    return isinstance(value, LayerRef)


def _reasons_of(value: Value) -> List[Tuple[str, str]]:
    if isinstance(value, Symbolic):
        return list(value.reasons)
    if isinstance(value, Opaque):
        return [(value.name, value.reason)]
    if isinstance(value, Items):
        return [reason for item in value.items for reason in _reasons_of(item)]
    return []


def _display(value: Value, core_value: Any) -> str:
    if isinstance(value, LayerRef):
        return f"{text(value.call.child_by_field_name('function'))}(…)"
    if isinstance(value, Opaque):
        return f"? ({value.name})"
    return display(core_value)


def _origin_text(value: Value) -> str:
    return value.origins[-1] if value.origins else type(value).__name__
