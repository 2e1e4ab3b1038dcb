"""From one analysis unit of a Python document to findings: every recurrent-layer constructor,
counted, and the models that hold them.

A unit is a top-level class or function, or the module's remaining statements (see `units.py`, which
splits a document into units, caches their results across edits and assembles them). The flow within
a unit: discover constructor calls (resolving imports and aliases to framework classes), link wrappers,
Sequential lists and functional applications, evaluate each argument with the bounded interpreter, ask
the counting core, and total each model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

from ..catalog import CATALOG, Callee, callee_at, star_layers
from ..core import Count, LayerConfig, Polynomial, Problem, Unknown, bind, count
from .arrays import array_size
from .choices import allowed_names
from .findings import (EXACT, LOWER_BOUND, UNKNOWN, ArgumentValue, Diagnostic, Finding, Instantiation, ModelFinding,
                       NotCounted, UnknownSize, display)
from .layer_helpers import attribute_holding, helper_layers
from .loops import carried
from .scopes import ASSIGN, DEFINITION, IMPORT, PARAMETER, Dependency, ModuleTable, Scopes, in_time
from .syntax import Node, Span, call_arguments, dotted, interesting_nodes, text, walk
from .values import (Evaluator, FrameworkObject, Instance, Items, Known, LayerRef, Opaque, Origin, ParameterValues, Symbolic, TensorRef, Value,
                     as_polynomial, dataclass_fields, defaults)

LOCAL = "<local>"
MAX_ALIAS_HOPS = 16
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


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
    # input_of / _to_core are under way for this site: met again, the layers form a cycle
    finding_input: bool = False
    finding_arguments: bool = False
    finding_defaults: bool = False
    # `getattr(nn, rnn_type)(...)` where the `if` around it allows several classes: each of them.
    choices: Tuple[Callee, ...] = ()


@dataclass
class Container:
    """A `Sequential([...])` call (Keras or torch), with layers appended later by `.add()`."""

    call: Node
    callee: Callee
    added: List[Node] = field(default_factory=list)


MAX_CACHED_COUNTS = 4096
_counts: Dict[Any, Count] = {}


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a core argument value; the type is part of it (True is not 1)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_frozen(v) for v in value)
    if isinstance(value, LayerConfig):
        return ("layer", value.framework, value.layer, value.namespace, _frozen(dict(value.arguments)))
    hash(value)
    return (type(value).__name__, value)


def counted(spec, arguments: Dict[str, Any], input_size: Optional[Polynomial]) -> Count:
    """The core's count, memoised: the same configuration recurs across a file and across edits."""
    try:
        key = (spec.framework, spec.namespace, spec.name, _frozen(arguments), input_size)
    except TypeError:
        return count(spec, arguments, input_size, CATALOG)
    result = _counts.get(key)
    if result is None:
        if len(_counts) >= MAX_CACHED_COUNTS:
            _counts.clear()
        result = _counts[key] = count(spec, arguments, input_size, CATALOG)
    return result


@dataclass
class UnitResult:
    """A unit's findings (indexes local to the unit), its models, and the module-level lookups it
    made — the result stays valid as long as those lookups find the same bindings."""

    findings: List[Finding]
    models: List[ModelFinding]
    dependencies: List[Dependency]
    instantiations: List[Instantiation] = field(default_factory=list)


MAX_INSTANTIATION_DEPTH = 4
MAX_REGISTRATION_DEPTH = 8
# Frameworks whose modules register sub-modules only as attributes or in their own containers.
REGISTERING_FRAMEWORKS = frozenset({"torch", "paddle"})
MAX_ITERATIONS = 64
_CONDITIONAL = "built only if a condition that is not known holds"
_UNREGISTERED = "kept where the module does not register it"
# Paddle's parameter attributes (not `WeightNormParamAttr`, which makes other parameters).
_PARAMETER_ATTRIBUTES = frozenset({"paddle.ParamAttr", "paddle.framework.ParamAttr", "paddle.base.ParamAttr",
                                   "paddle.fluid.ParamAttr", "paddle.fluid.param_attr.ParamAttr"})
_DATACLASS_BASES = frozenset({"flax.linen.Module", "flax.linen.module.Module", "equinox.Module"})
# Python containers: a module inside one is registered only if a framework container takes it.
_PLAIN_CONTAINERS = frozenset({"list", "list_comprehension", "tuple", "dictionary", "pair", "generator_expression"})


class Analyzer:
    def __init__(self, module: ModuleTable, nodes: List[Node], frameworks: Optional[Iterable[str]],
                 parameter_values: Optional[ParameterValues] = None, depth: int = 0,
                 deadline: Optional[float] = None):
        self.module = module
        self.depth = depth
        self.nodes = nodes
        self.frameworks = set(frameworks) if frameworks is not None else None
        self.parameter_values = parameter_values
        # time.monotonic() past which collecting, discovering, linking and counting stop (OutOfTime)
        self.deadline = deadline
        self.scopes = Scopes(module, nodes, deadline)
        self.evaluator = Evaluator(self.scopes, self._evaluate_call, parameter_values,
                                   dataclass_module=self._dataclass_module)
        self.sites: Dict[int, Site] = {}
        self.containers: Dict[int, Container] = {}
        self.functional: List[Node] = []
        self.other_layers: List[Tuple[Node, Callee]] = []
        self.local_calls: List[Tuple[Node, str]] = []
        self.applications: List[Node] = []
        self.super_calls: List[Node] = []
        self._arguments: Dict[int, Tuple[Dict[str, Node], Dict[str, Node], list]] = {}
        # A helper analysed with a call's arguments: its `**` parameter (the helper, the name) and the
        # keywords the call gives it; and, per layer call, the values `**name` passes on.
        self.keyword_splat: Optional[Tuple[Node, str, Dict[str, Value]]] = None
        self._splatted: Dict[int, Dict[str, Value]] = {}
        # The layers helper functions build for the class models (name, offset, count): as built at a site.
        self.helper_built: List[Tuple[str, int, Count]] = []
        self._passing: set = set()  # the calls whose passed-in models are being followed

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
        # A later star import rebinds the names an earlier one bound: the last module that has it wins.
        for module in reversed(self.scopes.star_modules()):
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
        for node in in_time(self.scopes.calls, self.deadline):
            if node.has_error:
                continue
            function = node.child_by_field_name("function")
            if function is None:
                continue
            if function.type == "call":
                chosen = self._chosen_class(function)
                choices = self._class_choices(function) if chosen is None else ()
                if chosen is not None or choices:
                    self._record_call(node, chosen or choices[0])
                    self.sites[node.id].choices = choices
                else:
                    self.applications.append(node)
                continue
            if function.type not in ("identifier", "attribute"):
                continue
            callee = self.callee(function)
            if callee is not None:
                self._record_call(node, callee)
                continue
            if text(function) == "super().__init__":
                self.super_calls.append(node)
                continue
            path = self.path_of(function)
            if path is not None and path.startswith(LOCAL + "."):
                self.local_calls.append((node, path[len(LOCAL) + 1:]))
            elif function.type == "attribute" and text(function.child_by_field_name("attribute")) == "add":
                self._record_add(node, function.child_by_field_name("object"))
            elif path is None:
                self.applications.append(node)  # perhaps a layer held in a name: `lstm(x)`, `self.rnn(x)`

    def _chosen_class(self, call: Node) -> Optional[Callee]:
        """`getattr(nn, cell_type)` where `cell_type` is a known string: the class it picks."""
        function = call.child_by_field_name("function")
        positional, _, _ = call_arguments(call)
        if function is None or text(function) != "getattr" or len(positional) != 2:
            return None
        module = self.path_of(positional[0]) if positional[0].type in ("identifier", "attribute") else None
        name = self.evaluator.evaluate(positional[1])
        if module is None or not isinstance(name, Known) or not isinstance(name.value, str):
            return None
        callee = callee_at(f"{module}.{name.value}")
        if callee is None or callee.kind != "layer" or \
                (self.frameworks is not None and callee.framework not in self.frameworks):
            return None
        return callee

    def _class_choices(self, call: Node) -> Tuple[Callee, ...]:
        """`getattr(nn, rnn_type)` under `if rnn_type in ["LSTM", "GRU"]:`: the layer classes it can pick
        (two or more, of one framework), in the order the test names them."""
        positional, _, _ = call_arguments(call)
        function = call.child_by_field_name("function")
        if function is None or text(function) != "getattr" or len(positional) != 2 \
                or positional[0].type not in ("identifier", "attribute"):
            return ()
        module = self.path_of(positional[0])
        names = allowed_names(call, positional[1], self.evaluator.evaluate) if module is not None else None
        callees = [callee_at(f"{module}.{name}") for name in dict.fromkeys(names or ())]
        if len(callees) < 2 or any(c is None or c.kind != "layer" for c in callees) \
                or len({c.framework for c in callees}) != 1 \
                or (self.frameworks is not None and callees[0].framework not in self.frameworks):
            return ()
        return tuple(callees)

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
        for site in in_time(list(self.sites.values()), self.deadline):
            for value in self._argument_values(site).values():
                self._link_nested(site, value)
        for container in self.containers.values():
            self._chain(self._container_layers(container))
        for application in self.applications:
            site = self._applied_site(application.child_by_field_name("function"))
            if site is not None and all(a.id != application.id for a in site.applications):
                site.applications.append(application)

    def _applied_site(self, function: Optional[Node]) -> Optional[Site]:
        """The layer a call applies (`LSTM(8)(x)`, `self.rnn(x)`, `lstm(x)`), if it is one of ours."""
        if function is None:
            return None
        if function.type == "call":
            return self.sites.get(function.id)
        value = self.evaluator.evaluate(function)
        return self.sites.get(value.call.id) if isinstance(value, LayerRef) else None

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

    def _container_items(self, container: Container) -> List[Tuple[Node, Value]]:
        """(expression, value) of each item of a Sequential, in order, `.add()`ed ones last."""
        positional, keywords, _ = call_arguments(container.call)
        if container.callee.framework == "keras":
            # keras.Sequential takes one list; torch's Sequential takes the layers as arguments.
            source = positional[0] if positional else keywords.get("layers", (None, None))[1]
            nodes = [c for c in source.named_children if c.type != "comment"] \
                if source is not None and source.type in ("list", "tuple") else []
        else:
            nodes = [node for argument in positional for node in
                     ([c for c in argument.named_children if c.type != "comment"] if argument.type == "list"
                      else [argument])]
        return [(node, self.evaluator.evaluate(node)) for node in nodes + list(container.added)]

    def _container_layers(self, container: Container) -> List[Value]:
        return [value for _, value in self._container_items(container)]

    def _parameter_free(self, node: Node) -> bool:
        function = node.child_by_field_name("function") if node.type == "call" else None
        callee = self.callee(function) if function is not None and function.type in ("identifier", "attribute") \
            else None
        return callee is not None and callee.kind == "parameter_free"

    # -- evaluation hook: layers, inputs and functional application -------------------------------

    def _evaluate_call(self, node: Node, evaluator: Evaluator) -> Optional[Value]:
        site = self.sites.get(node.id)
        if site is not None:
            if site.callee.spec.kind == "shape" and site.callee.spec.name == "Input":
                result = self.count_site(site)
                size = self._size_value(result.output_size) if result.output_size is not None else \
                    Opaque("input", "the input's last dimension is not known")
                return TensorRef(size, frozenset(), (Origin(self._short(node), node.start_byte),))
            return LayerRef(node)
        function = node.child_by_field_name("function")
        if function is None or function.type not in ("call", "identifier", "attribute"):
            return None
        if function.type != "call" and self.path_of(function) in _PARAMETER_ATTRIBUTES \
                and "trainable" not in call_arguments(node)[1]:  # a frozen parameter is not counted as trainable
            return FrameworkObject(text(function))
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
        if isinstance(incoming, TensorRef):
            return TensorRef(size, frozenset({site.call.id}) | incoming.producers, self._defaults_behind_output(site),
                             incoming.gaps)
        # Whatever made this input is out of sight (`keras.ops.relu(x)`): a model total must say so.
        gap = (Origin(" ".join(text(argument).split())[:40], argument.start_byte),) if argument is not None else ()
        return TensorRef(size, frozenset({site.call.id}), (), gap)

    def _defaults_behind_output(self, site: Site) -> Tuple[Origin, ...]:
        """When counting with defaults: the defaults a layer's output size was computed from — its own
        arguments', its wrapped layers', and its input's when it passes the input size on — so the next
        layer's count says which defaults it rests on."""
        if not self.evaluator.reads_defaults or site.finding_defaults:
            return ()
        site.finding_defaults = True  # a cycle in mid-edit text ends here
        try:
            origins: List[Origin] = []
            for value in self._argument_values(site).values():
                if isinstance(value, LayerRef) and value.call.id in self.sites:
                    origins += self._defaults_behind_output(self.sites[value.call.id])
                origins += [o for o in value.origins if o.label.startswith("default of ")]
            incoming = self.input_of(site)
            behind_input = [o for o in incoming.origins if o.label.startswith("default of ")] if incoming else []
            if behind_input:  # does the output size depend on the input's? Count with the input as a symbol
                probe = counted(site.callee.spec, self._core_arguments(site), Polynomial.symbol("input_size"))
                if probe.output_size is not None and "input_size" in probe.output_size.unknowns:
                    origins += behind_input
            return tuple(dict.fromkeys(origins))
        finally:
            site.finding_defaults = False

    def _short(self, node: Node) -> str:
        source = " ".join(text(node).split())
        return source if len(source) <= 40 else source[:39] + "…"

    @staticmethod
    def _size_value(size: Polynomial) -> Value:
        return Known(size.value) if size.is_constant else Symbolic(size, ())

    # -- counting --------------------------------------------------------------------------------

    def _argument_nodes(self, site: Site) -> Tuple[Dict[str, Node], Dict[str, Node], list]:
        """Argument name → value node, and → node to point diagnostics at; binding problems."""
        known = self._arguments.get(site.call.id)
        if known is None:
            positional, keywords, _ = call_arguments(site.call)
            given = {name: pair[1] for name, pair in keywords.items()}
            splat, splatted = self._keyword_splat(site.call)
            if splatted is not None and not set(splatted) & set(given):  # both: Python raises TypeError
                self._splatted[site.call.id] = splatted
                given.update({name: splat for name in splatted})
            binding = bind(site.callee.spec, positional, given)
            values = dict(binding.values)
            anchors = {name: keywords[name][0] if name in keywords else node for name, node in values.items()}
            known = self._arguments[site.call.id] = (values, anchors, list(binding.problems))
        return known

    def _keyword_splat(self, call: Node) -> Tuple[Optional[Node], Optional[Dict[str, Value]]]:
        """A layer call's `**kwargs` and the keywords it passes on, when `kwargs` is the `**` parameter of
        the helper this analysis runs with a call's keywords; (None, None) when the unpacking is not seen."""
        arguments = call.child_by_field_name("arguments")
        splats = [c for c in arguments.named_children if c.type in ("list_splat", "dictionary_splat")] \
            if arguments is not None else []
        if self.keyword_splat is None or len(splats) != 1 or splats[0].type != "dictionary_splat":
            return None, None
        helper, name, passed = self.keyword_splat
        unpacked = splats[0].named_children[0] if splats[0].named_children else None
        binding = self.scopes.lookup(name, unpacked) if unpacked is not None and text(unpacked) == name else None
        owner = self.scopes.owner_of(binding.node) if binding is not None else None
        if owner is None or owner.id != helper.id or binding.node.type != "dictionary_splat_pattern":
            return None, None
        return splats[0], passed

    def _argument_value(self, site: Site, name: str, node: Node, evaluator: Optional[Evaluator] = None) -> Value:
        splatted = self._splatted.get(site.call.id, {})
        return splatted[name] if name in splatted else (evaluator or self.evaluator).evaluate(node)

    def _argument_values(self, site: Site) -> Dict[str, Value]:
        nodes, _, _ = self._argument_nodes(site)
        return {name: self._argument_value(site, name, node) for name, node in nodes.items()}

    def input_of(self, site: Site) -> Optional[Value]:
        # Mid-edit text can make a layer its own wrapper or predecessor (`x = nn, H, k=1)` binds `H` to
        # the call below it): around such a cycle the input is not known.
        if site.input_value is not None or site.finding_input:
            return site.input_value
        site.finding_input = True
        try:
            site.input_value = self._input_of(site)
        finally:
            site.finding_input = False
        return site.input_value

    def _input_of(self, site: Site) -> Optional[Value]:
        value: Optional[Value] = None
        if isinstance(site.previous, TensorRef):
            value = _with_origins(site.previous.size, site.previous.origins)
        elif isinstance(site.previous, LayerRef) and site.previous.call.id in self.sites:
            before = self.sites[site.previous.call.id]
            counted = self.count_site(before)
            if counted.output_size is not None:
                value = self._size_value(counted.output_size)
                value = _with_origins(value, (Origin(f"output of {before.callee.name}", before.call.start_byte),)
                                      + self._defaults_behind_output(before))
        elif site.applications:
            positional, keywords, _ = call_arguments(site.applications[0])
            argument = positional[0] if positional else keywords.get("inputs", (None, None))[1]
            incoming = self.evaluator.evaluate(argument) if argument is not None else None
            if isinstance(incoming, TensorRef):
                value = _with_origins(incoming.size, incoming.origins)
        elif site.wrapper is not None:
            value = self.input_of(site.wrapper)
        return value

    def count_site(self, site: Site) -> Count:
        if site.result is not None:
            return site.result
        spec = site.callee.spec
        if site.choices:  # one of several classes: no count, but one for each (`_cases`)
            chooser = call_arguments(site.call.child_by_field_name("function"))[0][1]
            name = " ".join(text(chooser).split())
            site.result = Count(spec.framework, spec.name, None, None, (), "", None, None,
                                (Problem("info", f"cannot count: the layer's class depends on `{name}`"),),
                                (Unknown(name, "picks the layer's class"),))
            return site.result
        if site.counting:  # a cycle in the graph: count without the input
            return counted(spec, self._core_arguments(site), None)
        refusals = tuple(p for p in self._argument_nodes(site)[2] if p.severity == "error")
        if refusals:  # Python itself would raise TypeError before the framework sees anything
            site.result = Count(spec.framework, spec.name, None, None, (), "", None, None, refusals, ())
            return site.result
        if call_arguments(site.call)[2] and site.call.id not in self._splatted:  # `**kwargs` / `*args` not seen
            unseen = Problem("info", f"cannot count {spec.name}: arguments passed with * or ** are not known")
            site.result = Count(spec.framework, spec.name, None, None, (), "", None, None, (unseen,),
                                (Unknown("**kwargs", "arguments passed with * or ** are not known"),))
            return site.result
        site.counting = True
        try:
            needs_input = spec.input_argument is None and spec.kind != "shape"
            incoming = self.input_of(site) if needs_input else None
            site.result = counted(spec, self._core_arguments(site), _to_size(incoming))
        finally:
            site.counting = False
        return site.result

    def _core_arguments(self, site: Site) -> Dict[str, Any]:
        return {name: self._to_core(value, name, site.call) for name, value in self._argument_values(site).items()}

    def _to_core(self, value: Value, name: str = "value", at: Optional[Node] = None) -> Any:
        if isinstance(value, Known):
            return value.value
        if isinstance(value, Symbolic):
            return value.polynomial
        if isinstance(value, Items):
            return tuple(self._to_core(item, name, at) for item in value.items)
        if isinstance(value, FrameworkObject) and name.endswith("_attr"):
            return f"{value.label}(…)"  # paddle's `weight_attr`/`bias_attr`: given, and not False
        if isinstance(value, LayerRef) and value.call.id in self.sites:
            inner = self.sites[value.call.id]
            if inner.finding_arguments:  # a layer among its own arguments (mid-edit text, as in input_of)
                return Unknown(name, "a layer built from itself")
            inner.finding_arguments = True
            try:
                return LayerConfig(inner.callee.framework, inner.callee.spec.name, self._core_arguments(inner),
                                   inner.callee.spec.namespace)
            finally:
                inner.finding_arguments = False
        if isinstance(value, Opaque):
            return Unknown(_symbol_name(value.name, name, self._taken(name, at)), value.reason)
        return Unknown(name, "a value this tool cannot use as an argument")

    # -- findings --------------------------------------------------------------------------------

    def run(self) -> UnitResult:
        self.discover()
        self.link()
        ordered = sorted(self.sites.values(), key=lambda s: s.call.start_byte)
        index_of = {site.call.id: index for index, site in enumerate(ordered)}
        findings = _with_wrapped_unknowns([self._finding(index, site, index_of)
                                           for index, site in in_time(enumerate(ordered), self.deadline)])
        if self.parameter_values is None and any(not f.is_exact for f in findings):
            findings = self._with_defaults(findings, ordered)
        models = self._models(findings, index_of)
        instantiations = self._instantiations() if self.depth < MAX_INSTANTIATION_DEPTH else []
        return UnitResult(findings, models, self.scopes.dependencies, instantiations)

    # -- instantiation sites ---------------------------------------------------------------------

    def _instantiations(self) -> List[Instantiation]:
        """Each call in this unit that builds one of the file's model classes — directly, through a
        factory function of this file that returns one, or as `super().__init__(...)` of a model
        whose base is one — analysed again with the call's arguments for the parameters."""
        built = []
        for call, name in self.local_calls:
            function = call.child_by_field_name("function")
            binding = self.scopes.lookup(name, function) if "." not in name else None
            if binding is None or binding.kind != DEFINITION:
                continue
            if binding.node.type == "class_definition" and self._model_framework(binding.node, set()) is not None:
                self.scopes.depend_on_body(binding, function)
                built += [i for i in [self._instantiate(call, binding.node)] if i is not None]
            elif binding.node.type == "function_definition":
                self.scopes.depend_on_body(binding, function)
                built += self._through_factory(call, binding.node)
        for call in self.super_calls:
            base = self._local_base(call)
            if base is not None:
                built += [i for i in [self._instantiate(call, base)] if i is not None]
        return built

    def _local_base(self, super_call: Node) -> Optional[Node]:
        """The model class of this file that `super().__init__(...)` runs, if its class's first base is one."""
        owner = self.scopes.owner_of(super_call, frozenset({"class_definition"}))
        return self._local_base_of(owner) if owner is not None else None

    def _local_base_of(self, owner: Node) -> Optional[Node]:
        superclasses = owner.child_by_field_name("superclasses")
        bases = [b for b in superclasses.named_children if b.type == "identifier"] if superclasses is not None else []
        binding = self.scopes.lookup(text(bases[0]), bases[0]) if bases else None
        if binding is None or binding.kind != DEFINITION or binding.node.type != "class_definition" \
                or self._model_framework(binding.node, set()) is None:
            return None
        self.scopes.depend_on_body(binding, bases[0])
        return binding.node

    def _through_factory(self, call: Node, factory: Node) -> List[Instantiation]:
        """`model = build(512)` where `def build(hidden=256): return Tagger(hidden)`: the model the
        factory returns, as built with these arguments, reported at this call."""
        parameter_values, used_defaults = self._binder(call, factory)
        if parameter_values is None:
            return []
        analyzer = Analyzer(self.module, [factory], self.frameworks, parameter_values, self.depth + 1)
        inner = analyzer.run()
        self.scopes.dependencies.extend(inner.dependencies)  # the count here changes when what it read does
        returned = [i for i in inner.instantiations if _returned(i.span, factory)] or \
            analyzer._functional_returned(inner, factory)
        return [replace(i, span=Span.of(call), uses_defaults=i.uses_defaults or bool(used_defaults))
                for i in returned[:1]]

    def _functional_returned(self, result: UnitResult, factory: Node) -> List[Instantiation]:
        """The functional model `factory` assembles and returns (`return keras.Model(inputs, outputs)`),
        as this analysis's values build it; its layers keyed as the factory's (`Finding.built_in`)."""
        name_node = factory.child_by_field_name("name")
        model = next((m for m in result.models if m.kind == "functional" and name_node is not None
                      and m.span.start_byte == name_node.start_byte), None)
        if model is None:
            return []
        layers = tuple((text(name_node), f.span.start_byte - name_node.start_byte, f.count) for f in result.findings
                       if self._branch_state(f.span.start_byte) is True)
        return [Instantiation(model.span, model.name, model.total, model.status, _unambiguous(layers))]

    def _binder(self, call: Node, function: Node, evaluator: Optional[Evaluator] = None):
        """`ParameterValues` that give `function`'s parameters this call's arguments (defaults for
        the rest), and the list that collects which defaults were used; None when the call unpacks.
        `evaluator`: the one that values the arguments (an iteration's, in a loop)."""
        given = self._given(call, function, evaluator)
        if given is None:
            return None, []
        at_call = Origin("argument at the call", call.start_byte)
        used_defaults: List[str] = []

        def parameter_values(binding, evaluator):
            owner = evaluator.scopes.owner_of(binding.node)
            if owner is None or owner.id != function.id:
                return None
            if binding.name in given:
                return replace(given[binding.name], origins=given[binding.name].origins + (at_call,))
            value = defaults(binding, evaluator)
            if value is not None:
                used_defaults.append(binding.name)
            return value

        return parameter_values, used_defaults

    def _given(self, call: Node, function: Node, evaluator: Optional[Evaluator] = None) -> Optional[Dict[str, Value]]:
        """The values `call` gives `function`'s parameters (a class: its dataclass fields), by name; None
        when arguments are not seen (`*args`, `**kwargs`) or fields a base class of the file puts first."""
        evaluator = evaluator or self.evaluator
        names = dataclass_fields(function) if function.type == "class_definition" else _parameter_names(function)
        if names and names[0] == "self":
            names = names[1:]
        positional, keywords, unpacking = call_arguments(call)
        if unpacking or (positional and function.type == "class_definition" and self._local_base_of(function)):
            return None
        given = {name: evaluator.evaluate(node) for name, node in zip(names, positional)}
        given.update({name: evaluator.evaluate(pair[1]) for name, pair in keywords.items()})
        return given

    def _instantiate(self, call: Node, class_node: Node) -> Optional[Instantiation]:
        # A dataclass module without `__init__` (linen, equinox) takes its fields as arguments.
        constructor = _constructor(class_node) or (class_node if self._dataclass_module(class_node) else None)
        if constructor is not None:
            parameter_values, used_defaults = self._binder(call, constructor)
            if parameter_values is None:
                return None
        else:
            parameter_values, used_defaults = None, []
        passed = self._passed_models(call, constructor) if constructor is not None else {}
        analyzer = Analyzer(self.module, [class_node], self.frameworks, parameter_values, self.depth + 1)
        inner = analyzer.run()
        self.scopes.dependencies.extend(inner.dependencies)  # the count here changes when what it read does
        name_node = class_node.child_by_field_name("name")
        model = next((m for m in inner.models if m.kind == "class" and m.span.start_byte == name_node.start_byte), None)
        kept = analyzer._kept_models(class_node, constructor, passed) if passed else []
        if model is None and not kept:
            return None
        nested_built, not_counted = analyzer._built_nested(inner.instantiations, class_node)
        not_counted += [NotCounted(i.model, i.span.start_byte, i.status) for i in kept if i.status != EXACT]
        total = model.total if model is not None else Polynomial()
        not_counted = list(model.not_counted if model is not None else ()) + not_counted
        # The kept ones are counted here, but were built at their own calls (their layers are not listed).
        for nested in nested_built + [i for i in kept if i.total is not None]:
            total = total + nested.total
        name = text(name_node)
        layers = tuple((name, f.span.start_byte - name_node.start_byte, f.count) for f in inner.findings
                       if analyzer._branch_state(f.span.start_byte) is True)
        layers += tuple(analyzer.helper_built) + tuple(layer for nested in nested_built for layer in nested.layers)
        return Instantiation(Span.of(call), text(name_node), total, model_status(total, not_counted),
                             _unambiguous(layers), bool(used_defaults))

    def _passed_models(self, call: Node, constructor: Node) -> Dict[str, Tuple[int, Instantiation]]:
        """The parameters this call passes a model of the file built elsewhere (`Seq2Seq(enc, dec)` with
        `enc = Encoder(...)`), each with that model as built at its own call (and the call's id); one
        that is not followed (nested too deeply, passed to itself, its arguments not seen) with no total."""
        passed = {}
        self._passing.add(call.id)  # `a = M(b); b = M(a)`: a model passed to itself is not followed
        try:
            for name, value in (self._given(call, constructor) or {}).items():
                if not isinstance(value, Instance) or self._model_framework(value.config, set()) is None:
                    continue
                followed = value.call.id not in self._passing and self.depth < MAX_INSTANTIATION_DEPTH
                built = self._instantiate(value.call, value.config) if followed else None
                if built is None and (not followed or call_arguments(value.call)[2]):
                    built = Instantiation(Span.of(value.call), text(value.config.child_by_field_name("name")), None,
                                          UNKNOWN, ())
                if built is not None:  # else a model without layers
                    passed[name] = (value.call.id, built)
        finally:
            self._passing.discard(call.id)
        return passed

    def _kept_models(self, class_node: Node, constructor: Node,
                     passed: Dict[str, Tuple[int, Instantiation]]) -> List[Instantiation]:
        """The passed models the class keeps as attributes (`self.encoder = encoder`), where the values
        take that branch: the framework registers them, each object once however often it is kept."""
        kept: Dict[int, Instantiation] = {}
        for node in self.scopes.attribute_assignments:
            right, left = node.child_by_field_name("right"), dotted(node.child_by_field_name("left")) or ""
            if not class_node.start_byte <= node.start_byte < class_node.end_byte or right is None \
                    or right.type != "identifier" or not left.startswith("self.") or left.count(".") != 1:
                continue
            binding = self.scopes.lookup(text(right), right)
            owner = self.scopes.owner_of(binding.node) if binding is not None and binding.kind == PARAMETER else None
            if owner is not None and owner.id == constructor.id and binding.name in passed \
                    and self._branch_state(node.start_byte) is True:
                identity, built = passed[binding.name]
                kept.setdefault(identity, built)
        return list(kept.values())

    def _built_nested(self, nested: List[Instantiation], class_node: Node) -> Tuple[List[Instantiation], List[NotCounted]]:
        """The models a class builds in turn with this analysis's values: only on the branches those
        values take (an `if kind == "LSTM": ... else: ...` arm not taken builds nothing), only those the
        framework registers, and what the total then leaves out (a model under a condition that is not
        known, not counted exactly, or not followed at all)."""
        built, not_counted = [], []
        calls = {call.start_byte: call for call, name in self.local_calls if self._is_local_class(call, name)}
        registering = self._model_framework(class_node, set()) in REGISTERING_FRAMEWORKS
        for instantiation in nested:
            offset = instantiation.span.start_byte
            if not class_node.start_byte <= offset < class_node.end_byte or instantiation.total is None:
                continue
            state = self._branch_state(offset)
            why = _CONDITIONAL if state is None else _UNREGISTERED \
                if registering and offset in calls and not self._registered(calls[offset]) else None
            if why is not None:
                not_counted.append(NotCounted(instantiation.model, offset, why))
            elif state:
                built.append(instantiation)
                if instantiation.status != EXACT:
                    not_counted.append(NotCounted(instantiation.model, offset, instantiation.status))
        made = {i.span.start_byte for i in nested}
        not_counted += [NotCounted(name, call.start_byte, self._not_followed(call)) for call, name in self.local_calls
                        if class_node.start_byte <= call.start_byte < class_node.end_byte
                        and call.start_byte not in made and self._not_followed(call)
                        and self._branch_state(call.start_byte) is not False and self._is_model_class(call, name)]
        return built, not_counted

    def _not_followed(self, call: Node) -> Optional[str]:
        """Why a model this analysis builds is not counted with its values ("" when it has no layers)."""
        if call_arguments(call)[2]:
            return "arguments passed with * or ** are not known"
        return "nested too deeply to follow" if self.depth >= MAX_INSTANTIATION_DEPTH else ""

    def _is_model_class(self, call: Node, name: str) -> bool:
        definition = self._local_definition(call, name)
        return definition is not None and definition.type == "class_definition" \
            and self._model_framework(definition, set()) is not None

    def _submodels(self, class_node: Node, registering: bool) -> Tuple[Tuple[Tuple[str, int], ...], List[NotCounted]]:
        """The file's models a class builds (`self.encoder = Encoder()`), by name and offset, whose totals
        add to its own — those on a branch the known values take, that the framework registers; and the
        ones left out (kept in a plain list, under a condition that is not known)."""
        submodels, not_counted = [], []
        for call, name in self.local_calls:
            if not class_node.start_byte <= call.start_byte < class_node.end_byte or not self._is_local_class(call, name):
                continue
            state, name = self._branch_state(call.start_byte), name.split(".")[0]
            if state is None:
                not_counted.append(NotCounted(name, call.start_byte, _CONDITIONAL))
            elif state and registering and not self._registered(call):
                not_counted.append(NotCounted(name, call.start_byte, _UNREGISTERED))
            elif state:
                submodels.append((name, call.start_byte))
        return tuple(submodels), not_counted

    def _with_defaults(self, findings: List[Finding], ordered: List[Site]) -> List[Finding]:
        """Count again reading each parameter as its default; where that makes an inexact count
        exact, keep it beside the exact answer (which stays unknown: a caller may pass anything)."""
        alternative = Analyzer(self.module, self.nodes, self.frameworks, defaults, deadline=self.deadline)
        alternative.discover()
        alternative.link()
        for index, site in enumerate(ordered):
            twin = alternative.sites.get(site.call.id)
            if findings[index].is_exact or twin is None:
                continue
            result = alternative.count_site(twin)
            if result.total is None or not result.total.is_constant:
                continue
            findings[index] = replace(findings[index], with_defaults=result,
                                      defaults_used=alternative._defaults_used(twin))
        return findings

    def _defaults_used(self, site: Site, seen: FrozenSet[int] = frozenset()) -> Tuple[ArgumentValue, ...]:
        """The arguments, of the layer and of the layers it wraps, whose values rest on a default."""
        used = [argument for argument in self._arguments_of(site)
                if any(origin.label.startswith("default of ") for origin in argument.origins)]
        for value in self._argument_values(site).values():
            if isinstance(value, LayerRef) and value.call.id in self.sites and value.call.id not in seen:
                used += self._defaults_used(self.sites[value.call.id], seen | {site.call.id})
        return tuple(dict.fromkeys(used))

    def _argument_values_with_input(self, site: Site) -> List[Tuple[str, Optional[Node], Value]]:
        """(name, argument node or None for the call-time input, value) of each known argument."""
        nodes, _, _ = self._argument_nodes(site)
        values: List[Tuple[str, Optional[Node], Value]] = [
            (name, node, self._argument_value(site, name, node)) for name, node in nodes.items()]
        spec = site.callee.spec
        if spec.input_argument is None and spec.kind != "shape":
            incoming = self.input_of(site)
            if incoming is not None:
                values.append(("input size", None, incoming))
        return values

    def _arguments_of(self, site: Site) -> Tuple[ArgumentValue, ...]:
        return tuple(
            ArgumentValue(name, text(node) if node is not None else "",
                          _display(value, self._to_core(value, name, site.call) if node is not None
                                   else _to_size(value)),
                          _fully_known(value), value.origins, Span.of(node) if node is not None else None)
            for name, node, value in self._argument_values_with_input(site))

    def _finding(self, index: int, site: Site, index_of: Dict[int, int]) -> Finding:
        result = self.count_site(site)
        _, anchors, binding_problems = self._argument_nodes(site)
        spec = site.callee.spec
        arguments, unknowns = self._arguments_of(site), {}
        for name, _, value in self._argument_values_with_input(site):
            for unknown_name, reason in _reasons_of(value):
                fallback = "input_size" if name == "input size" else name
                symbol = _symbol_name(unknown_name, fallback, self._taken(fallback, site.call))
                unknowns.setdefault(symbol, UnknownSize(name, symbol, reason))
        for unknown in result.unknowns:
            unknowns.setdefault(unknown.name, UnknownSize("input size" if unknown.name == "input_size" else
                                                          unknown.name, unknown.name, unknown.reason))
        function = site.call.child_by_field_name("function")
        diagnostics = [Diagnostic(Span.of(anchors[p.argument]) if p.argument in anchors else Span.of(function),
                                  p.severity, p.message)
                       for p in list(result.problems) + binding_problems if p.severity in ("error", "warning")]
        diagnostics = list(dict.fromkeys(diagnostics))
        wrapper = index_of.get(site.wrapper.call.id) if site.wrapper is not None else None
        layer = " | ".join(callee.name for callee in site.choices) or spec.name
        return Finding(index, Span.of(site.call), Span.of(function), site.callee.framework, layer,
                       spec.namespace, result, arguments, tuple(unknowns.values()), tuple(diagnostics),
                       wrapper, None, self.scopes.in_loop(site.call), cases=self._cases(site, result),
                       iterations=self._iterations(site), kind=spec.kind, built_in=self._built_in(site.call))

    def _built_in(self, call: Node) -> Optional[Tuple[str, int]]:
        """The top-level function a layer is built in, and the layer's offset from its name."""
        function = self.scopes.owner_of(call, frozenset({"function_definition", "class_definition"}))
        parent = function.parent if function is not None else None
        if parent is not None and parent.type == "decorated_definition":
            parent = parent.parent
        if function is None or function.type != "function_definition" or parent is None or parent.type != "module":
            return None
        name = function.child_by_field_name("name")
        return (text(name), call.start_byte - name.start_byte) if name is not None else None

    def _iterations(self, site: Site) -> Tuple[Count, ...]:
        """The layer's count in each iteration of the one loop it is built in, when that loop runs
        over a known range or sequence (`for i in range(3)`, `[... for i in range(LAYERS)]`)."""
        evaluators = self.iteration_evaluators(site.call)
        if evaluators is None:
            return ()
        nodes, _, _ = self._argument_nodes(site)
        spec = site.callee.spec
        incoming = _to_size(self.input_of(site)) if spec.input_argument is None and spec.kind != "shape" else None
        counts = []
        for evaluator in evaluators:
            arguments = {name: self._to_core(self._argument_value(site, name, node, evaluator), name, site.call)
                         for name, node in nodes.items()}
            counts.append(counted(spec, arguments, incoming))
        return tuple(counts) if all(c.total is not None and c.total.is_constant for c in counts) else ()

    def iteration_evaluators(self, node: Node) -> Optional[List[Evaluator]]:
        """An evaluator for each iteration of the one loop `node` runs in, its variable bound to that
        iteration's value, when the loop runs over a known range or sequence; None otherwise."""
        loops = self.scopes.loops_around(node)
        if len(loops) != 1:
            return None
        loop = loops[0]
        clause = loop if loop.type == "for_statement" else \
            next((c for c in loop.named_children if c.type == "for_in_clause"), None)
        variable = clause.child_by_field_name("left") if clause is not None else None
        domain = self._domain(clause.child_by_field_name("right")) if variable is not None else None
        rebinds = carried(loop, node)
        if variable is None or variable.type != "identifier" or domain is None or rebinds is None:
            return None
        # Each iteration starts with what the one before left in the names the body rebinds.
        values = {name: self._before(name, loop) for name in rebinds}
        evaluators = []
        for value in domain:
            evaluator = Evaluator(self.scopes, self._evaluate_call, self.parameter_values,
                                  {clause.id: {text(variable): value}}, dataclass_module=self._dataclass_module,
                                  carried=values)
            values = {name: evaluator.evaluate(expression) for name, expression in rebinds.items()}
            evaluators.append(evaluator)
        return evaluators

    def _before(self, name: str, loop: Node) -> Value:
        """The value `name` has where `loop` starts."""
        binding = self.scopes.lookup(name, loop)
        if binding is None:
            return Opaque(name, "not defined before its loop")
        return self.evaluator.bound_value(binding, Origin(name, binding.offset))

    def _domain(self, iterable: Optional[Node]) -> Optional[List[Value]]:
        if iterable is None:
            return None
        function = iterable.child_by_field_name("function") if iterable.type == "call" else None
        if function is not None and text(function) == "range":
            bounds = [self.evaluator.evaluate(a) for a in call_arguments(iterable)[0]]
            if 1 <= len(bounds) <= 3 and all(isinstance(b, Known) and type(b.value) is int for b in bounds):
                steps = range(*(b.value for b in bounds)) if bounds[-1].value != 0 or len(bounds) < 3 else range(0)
                if len(steps) <= MAX_ITERATIONS:
                    return [Known(step, tuple(o for b in bounds for o in b.origins)) for step in steps]
            return None
        value = self.evaluator.evaluate(iterable)
        if isinstance(value, Items) and len(value.items) <= MAX_ITERATIONS:
            return list(value.items)
        return None

    def _cases(self, site: Site, result: Count) -> Tuple[Tuple[str, Count], ...]:
        """When an unknown flag is all that stands between the layer and its count (`bidirectional=
        bidir`), the count for each value it can take; for a class picked by a name that is not known,
        the count of each class it can be."""
        if site.choices:
            chooser = " ".join(text(call_arguments(site.call.child_by_field_name("function"))[0][1]).split())
            cases = tuple((f"{chooser}={callee.name}", self._count_as(site, callee)) for callee in site.choices)
            return cases if all(count is not None and count.total is not None for _, count in cases) else ()
        spec = site.callee.spec
        missing = [p.argument for p in result.problems if p.severity == "info" and p.argument]
        if result.total is not None or len(missing) != 1:
            return ()
        flag = spec.argument(missing[0])
        if flag is None or not isinstance(flag.default, bool):
            return ()
        arguments = self._core_arguments(site)
        incoming = _to_size(self.input_of(site)) if spec.input_argument is None and spec.kind != "shape" else None
        cases = tuple((f"{flag.name}={value}", counted(spec, {**arguments, flag.name: value}, incoming))
                      for value in (True, False))
        return cases if all(count.total is not None for _, count in cases) else ()

    def _count_as(self, site: Site, callee: Callee) -> Optional[Count]:
        """The count of a site's call as a constructor of `callee` (one of the classes it can be)."""
        positional, keywords, unpacking = call_arguments(site.call)
        binding = bind(callee.spec, positional, {name: pair[1] for name, pair in keywords.items()})
        if unpacking or any(p.severity == "error" for p in binding.problems):
            return None
        arguments = {name: self._to_core(self.evaluator.evaluate(node), name, site.call)
                     for name, node in binding.values.items()}
        needs_input = callee.spec.input_argument is None and callee.spec.kind != "shape"
        return counted(callee.spec, arguments, _to_size(self.input_of(site)) if needs_input else None)

    # -- models ----------------------------------------------------------------------------------

    def _models(self, findings: List[Finding], index_of: Dict[int, int]) -> List[ModelFinding]:
        models = self._class_models(findings) + self._container_models(findings, index_of)
        models += self._functional_models(findings, index_of)
        named = {finding.index: model.name for model in models for finding in findings
                 if finding.index in model.members or (model.extent is not None and model.extent.start_byte
                                                       <= finding.span.start_byte < model.extent.end_byte)}
        for index, name in named.items():
            if findings[index].model is None:
                findings[index] = replace(findings[index], model=name)
        return sorted(models, key=lambda m: m.span.start_byte)

    def _class_models(self, findings: List[Finding]) -> List[ModelFinding]:
        models = []
        for scope in sorted(self.scopes.class_scopes(), key=lambda s: s.node.start_byte):
            framework = self._model_framework(scope.node, set())
            name_node = scope.node.child_by_field_name("name")
            if framework is None or name_node is None:
                continue
            start, end = scope.node.start_byte, scope.node.end_byte
            members = [f for f in findings if start <= f.span.start_byte < end and f.wrapped_by is None]
            members, conditional = self._by_branch(members)
            if framework in REGISTERING_FRAMEWORKS:
                kept = [f for f in members if self._registered(self._site_at(f.span.start_byte))]
                not_counted_members = [f for f in members if f not in kept]
                members = kept
            else:
                not_counted_members = []
            not_counted = [NotCounted(callee.name, node.start_byte, "not in the catalog")
                           for node, callee in self.other_layers if start <= node.start_byte < end]
            not_counted += [NotCounted(f.layer, f.span.start_byte, _UNREGISTERED) for f in not_counted_members]
            not_counted += [NotCounted(f.layer, f.span.start_byte, _CONDITIONAL) for f in conditional]
            submodels, left_out = self._submodels(scope.node, framework in REGISTERING_FRAMEWORKS)
            not_counted += left_out
            extra, left_out, held = self._beside_layers(scope.node, framework)
            not_counted += left_out
            base = self._local_base_of(scope.node)
            if base is not None:  # the layers a local base class builds are this model's too
                submodels += ((text(base.child_by_field_name("name")), scope.node.start_byte),)
            model = _total(text(name_node), Span.of(name_node), "class", framework, members, not_counted, submodels,
                           extra)
            if model is not None:
                shared, uncertain = self._tied(scope.node, members, held)
                if shared:  # `self.decoder.weight = self.encoder.weight`: one tensor, counted once
                    model = replace(model, total=model.total - shared, trainable=model.trainable - shared)
                if uncertain:  # tied or not depending on a value this tool does not know
                    model = replace(model, status=UNKNOWN,
                                    not_counted=model.not_counted + tuple(uncertain))
                models.append(replace(model, extent=Span.of(scope.node)))
        return models

    def _taken(self, name: str, at: Optional[Node]) -> bool:
        """Whether the code around `at` uses `name` itself (then a placeholder must not look like it)."""
        return at is not None and self.scopes.lookup(name, at) is not None

    def _local_definition(self, call: Node, name: str) -> Optional[Node]:
        function = call.child_by_field_name("function")
        binding = self.scopes.lookup(name, function) if "." not in name and function is not None else None
        return binding.node if binding is not None and binding.kind == DEFINITION else None

    def _is_local_class(self, call: Node, name: str) -> bool:
        definition = self._local_definition(call, name)
        return definition is None or definition.type == "class_definition"

    def _is_local_function(self, call: Node, name: str) -> bool:
        """Whether the call runs a function of this file that builds framework layers (fairseq's
        `def LSTM(...): m = nn.LSTM(...); ...; return m`), whose layers a model total would miss."""
        definition = self._local_definition(call, name)
        if definition is None or definition.type != "function_definition":
            return False
        calls = (node.child_by_field_name("function") for node in interesting_nodes(definition) if node.type == "call")
        return any(function is not None and function.type in ("identifier", "attribute")
                   and (callee := self.callee(function)) is not None and callee.kind == "layer" for function in calls)

    def _tied(self, class_node: Node, members: List[Finding],
              held: Dict[str, Count]) -> Tuple[Polynomial, List[NotCounted]]:
        """The size of tensors a model re-assigns from another of its modules (weight tying), which
        the framework counts once: `self.decoder.weight = self.encoder.weight` in a branch taken; and
        the tyings under a condition that is not known (then the total itself is not known). `held`:
        the layers the file's helper functions build for attributes (`self.out = Linear(...)`)."""
        shared, uncertain = Polynomial(), []
        holders = dict(held)
        for finding in members:
            target = attribute_holding(self._site_at(finding.span.start_byte))
            if target is not None:
                holders[target] = finding.count
        for node in self.scopes.attribute_assignments:
            if not class_node.start_byte <= node.start_byte < class_node.end_byte:
                continue
            state = self._branch_state(node.start_byte)
            if state is False:
                continue
            left, right = dotted(node.child_by_field_name("left")), dotted(node.child_by_field_name("right"))
            if left is None or right is None or left.count(".") != 2 or right.count(".") != 2:
                continue
            _, module, tensor_name = left.split(".")
            _, source, source_name = right.split(".")
            tied, origin = holders.get(module), holders.get(source)
            if tied is None or origin is None:
                continue
            mine = next((t for t in tied.tensors if t.name == tensor_name), None)
            theirs = next((t for t in origin.tensors if t.name == source_name), None)
            if mine is not None and theirs is not None and mine.shape == theirs.shape:
                if state is None:
                    uncertain.append(NotCounted(left[5:], node.start_byte, f"may share {right[5:]}'s tensor"))
                else:
                    shared = shared + mine.params
        return shared, uncertain

    def _beside_layers(self, class_node: Node, framework: str) \
            -> Tuple[Optional[Tuple[Polynomial, Polynomial]], List[NotCounted], Dict[str, Count]]:
        """What a class model holds besides its own layer findings: the layers the file's helper
        functions build for it and its array fields (total and trainable; None if neither), what of
        them is not counted, and the helper-built layers by the attribute that holds them."""
        arrays, not_counted = self._array_fields(class_node, framework)
        helpers, left_out, held = helper_layers(self, class_node, framework in REGISTERING_FRAMEWORKS, _CONDITIONAL)
        if arrays:
            total, trainable = helpers or (Polynomial(), Polynomial())
            helpers = (total + arrays, trainable + arrays)
        return helpers, not_counted + left_out, held

    def _array_fields(self, class_node: Node, framework: str) -> Tuple[Polynomial, List[NotCounted]]:
        """Arrays a JAX module keeps as fields (`self.bias = jnp.zeros(n)` in an eqx.Module) are
        parameters too: equinox's are counted from their shape where it is known; the others make
        the model's total a lower bound."""
        if framework not in ("equinox", "flax", "haiku"):
            return Polynomial(), []
        total, found = Polynomial(), []
        for node in self.scopes.attribute_assignments:
            right = node.child_by_field_name("right")
            function = right.child_by_field_name("function") if right is not None and right.type == "call" else None
            path = self.path_of(function) if function is not None and function.type in ("identifier", "attribute") \
                else None
            if not class_node.start_byte <= node.start_byte < class_node.end_byte or path is None \
                    or not path.startswith(("jax.numpy.", "jax.random.", "numpy.")) \
                    or self._branch_state(node.start_byte) is False:
                continue
            size = array_size(right, path, self.evaluator.evaluate) \
                if framework == "equinox" and self._branch_state(node.start_byte) else None
            if size is not None:
                total = total + size
            else:
                found.append(NotCounted(text(node.child_by_field_name("left")), node.start_byte,
                                        "an array field: a parameter this tool does not count"))
        return total, found

    def _by_branch(self, members: List[Finding]) -> Tuple[List[Finding], List[Finding]]:
        """Split a model's layers by the `if`s they are built under: those on a branch the known values
        take stay, those on a branch they do not take were never built, and those under a condition
        that is not known may or may not be (`if rnn_type == "LSTM": ... else: ...`)."""
        kept, conditional = [], []
        for finding in members:
            state = self._branch_state(finding.span.start_byte)
            if state is True:
                kept.append(finding)
            elif state is None:
                conditional.append(finding)
        return kept, conditional

    def _branch_state(self, offset: int) -> Optional[bool]:
        """True if every `if` around `offset` leads to it with the known values, False if one leads
        away, None if some condition is not known."""
        for branch in self.scopes.branches:
            if not branch.start_byte <= offset < branch.end_byte:
                continue
            clauses = [(branch.child_by_field_name("condition"), branch.child_by_field_name("consequence"))]
            for alternative in branch.children_by_field_name("alternative"):
                body = alternative.child_by_field_name("consequence") or alternative.child_by_field_name("body")
                clauses.append((alternative.child_by_field_name("condition"), body))
            for condition, body in clauses:
                test = Known(True) if condition is None else self.evaluator.evaluate(condition)
                inside = body is not None and body.start_byte <= offset < body.end_byte
                if not isinstance(test, Known):
                    if inside or any(b is not None and b.start_byte <= offset < b.end_byte for _, b in clauses):
                        return None
                    break
                if bool(test.value):
                    if not inside:
                        return False if any(b is not None and b.start_byte <= offset < b.end_byte
                                            for _, b in clauses) else True
                    break
                if inside:
                    return False
        return True

    def _site_at(self, offset: int) -> Node:
        return next(site.call for site in self.sites.values() if site.call.start_byte == offset)

    def _registered(self, call: Node) -> bool:
        """Whether a module built in a torch/paddle class ends up registered on it (an attribute of
        `self`, inside a Sequential/ModuleList/ModuleDict or a wrapper, `add_module`, appended to a
        registered list); one kept in a plain list or a local variable is not a parameter of the model."""
        parent, plain = call.parent, False
        for _ in range(MAX_REGISTRATION_DEPTH):
            if parent is None:
                return False
            kind = parent.type
            if kind == "assignment":
                # torch registers a module assigned to an attribute, not a plain list or dict holding one there.
                left = parent.child_by_field_name("left")
                if left is not None and left.type == "attribute":
                    return text(left.child_by_field_name("object")) == "self" and not plain
                return left is not None and left.type == "identifier" and \
                    self._stored_on_self(text(left), parent, as_attribute=not plain)
            if kind == "argument_list":
                owner = parent.parent
                if owner is None:
                    return False
                if owner.id in self.containers or owner.id in self.sites:
                    return True
                function = owner.child_by_field_name("function")
                if function is None:  # a class's bases (`class N(nn.Module, nn.Linear(3, 10)):`), not a call
                    return False
                if function.type in ("identifier", "attribute") and self.callee(function) is not None:
                    return True  # a framework module holds what it is built with (`nn.RNN(MyCell(...))`)
                method = text(function.child_by_field_name("attribute")) if function.type == "attribute" else ""
                if method in ("add_module", "register_module", "add_sublayer"):
                    return True
                if method in ("append", "extend", "insert"):
                    holder = dotted(function.child_by_field_name("object")) or ""
                    binding = self.scopes.class_attribute(owner, holder[5:]) if holder.startswith("self.") else None
                    return binding is not None and binding.value is not None and binding.value.id in self.containers
                return False
            if kind not in ("list", "list_comprehension", "tuple", "parenthesized_expression", "binary_operator",
                            "keyword_argument", "dictionary", "pair", "generator_expression"):
                return False
            plain = plain or kind in _PLAIN_CONTAINERS
            parent = parent.parent
        return False

    def _stored_on_self(self, name: str, assignment: Node, as_attribute: bool = True) -> bool:
        """Whether a local variable holding a module is later put on `self` (`self.rnn = rnn`; not when
        the variable holds a plain list of modules: `as_attribute` False)."""
        owner = self.scopes.owner_of(assignment, frozenset({"class_definition"}))
        if owner is None:
            return False
        attributes = self.scopes.scope_for_node(owner).attributes.values()
        if as_attribute and any(b.value is not None and b.value.type == "identifier" and text(b.value) == name
               for bindings in attributes for b in bindings):
            return True
        # ... or handed to a container or wrapper in the same class (`nn.ModuleList([block] * 3)`).
        holders = [node for node in (c.call for c in self.containers.values())
                   if owner.start_byte <= node.start_byte < owner.end_byte]
        holders += [site.call for site in self.sites.values() if owner.start_byte <= site.call.start_byte < owner.end_byte]
        return any(n.type == "identifier" and text(n) == name for holder in holders
                   for n in walk(holder.child_by_field_name("arguments") or holder))

    def _dataclass_module(self, class_node: Node, hops: int = 0) -> bool:
        """Whether a class is a linen or equinox module (a dataclass: its annotated names are fields)."""
        superclasses = class_node.child_by_field_name("superclasses")
        for base in superclasses.named_children if superclasses is not None and hops <= MAX_ALIAS_HOPS else ():
            if base.type not in ("identifier", "attribute"):
                continue
            if self.path_of(base) in _DATACLASS_BASES:
                return True
            binding = self.scopes.lookup(text(base), base) if base.type == "identifier" else None
            if binding is not None and binding.kind == DEFINITION and binding.node.type == "class_definition" \
                    and self._dataclass_module(binding.node, hops + 1):
                return True
        return False

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
            if self.scopes.inside_class(container.call):
                continue  # part of the class model around it
            target = _assigned_name(container.call)
            if target is None:
                continue
            members, not_counted = [], []
            for node, value in self._container_items(container):
                if isinstance(value, LayerRef) and value.call.id in index_of:
                    members.append(findings[index_of[value.call.id]])
                elif not isinstance(value, TensorRef) and not self._parameter_free(node):
                    not_counted.append(NotCounted(" ".join(text(node).split())[:40], node.start_byte, "not understood"))
            model = _total(text(target), Span.of(target), "sequential", container.callee.framework, members,
                           not_counted)
            if model is not None:
                models.append(model)
        return models

    def _functional_models(self, findings: List[Finding], index_of: Dict[int, int]) -> List[ModelFinding]:
        models = []
        for call in self.functional:
            target = _assigned_name(call) or _returned_by(self.scopes, call)
            positional, keywords, _ = call_arguments(call)
            outputs_node = keywords["outputs"][1] if "outputs" in keywords else \
                positional[1] if len(positional) > 1 else None
            if target is None or outputs_node is None:
                continue
            outputs = self.evaluator.evaluate(outputs_node)
            producers, not_counted = set(), []
            for tensor in outputs.items if isinstance(outputs, Items) else (outputs,):
                if isinstance(tensor, TensorRef):
                    producers |= tensor.producers
                    not_counted += [gap for gap in (NotCounted(g.label, g.offset, "the graph could not be followed "
                                                               "before it") for g in tensor.gaps)
                                    if gap not in not_counted]
                else:
                    not_counted.append(NotCounted(text(outputs_node), outputs_node.start_byte,
                                                  "the graph could not be followed"))
            members = [findings[index_of[p]] for p in producers if p in index_of]
            framework = self.callee(call.child_by_field_name("function")).framework
            model = _total(text(target), Span.of(target), "functional", framework,
                           [m for m in members if m.wrapped_by is None], not_counted)
            if model is not None:
                models.append(model)
        return models


def _total(name: str, span: Span, kind: str, framework: str, members: List[Finding], not_counted: List[NotCounted],
           submodels: Tuple[Tuple[str, int], ...] = (),
           extra: Optional[Tuple[Polynomial, Polynomial]] = None) -> Optional[ModelFinding]:
    """A model's total: its layers, and (`extra`: total, trainable) what else it holds — the layers the
    file's functions build for it, its array fields."""
    if not members and not not_counted and not submodels and extra is None:
        return None
    total, trainable = extra or (Polynomial(), Polynomial())
    counted = []
    for finding in sorted(members, key=lambda f: f.index):
        if finding.iterations:
            for iteration in finding.iterations:
                total, trainable = total + iteration.total, trainable + iteration.trainable
            counted.append(finding.index)
        elif finding.in_loop:
            not_counted.append(NotCounted(finding.layer, finding.span.start_byte, "built in a loop"))
        elif finding.count.total is None:
            not_counted.append(NotCounted(finding.layer, finding.span.start_byte, "not countable"))
        else:
            total, trainable = total + finding.count.total, trainable + finding.count.trainable
            counted.append(finding.index)
    return ModelFinding(name, span, kind, framework, tuple(counted), total, trainable,
                        model_status(total, not_counted), tuple(not_counted), submodels)


def model_status(total: Polynomial, not_counted) -> str:
    return UNKNOWN if not total.is_constant else LOWER_BOUND if not_counted else EXACT


def _unambiguous(layers: Tuple[Tuple[str, int, Count], ...]) -> Tuple[Tuple[str, int, Count], ...]:
    """One count per layer as built at a site; none for a layer built there with different counts (a
    helper or a nested model built twice with other sizes): no single number is its count there."""
    counts: Dict[Tuple[str, int], List[Count]] = {}
    for owner, offset, result in layers:
        counts.setdefault((owner, offset), []).append(result)
    return tuple((owner, offset, found[0]) for (owner, offset), found in counts.items()
                 if all(other.total == found[0].total for other in found))


def _returned_by(scopes: Scopes, call: Node) -> Optional[Node]:
    """The name of the function that returns `call` itself (`return keras.Model(inputs, outputs)`)."""
    if call.parent is None or call.parent.type != "return_statement":
        return None
    function = scopes.owner_of(call, frozenset({"function_definition"}))
    return function.child_by_field_name("name") if function is not None else None


def _assigned_name(call: Node) -> Optional[Node]:
    parent = call.parent
    if parent is not None and parent.type == "assignment":
        left = parent.child_by_field_name("left")
        if left is not None and left.type in ("identifier", "attribute"):
            return left
    return None


def _to_size(value: Optional[Value]) -> Optional[Polynomial]:
    if value is None:
        return None
    polynomial = as_polynomial(value)
    if polynomial is not None:
        return polynomial
    if isinstance(value, Opaque):
        return Polynomial.symbol(_symbol_name(value.name, "input_size"))
    return None


def _symbol_name(name: str, fallback: str, taken: bool = False) -> str:
    """Unknown sizes appear in formulas by name: the user's own name where there is one
    (`hidden_dim`, `cfg.hidden`), else the parameter's (never `10**10**10` or a call's text) — in
    angle brackets when the user's code uses that name for something else (`<input_size>`)."""
    if _IDENTIFIER.fullmatch(name):
        return name
    return f"<{fallback}>" if taken else fallback


def _with_origins(value: Value, origins: Tuple[Origin, ...]) -> Value:
    return replace(value, origins=tuple(dict.fromkeys(value.origins + origins)))


def _fully_known(value: Value) -> bool:
    if isinstance(value, Known):
        return True
    if isinstance(value, Items):
        return all(_fully_known(item) for item in value.items)
    return isinstance(value, LayerRef)


def _with_wrapped_unknowns(findings: List[Finding]) -> List[Finding]:
    """A wrapper's count (Bidirectional, TimeDistributed, RNN of a cell or of a stack of cells) is a
    formula in its inner layers' unknowns too: give each count the unknowns its formula names, with the
    reasons the layers that brought them in gave (a name means one value within a unit)."""
    reasons: Dict[str, UnknownSize] = {}
    for finding in findings:
        for unknown in finding.unknowns:
            reasons.setdefault(unknown.name, unknown)
    completed = []
    for finding in findings:
        explained = {u.name for u in finding.unknowns}
        names = finding.count.total.unknowns if finding.count.total is not None else ()
        missing = tuple(reasons[name] for name in names if name not in explained and name in reasons)
        completed.append(replace(finding, unknowns=finding.unknowns + missing) if missing else finding)
    return completed


def _reasons_of(value: Value) -> List[Tuple[str, str]]:
    if isinstance(value, Symbolic):
        return list(value.reasons)
    if isinstance(value, Opaque):
        return [(value.name, value.reason)]
    if isinstance(value, Items):
        return [reason for item in value.items for reason in _reasons_of(item)]
    return []


def _display(value: Value, core_value: Any) -> str:
    if isinstance(value, FrameworkObject):
        return f"{value.label}(…)"
    if isinstance(value, LayerRef):
        return f"{text(value.call.child_by_field_name('function'))}(…)"
    if isinstance(value, Opaque):
        return f"? ({value.name})"
    return display(core_value)


def _constructor(class_node: Node) -> Optional[Node]:
    """The class's own `__init__`, if it defines one."""
    body = class_node.child_by_field_name("body")
    for statement in body.named_children if body is not None else ():
        definition = statement.child_by_field_name("definition") if statement.type == "decorated_definition" \
            else statement
        if definition is not None and definition.type == "function_definition" \
                and text(definition.child_by_field_name("name")) == "__init__":
            return definition
    return None


def _parameter_names(function: Node) -> List[str]:
    names = []
    parameters = function.child_by_field_name("parameters")
    for parameter in parameters.named_children if parameters is not None else ():
        if parameter.type == "identifier":
            names.append(text(parameter))
        elif parameter.type in ("default_parameter", "typed_default_parameter"):
            names.append(text(parameter.child_by_field_name("name")))
        elif parameter.type == "typed_parameter":
            names.append(next((text(c) for c in parameter.named_children if c.type == "identifier"), ""))
        else:
            break  # *args, **kwargs, `*`, `/`: what follows is not positional
    return names


def _returned(span: Span, function: Node) -> bool:
    """Whether a call is what `function` returns (`return Tagger(hidden)`)."""
    for node in walk(function):
        if node.type == "return_statement":
            value = next(iter(node.named_children), None)
            if value is not None and (value.start_byte, value.end_byte) == (span.start_byte, span.end_byte):
                return True
    return False
