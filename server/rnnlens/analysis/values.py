"""A small, bounded interpreter for the expressions that give layers their sizes.

It never runs user code: it reads literals, constants, arithmetic, tuples and a few builtins, and
follows names to their bindings. Every value carries where it came from (`HIDDEN at line 3`).
Everything is bounded — steps, nesting depth, integer size — and an exhausted bound gives an
`Opaque` value ("unknown, and why"), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from ..core import Polynomial
from .loops import rebound_in_loop
from .scopes import ASSIGN, DEFINITION, IMPORT, OPAQUE, PARAMETER, Binding, Scopes
from .syntax import Node, dotted, text

MAX_INT_BITS = 64
MAX_DEPTH = 60
MAX_STEPS = 200_000
MAX_ITEMS = 4_096
_UNKNOWN = object()


@dataclass(frozen=True)
class Origin:
    """Where a value came from: a name's binding, or an expression (`Input((None, 3))`), by the byte
    offset of the name or expression; presenters turn it into `HIDDEN at line 3`."""

    label: str
    offset: int


Origins = Tuple[Origin, ...]


@dataclass(frozen=True)
class Known:
    value: Any  # int, float, bool, str or None
    origins: Origins = ()


@dataclass(frozen=True)
class Symbolic:
    """An integer size that is a polynomial in unknown names (`2 * hidden`)."""

    polynomial: Polynomial
    reasons: Tuple[Tuple[str, str], ...]  # (unknown name, why it is unknown)
    origins: Origins = ()


@dataclass(frozen=True)
class Opaque:
    name: str
    reason: str
    origins: Origins = ()


@dataclass(frozen=True)
class Items:
    items: Tuple["Value", ...]
    origins: Origins = ()


@dataclass(frozen=True)
class Mapping:
    entries: Tuple[Tuple[Any, "Value"], ...]
    origins: Origins = ()


@dataclass(frozen=True)
class LayerRef:
    """A layer constructor call (the call node); what it counts is the analysis's business."""

    call: Node
    origins: Origins = ()


@dataclass(frozen=True)
class TensorRef:
    """A symbolic tensor in a Keras-style graph: its last-axis size, the layers that made it, and
    where the graph could not be followed on the way (what a model total would then miss)."""

    size: "Value"
    producers: frozenset = frozenset()
    origins: Origins = ()
    gaps: Tuple[Origin, ...] = ()


@dataclass(frozen=True)
class Instance:
    """An object of a (config) class of this file, built by a call whose arguments may be read."""

    call: Node
    config: Node  # the class definition
    origins: Origins = ()


@dataclass(frozen=True)
class FrameworkObject:
    """An object of a framework class that matters only by being given (`paddle.ParamAttr(...)`: a
    parameter's attributes, which never switch the parameter off as `weight_attr=False` does)."""

    label: str  # how the code names its class
    origins: Origins = ()


Value = Union[Known, Symbolic, Opaque, Items, Mapping, LayerRef, TensorRef, Instance, FrameworkObject]


def with_origin(value: Value, origin: Origin) -> Value:
    return replace(value, origins=value.origins + (origin,)) if origin not in value.origins else value


def as_polynomial(value: Value) -> Optional[Polynomial]:
    if isinstance(value, Known) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return Polynomial.constant(value.value)
    if isinstance(value, Symbolic):
        return value.polynomial
    return None


def unknown_name(node: Node) -> str:
    name = dotted(node)
    if name is not None:
        return name
    source = " ".join(text(node).split())
    return source if len(source) <= 40 else source[:39] + "…"


@dataclass
class Budget:
    steps: int = 0

    def spend(self) -> bool:
        self.steps += 1
        return self.steps <= MAX_STEPS


CallHook = Callable[[Node, "Evaluator"], Optional[Value]]
# What a parameter stands for when it is not left unknown: its default, or a call site's argument.
ParameterValues = Callable[[Binding, "Evaluator"], Optional[Value]]


@dataclass
class Evaluator:
    scopes: Scopes
    on_call: CallHook
    parameter_values: Optional[ParameterValues] = None
    # The value a loop variable takes in the iteration being counted: loop node id → {name: value}.
    loop_values: Dict[int, Dict[str, Value]] = field(default_factory=dict)
    # Whether a class is a dataclass module (linen, equinox): its class-level names are fields the
    # constructor call sets, not constants.
    dataclass_module: Optional[Callable[[Node], bool]] = None
    # The names a loop's body rebinds for the next iteration, with their values in the iteration counted.
    carried: Dict[str, Value] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)
    _memo: Dict[int, Value] = field(default_factory=dict)
    _active: set = field(default_factory=set)
    _depth: int = 0

    def evaluate(self, node: Node) -> Value:
        cached = self._memo.get(node.id)
        if cached is not None:
            return cached
        if node.id in self._active:
            return Opaque(unknown_name(node), "defined in terms of itself")
        if self._depth >= MAX_DEPTH:
            return Opaque(unknown_name(node), "nested too deeply to follow")
        if not self.budget.spend():
            return Opaque(unknown_name(node), "the analysis ran out of its step budget")
        self._active.add(node.id)
        self._depth += 1
        try:
            value = self._evaluate(node)
        finally:
            self._depth -= 1
            self._active.discard(node.id)
        self._memo[node.id] = value
        return value

    def _evaluate(self, node: Node) -> Value:
        kind = node.type
        if kind == "integer":
            return _integer(node)
        if kind == "float":
            try:
                return Known(float(text(node).replace("_", "")))
            except ValueError:
                return Opaque(text(node), "not a number this tool reads")
        if kind in ("true", "false"):
            return Known(kind == "true")
        if kind == "none":
            return Known(None)
        if kind in ("string", "concatenated_string"):
            return _string(node)
        if kind == "parenthesized_expression":
            inner = node.named_children
            return self.evaluate(inner[0]) if len(inner) == 1 else Opaque(unknown_name(node), "not understood")
        if kind in ("tuple", "list", "expression_list"):
            children = [c for c in node.named_children if c.type != "comment"]
            if len(children) > MAX_ITEMS:
                return Opaque(unknown_name(node), "too many items")
            items = tuple(self.evaluate(child) for child in children)
            if _exceeds(items, MAX_ITEMS):  # `[K, K]` with K itself big
                return Opaque(unknown_name(node), "too many items")
            return Items(items)
        if kind == "dictionary":
            return self._dictionary(node)
        if kind == "identifier":
            return self._name(node)
        if kind == "attribute":
            return self._attribute(node)
        if kind == "unary_operator":
            return self._unary(node)
        if kind == "binary_operator":
            return self._binary(node)
        if kind == "conditional_expression":
            return self._conditional(node)
        if kind == "named_expression":  # `(h := 4)`: the value, bound as it is read
            value = node.child_by_field_name("value")
            return self.evaluate(value) if value is not None else Opaque(unknown_name(node), "not understood")
        if kind == "comparison_operator":
            return self._comparison(node)
        if kind in ("boolean_operator", "not_operator"):
            return self._logic(node)
        if kind == "subscript":
            return self._subscript(node)
        if kind == "call":
            hooked = self.on_call(node, self)
            return hooked if hooked is not None else self._builtin_call(node)
        return Opaque(unknown_name(node), "an expression this tool does not evaluate")

    def _name(self, node: Node) -> Value:
        name = text(node)
        binding = self.scopes.lookup(name, node)
        if binding is None:
            return Opaque(name, "not defined in this file")
        origin = Origin(name, binding.offset)
        if binding.kind in (ASSIGN, PARAMETER) and rebound_in_loop(self.scopes, name, node):
            if name in self.carried:  # the value the iteration being counted starts with
                return with_origin(self.carried[name], origin)
            return Opaque(name, "changes from one iteration of its loop to the next", (origin,))
        return self.bound_value(binding, origin)

    def bound_value(self, binding: Binding, origin: Origin) -> Value:
        """The value a binding gives its name where it holds."""
        name = binding.name
        if binding.kind == ASSIGN and binding.value is not None:
            return with_origin(self.evaluate(binding.value), origin)
        if binding.kind == OPAQUE and binding.name in self.loop_values.get(binding.node.id, {}):
            return with_origin(self.loop_values[binding.node.id][binding.name], origin)
        if binding.kind == PARAMETER:
            given = self.parameter_values(binding, self) if self.parameter_values is not None else None
            if given is not None:
                return with_origin(given, origin)
            function = self.scopes.owner_of(binding.node)
            owner = text(function.child_by_field_name("name")) if function is not None else "a lambda"
            return Symbolic(Polynomial.symbol(name), ((name, f"a parameter of `{owner}`"),), (origin,))
        if binding.kind in (IMPORT, DEFINITION):
            return Opaque(name, "names a module, class or function", (origin,))
        return Opaque(name, "assigned in a way this tool does not follow", (origin,))

    def _attribute(self, node: Node) -> Value:
        target = dotted(node)
        if target is not None and target.startswith("self.") and target.count(".") == 1:
            binding = self.scopes.class_attribute(node, target[5:])
            if binding is not None and binding.value is not None:
                return with_origin(self.evaluate(binding.value), Origin(target, binding.offset))
            found = self._class_level(node, target[5:], target)
            if found is not None:
                return found
        name = target or unknown_name(node)
        holder, attribute = node.child_by_field_name("object"), text(node.child_by_field_name("attribute"))
        if holder is not None and holder.type == "identifier":
            found = self._field(holder, attribute, name)
            if found is not None:
                return found
        return Symbolic(Polynomial.symbol(name), ((name, "an attribute this tool cannot follow"),))

    def _class_level(self, node: Node, attribute: str, target: str) -> Optional[Value]:
        """`self.hidden` written in the class body: a dataclass module's field is what the constructor
        call passes (else its default, where defaults are read); another class's is a constant."""
        owner = self.scopes.owner_of(node, frozenset({"class_definition"}))
        statement = class_statement(owner, attribute) if owner is not None else None
        if statement is None:
            return None
        default, name = statement.child_by_field_name("right"), statement.child_by_field_name("left")
        is_field = statement.child_by_field_name("type") is not None  # only annotated names are dataclass fields
        if not is_field or self.dataclass_module is None or not self.dataclass_module(owner):
            if default is None or self._overridden(owner, attribute):
                return None  # a subclass's own value would be the one its instances read
            return with_origin(self.evaluate(default), Origin(attribute, name.start_byte))
        field_binding = Binding(attribute, PARAMETER, statement, default, name_offset=name.start_byte)
        given = self.parameter_values(field_binding, self) if self.parameter_values is not None else None
        if given is not None:
            return with_origin(given, Origin(target, name.start_byte))
        shown = f" (its default is {_shown(self.evaluate(default))})" if default is not None else ""
        owner_name = text(owner.child_by_field_name("name"))
        return Symbolic(Polynomial.symbol(target), ((target, f"a field of `{owner_name}`, set where it is built"
                                                             f"{shown}"),), (Origin(target, name.start_byte),))

    def _overridden(self, owner: Node, attribute: str) -> bool:
        """Whether a class of this file that names `owner` as a base sets `attribute` in its own body."""
        owner_name = text(owner.child_by_field_name("name"))
        for statement in self.scopes.module.root.named_children:
            definition = statement.child_by_field_name("definition") if statement.type == "decorated_definition" \
                else statement
            bases = definition.child_by_field_name("superclasses") if definition is not None \
                and definition.type == "class_definition" else None
            if bases is not None and any(text(base) == owner_name for base in bases.named_children) \
                    and class_statement(definition, attribute) is not None:
                return True
        return False

    @property
    def reads_defaults(self) -> bool:
        return self.parameter_values is not None

    def _field(self, holder: Node, attribute: str, name: str) -> Optional[Value]:
        """`args.hidden` of an argparse namespace, or `cfg.hidden` of a config object of this file."""
        binding = self.scopes.lookup(text(holder), holder)
        if binding is None:
            return None
        if binding.kind == ASSIGN and binding.value is not None and binding.value.type == "call":
            function = binding.value.child_by_field_name("function")
            if function is not None and function.type == "attribute" \
                    and text(function.child_by_field_name("attribute")) in ("parse_args", "parse_known_args"):
                return self._option(attribute, name)
        if binding.kind == PARAMETER and self.parameter_values is not None:
            given = self.parameter_values(binding, self)
            if given is not None:  # the object a call site (or the default) passes
                return self._config_field(given.call, given.config, attribute, name) \
                    if isinstance(given, Instance) else None
        if binding.kind == ASSIGN:
            value = self.evaluate(holder)
            if isinstance(value, Instance):
                return self._config_field(value.call, value.config, attribute, name)
        if binding.kind == PARAMETER and binding.annotation_node is not None:
            config = self._local_class(binding.annotation_node)
            if config is not None:
                default = _field_default(config, attribute)
                if default is None:
                    return None
                value = with_origin(self.evaluate(default), Origin(f"default of {text(config.child_by_field_name('name'))}.{attribute}", default.start_byte))
                if self.reads_defaults:
                    return value
                return Symbolic(Polynomial.symbol(name), ((name, f"a field of a config passed in by the caller "
                                                                  f"(its default is {_shown(value)})"),))
        return None

    def _option(self, attribute: str, name: str) -> Optional[Value]:
        call = self.scopes.module.options.get(attribute)
        if call is None:
            return None
        self.scopes.depend_on_option(attribute, call)
        _, keywords = _keywords(call)
        # `action="store_true"` without `default=` defaults to False (argparse's own rule), `store_false` to True.
        default = keywords.get("default") or keywords.get("action")
        action = self.evaluate(keywords["action"]) if "default" not in keywords and "action" in keywords else None
        if default is None or (action is not None and not (isinstance(action, Known) and action.value in _FLAGS)):
            return Opaque(name, "a command-line option without a default")
        value = Known(_FLAGS[action.value]) if action is not None else self.evaluate(default)
        value = with_origin(value, Origin(f"default of --{attribute} (argparse)", default.start_byte))
        if self.parameter_values is defaults:  # only where counts are labelled "with defaults"
            return value
        return Symbolic(Polynomial.symbol(name), ((name, f"a command-line option (argparse default {_shown(value)}; "
                                                         f"a flag may override it)"),))

    def _local_class(self, reference: Optional[Node]) -> Optional[Node]:
        if reference is None or reference.type != "identifier":
            return None
        binding = self.scopes.lookup(text(reference), reference)
        if binding is not None and binding.kind == DEFINITION and binding.node.type == "class_definition":
            self.scopes.depend_on_body(binding, reference)
            return binding.node
        return None

    def _config_field(self, call: Node, config: Node, attribute: str, name: str) -> Optional[Value]:
        """A field of a config object built in this file (`cfg = Config(hidden=256)`): the argument
        given for it, else the class's default for it."""
        positional, keywords = _keywords(call)
        if attribute in keywords:
            return with_origin(self.evaluate(keywords[attribute]), Origin(f"{text(config.child_by_field_name('name'))}(…)", call.start_byte))
        fields = _field_names(config)
        if attribute in fields and fields.index(attribute) < len(positional):
            return self.evaluate(positional[fields.index(attribute)])
        default = _field_default(config, attribute)
        if default is None:
            return None
        return with_origin(self.evaluate(default), Origin(f"{text(config.child_by_field_name('name'))}.{attribute}", default.start_byte))

    def _dictionary(self, node: Node) -> Value:
        entries = []
        for pair in node.named_children:
            if pair.type != "pair":
                return Opaque(unknown_name(node), "a dictionary this tool cannot follow")
            key = self.evaluate(pair.child_by_field_name("key"))
            if not isinstance(key, Known):
                return Opaque(unknown_name(node), "a dictionary with computed keys")
            entries.append((key.value, self.evaluate(pair.child_by_field_name("value"))))
        return Mapping(tuple(entries))

    def _unary(self, node: Node) -> Value:
        operand = self.evaluate(node.child_by_field_name("argument"))
        operator = text(node.child_by_field_name("operator"))
        if operator == "-":
            return _arithmetic(Known(0), operand, "-", node)
        if operator == "+":
            return operand
        return Opaque(unknown_name(node), "an operator this tool does not evaluate")

    def _binary(self, node: Node) -> Value:
        left = self.evaluate(node.child_by_field_name("left"))
        right = self.evaluate(node.child_by_field_name("right"))
        return _arithmetic(left, right, text(node.child_by_field_name("operator")), node)

    def _conditional(self, node: Node) -> Value:
        children = node.named_children
        if len(children) != 3:
            return Opaque(unknown_name(node), "not understood")
        chosen, condition, other = children
        test = self.evaluate(condition)
        if isinstance(test, Known):
            return self.evaluate(chosen if test.value else other)
        return Opaque(unknown_name(node), "depends on a condition that is not known")

    def _comparison(self, node: Node) -> Value:
        """`i == 0`, `1 < x <= 3`, `x in (1, 2)`: only between known values."""
        operands = [self.evaluate(child) for child in node.named_children]
        operators = [text(child) for child in node.children_by_field_name("operators")]
        values = [v.value if isinstance(v, Known) else tuple(i.value for i in v.items)
                  if isinstance(v, Items) and all(isinstance(i, Known) for i in v.items) else _UNKNOWN
                  for v in operands]
        if _UNKNOWN in values or len(operators) != len(values) - 1:
            return Opaque(unknown_name(node), "a comparison of values that are not known")
        compare = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
                   "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
                   "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
                   "is": lambda a, b: a is b, "is not": lambda a, b: a is not b}
        try:
            result = all(compare[op](a, b) for op, a, b in zip(operators, values, values[1:]))
        except (KeyError, TypeError):
            return Opaque(unknown_name(node), "a comparison this tool does not evaluate")
        return Known(result, tuple(o for v in operands for o in v.origins))

    def _logic(self, node: Node) -> Value:
        if node.type == "not_operator":
            operand = self.evaluate(node.child_by_field_name("argument"))
            return Known(not operand.value, operand.origins) if isinstance(operand, Known) else \
                Opaque(unknown_name(node), "depends on a condition that is not known")
        left = self.evaluate(node.child_by_field_name("left"))
        operator = text(node.child_by_field_name("operator"))
        if isinstance(left, Known) and (bool(left.value) == (operator == "or")):
            return left  # short-circuit, as Python does
        right = self.evaluate(node.child_by_field_name("right"))
        if isinstance(left, Known):
            return right
        return Opaque(unknown_name(node), "depends on a condition that is not known")

    def _subscript(self, node: Node) -> Value:
        container = self.evaluate(node.child_by_field_name("value"))
        index_node = node.child_by_field_name("subscript")
        index = self.evaluate(index_node) if index_node is not None else Opaque("", "")
        if isinstance(index, Known) and isinstance(container, Items) and isinstance(index.value, int):
            if -len(container.items) <= index.value < len(container.items):
                return container.items[index.value]
        if isinstance(index, Known) and isinstance(container, Mapping):
            for key, value in container.entries:
                if key == index.value and type(key) is type(index.value):
                    return with_origin(value, Origin(unknown_name(node), node.start_byte))
        return Opaque(unknown_name(node), "an item this tool cannot look up")

    def _builtin_call(self, node: Node) -> Value:
        function = node.child_by_field_name("function")
        config = self._local_class(function) if function is not None and function.type == "identifier" else None
        if config is not None:
            return Instance(node, config)
        name = dotted(function) if function is not None else None
        arguments = node.child_by_field_name("arguments")
        values = [self.evaluate(a) for a in (arguments.named_children if arguments is not None else ())
                  if a.type not in ("keyword_argument", "comment")]
        if function is not None and function.type == "attribute":
            return self._string_method(function, values, node)
        if name in ("int", "round") and len(values) == 1 and isinstance(values[0], Known):
            if isinstance(values[0].value, (int, float)) and not isinstance(values[0].value, bool):
                if abs(values[0].value) < 2**MAX_INT_BITS:
                    return Known(int(values[0].value) if name == "int" else round(values[0].value), values[0].origins)
        if name == "len" and len(values) == 1 and isinstance(values[0], Items):
            return Known(len(values[0].items), values[0].origins)
        if name in ("max", "min") and values:
            items = values[0].items if len(values) == 1 and isinstance(values[0], Items) else values
            if items and all(isinstance(v, Known) and isinstance(v.value, (int, float)) for v in items):
                chosen = (max if name == "max" else min)(v.value for v in items)
                return Known(chosen, tuple(o for v in items for o in v.origins))
        return Opaque(unknown_name(node), "the result of a call this tool does not evaluate")


    def _string_method(self, function: Node, values: List[Value], node: Node) -> Value:
        """`model.lower()` of a known string (`if self.model == "lstm"` picks a branch by it)."""
        receiver = self.evaluate(function.child_by_field_name("object"))
        method = _STRING_METHODS.get(text(function.child_by_field_name("attribute")))
        if method is not None and isinstance(receiver, Known) and isinstance(receiver.value, str) \
                and all(isinstance(v, Known) and isinstance(v.value, str) for v in values):
            try:
                return Known(method(receiver.value, *(v.value for v in values)), receiver.origins)
            except TypeError:  # `s.lower("x")`: Python raises, nothing is built
                pass
        return Opaque(unknown_name(node), "the result of a call this tool does not evaluate")


# argparse's implicit defaults of its flag actions.
_FLAGS = {"store_true": False, "store_false": True}

# Pure methods of `str` whose result cannot grow past its receiver (no `*`, `replace` or `join`).
_STRING_METHODS: Dict[str, Callable[..., str]] = {
    name: getattr(str, name) for name in ("lower", "upper", "casefold", "title", "capitalize", "swapcase",
                                          "strip", "lstrip", "rstrip")}


def _integer(node: Node) -> Value:
    source = text(node).replace("_", "").lower()
    try:
        if source.endswith(("j", "l")):
            raise ValueError
        if len(source) > 40:
            return Opaque(source[:20] + "…", "a number too large to be a size")
        value = int(source, 0)
    except ValueError:
        return Opaque(text(node), "not an integer this tool reads")
    return Known(value)


def _string(node: Node) -> Value:
    if node.type == "concatenated_string" or any(c.type == "interpolation" for c in node.named_children):
        return Opaque(unknown_name(node), "a computed string")
    content = [c for c in node.named_children if c.type == "string_content"]
    raw = text(content[0]) if content else ""
    return Known(raw)


def _exceeds(items: Tuple[Value, ...], limit: int) -> bool:
    """Whether `items`, nested ones counted too, are more than `limit` values. MAX_ITEMS bounds the
    whole of a value, not only each tuple's length: nested or doubled tuples (`[[3] * 4096] * 4096`,
    `K = K + K` twenty times) share their items here, but whatever reads them expands them. Stops
    counting past the limit, so each check costs at most `limit` steps."""
    seen, pending = len(items), [item for item in items if isinstance(item, Items)]
    while pending and seen <= limit:
        inner = pending.pop().items
        seen += len(inner)
        pending += [item for item in inner if isinstance(item, Items)]
    return seen > limit


def _too_large(value: Any) -> bool:
    return isinstance(value, int) and abs(value).bit_length() > MAX_INT_BITS


def _arithmetic(left: Value, right: Value, operator: str, node: Node) -> Value:
    origins = left.origins + tuple(o for o in right.origins if o not in left.origins)
    if isinstance(left, Known) and isinstance(right, Known):
        return _known_arithmetic(left.value, right.value, operator, node, origins)
    if isinstance(left, Items) and isinstance(right, Items) and operator == "+":
        if _exceeds(left.items + right.items, MAX_ITEMS):
            return Opaque(unknown_name(node), "too many items", origins)
        return Items(left.items + right.items, origins)
    if isinstance(left, Items) and isinstance(right, Known) and operator == "*":
        if isinstance(right.value, int) and 0 <= right.value and len(left.items) * right.value <= MAX_ITEMS:
            if right.value and _exceeds(left.items, MAX_ITEMS // right.value):  # `[[3] * 4096] * 4096`
                return Opaque(unknown_name(node), "too many items", origins)
            return Items(left.items * right.value, origins)
    a, b = as_polynomial(left), as_polynomial(right)
    if a is not None and b is not None and operator in ("+", "-", "*"):
        result = a + b if operator == "+" else a - b if operator == "-" else a * b
        if any(_too_large(c) for c in result.terms.values()):
            return Opaque(unknown_name(node), "too large to be a size")
        reasons = _reasons(left) + tuple(r for r in _reasons(right) if r not in _reasons(left))
        return Symbolic(result, reasons, origins) if not result.is_constant else Known(result.value, origins)
    for side in (left, right):
        if isinstance(side, Opaque):
            # Named by the whole expression: `HIDDEN * 2` must not become the symbol `HIDDEN`.
            return Opaque(unknown_name(node), side.reason, origins)
    return Opaque(unknown_name(node), "arithmetic on values that are not known", origins)


def _reasons(value: Value) -> Tuple[Tuple[str, str], ...]:
    return value.reasons if isinstance(value, Symbolic) else ()


def _known_arithmetic(a: Any, b: Any, operator: str, node: Node, origins: Origins) -> Value:
    numbers = (int, float)
    if not (isinstance(a, numbers) and isinstance(b, numbers)):
        if operator == "+" and isinstance(a, str) and isinstance(b, str) and len(a) + len(b) < 1_000:
            return Known(a + b, origins)
        return Opaque(unknown_name(node), "an operation on values that are not numbers", origins)
    try:
        if operator == "**":
            if isinstance(b, int) and isinstance(a, int):
                if b < 0 or abs(a).bit_length() * b > MAX_INT_BITS + 1:
                    return Opaque(unknown_name(node), "too large to be a size", origins)
            elif abs(b) > 1_000 or abs(a) > 2**MAX_INT_BITS:
                return Opaque(unknown_name(node), "too large to be a size", origins)
        result = {
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "//": lambda: a // b, "%": lambda: a % b, "**": lambda: a**b,
        }.get(operator, lambda: None)()
    except (ArithmeticError, ValueError, TypeError):
        return Opaque(unknown_name(node), "arithmetic that fails (e.g. division by zero)", origins)
    if result is None or isinstance(result, complex):
        return Opaque(unknown_name(node), f"the operator `{operator}` is not evaluated", origins)
    if _too_large(result) or (isinstance(result, float) and abs(result) > 2.0**MAX_INT_BITS):
        return Opaque(unknown_name(node), "too large to be a size", origins)
    return Known(result, origins)


def defaults(binding: Binding, evaluator: Evaluator) -> Optional[Value]:
    """`ParameterValues` that reads each parameter as its default, where it has one."""
    if binding.value is None:
        return None
    return with_origin(evaluator.evaluate(binding.value), Origin(f"default of {binding.name}", binding.value.start_byte))


def _shown(value: Value) -> str:
    return str(value.value) if isinstance(value, Known) else "not a literal"


def _keywords(call: Node) -> Tuple[List[Node], Dict[str, Node]]:
    positional, keywords = [], {}
    arguments = call.child_by_field_name("arguments")
    for child in arguments.named_children if arguments is not None else ():
        if child.type == "keyword_argument":
            keywords[text(child.child_by_field_name("name"))] = child.child_by_field_name("value")
        elif child.type not in ("comment", "list_splat", "dictionary_splat"):
            positional.append(child)
    return positional, keywords


def _class_fields(config: Node):
    """A config class's fields in order: annotated or assigned names in its body, and its defaults."""
    body = config.child_by_field_name("body")
    for statement in body.named_children if body is not None else ():
        assignment = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children else None
        if assignment is not None and assignment.type == "assignment":
            left = assignment.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                yield text(left), assignment.child_by_field_name("right")


def class_statement(owner: Node, attribute: str) -> Optional[Node]:
    """The assignment of `attribute` in a class's body (`hidden: int = 32`, `HIDDEN = 32`, `vocab: int`)."""
    body = owner.child_by_field_name("body")
    for statement in body.named_children if body is not None else ():
        assignment = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children else None
        left = assignment.child_by_field_name("left") if assignment is not None and assignment.type == "assignment" \
            else None
        if left is not None and left.type == "identifier" and text(left) == attribute:
            return assignment
    return None


def dataclass_fields(owner: Node) -> List[str]:
    """A dataclass's fields in order: the annotated names of its body."""
    body = owner.child_by_field_name("body")
    names = []
    for statement in body.named_children if body is not None else ():
        assignment = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children else None
        if assignment is not None and assignment.type == "assignment" and assignment.child_by_field_name("type"):
            left = assignment.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                names.append(text(left))
    return names


def _field_names(config: Node) -> List[str]:
    return [name for name, _ in _class_fields(config)]


def _field_default(config: Node, attribute: str) -> Optional[Node]:
    return next((value for name, value in _class_fields(config) if name == attribute and value is not None), None)
