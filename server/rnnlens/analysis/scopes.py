"""Who binds which name where: imports, assignments, parameters, definitions, per scope.

Lookups follow Python's rules closely enough for static sizes: the innermost scope first (class
bodies are not visible from their methods), and within a scope the last binding before the use (a
later one when the use runs later, e.g. a module constant read inside a function).

The module's own bindings are collected once per document version (`ModuleTable`, a pass over the
top-level statements only); the bindings inside one analysis unit (a top-level class or function,
or the module's remaining statements) are collected when that unit is analysed (`Scopes`). Every
lookup that reaches the module table is recorded, so that a unit's cached result can be reused as
long as those lookups still find the same bindings.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import tree_sitter

from .syntax import COMPREHENSIONS, LOOP_TYPES, SCOPE_TYPES, Node, dotted, interesting_nodes, language, text, walk

ASSIGN, IMPORT, PARAMETER, DEFINITION, OPAQUE = "assign", "import", "parameter", "definition", "opaque"
NON_COMPREHENSION_SCOPES = SCOPE_TYPES - COMPREHENSIONS
# Statements whose blocks still bind at module level (`if TYPE_CHECKING: import …`, `try: … except`).
COMPOUND = frozenset({"if_statement", "try_statement", "with_statement", "for_statement", "while_statement",
                      "block", "else_clause", "elif_clause", "except_clause", "finally_clause",
                      "match_statement", "case_clause", "decorated_definition"})


@dataclass(frozen=True)
class Binding:
    name: str
    kind: str
    node: Node  # the statement or parameter that binds
    value: Optional[Node] = None  # assigned expression, or a parameter's default
    path: Optional[str] = None  # for imports: the dotted path the name stands for
    name_offset: int = -1  # where the bound name is written (hovers on it list the layers it sizes)
    annotation_node: Optional[Node] = None  # a parameter's annotation (`cfg: Config`)
    # Where uses start to see it: after the statement, except a loop target, seen inside its own loop.
    visible_from: int = -1

    @property
    def visible(self) -> int:
        return self.visible_from if self.visible_from >= 0 else self.node.end_byte

    @property
    def offset(self) -> int:
        return self.name_offset if self.name_offset >= 0 else self.node.start_byte

    @property
    def statement(self) -> bytes:
        """What a lookup that finds this binding depends on: the statement, or for a class or function
        only its header (`class A(nn.Module):`), so that edits inside a body do not count."""
        if self.kind == DEFINITION:
            body = self.node.child_by_field_name("body")
            if body is not None:
                return self.node.text[: body.start_byte - self.node.start_byte]
        return self.node.text


@dataclass
class Scope:
    node: Node
    parent: Optional["Scope"]
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    # `self.x = ...` inside a class's methods, keyed by attribute name (class scopes only).
    attributes: Dict[str, List[Binding]] = field(default_factory=dict)

    def add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


class _Recorder:
    """Turns binding statements into `Binding`s for whichever scope `scope_for` names."""

    def __init__(self, scope_for):
        self.scope_for = scope_for

    def record(self, node: Node) -> None:
        kind = node.type
        if kind == "import_statement":
            self._import(node)
        elif kind == "import_from_statement":
            self._import_from(node)
        elif kind in ("assignment", "augmented_assignment"):
            self._assignment(node)
        elif kind in ("function_definition", "class_definition"):
            name = node.child_by_field_name("name")
            if name is not None:
                self.add(node, Binding(text(name), DEFINITION, node, name_offset=name.start_byte))
        elif kind in ("for_statement", "for_in_clause"):
            left = node.child_by_field_name("left")
            # A comprehension's element comes before its `for`; a loop body after its target.
            seen_from = node.parent.start_byte if kind == "for_in_clause" and node.parent is not None else \
                (left.end_byte if left is not None else node.end_byte)
            for name, offset in _target_names(left):
                self.add(node, Binding(name, OPAQUE, node, name_offset=offset, visible_from=seen_from))
        elif kind == "named_expression":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if target is not None and target.type == "identifier":
                self.add(node, Binding(text(target), ASSIGN, node, value, name_offset=target.start_byte))
        elif kind == "with_statement":
            for clause in node.named_children:
                for item in clause.named_children if clause.type == "with_clause" else ():
                    self._alias(item.child_by_field_name("value"))
        elif kind == "except_clause":
            self._alias(node.child_by_field_name("value"))
        elif kind == "case_clause":
            for pattern in node.named_children:
                if pattern.type == "case_pattern":
                    for name in _captures(pattern):
                        self.add(name, Binding(text(name), OPAQUE, name, name_offset=name.start_byte))

    def _alias(self, node: Optional[Node]) -> None:
        """`with … as x` or `except … as x`: x holds a value this tool does not follow (and shadows
        a framework name), visible from the end of `… as x` on."""
        alias = node.child_by_field_name("alias") if node is not None and node.type == "as_pattern" else None
        for name, offset in _target_names(alias.named_children[0] if alias is not None and alias.named_children
                                          else None):
            self.add(node, Binding(name, OPAQUE, node, name_offset=offset))

    def add(self, node: Node, binding: Binding) -> None:
        scope = self.scope_for(node)
        if scope is not None:
            scope.add(binding)

    def _import(self, node: Node) -> None:
        for child in node.named_children:
            if child.type == "dotted_name":
                # `import torch.nn` binds `torch`; the rest is reached through attributes.
                head = text(child).split(".")[0]
                self.add(node, Binding(head, IMPORT, node, path=head, name_offset=child.start_byte))
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    self.add(node, Binding(text(alias), IMPORT, node, path=text(name), name_offset=alias.start_byte))

    def _import_from(self, node: Node) -> None:
        module_node = node.child_by_field_name("module_name")
        if module_node is None or module_node.type == "relative_import":
            return
        module = text(module_node)
        for child in node.named_children:
            if child.id == module_node.id:
                continue
            if child.type == "wildcard_import":
                scope = self.scope_for(node)
                if scope is not None:
                    scope.add(Binding("*", IMPORT, node, path=module))
            elif child.type == "dotted_name":
                self.add(node, Binding(text(child), IMPORT, node, path=f"{module}.{text(child)}",
                                       name_offset=child.start_byte))
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    self.add(node, Binding(text(alias), IMPORT, node, path=f"{module}.{text(name)}",
                                           name_offset=alias.start_byte))

    def _assignment(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None:
            return
        targets = [left]
        # A chained `a = b = 3` nests the second assignment as the right-hand side.
        while right is not None and right.type == "assignment":
            targets.append(right.child_by_field_name("left"))
            right = right.child_by_field_name("right")
        for target in targets:
            if target is not None:
                self._bind_target(node, target, right if node.type == "assignment" else None)

    def _bind_target(self, node: Node, target: Node, value: Optional[Node]) -> None:
        if target.type == "identifier":
            kind = ASSIGN if value is not None else OPAQUE
            self.add(node, Binding(text(target), kind, node, value, name_offset=target.start_byte))
            return
        if target.type == "attribute":
            return
        items = _unpacked(target)
        values = _unpacked(value) if value is not None else None
        if items is not None and values is not None and len(items) == len(values):
            # `INPUT, HIDDEN = 10, 20`, `[A, B] = 3, 4`, `X, (A, B) = 1, (3, 4)`: pair them up.
            for item, item_value in zip(items, values):
                self._bind_target(node, item, item_value)
        elif items is not None and value is not None and value.type == "call":
            # `forward, backward = Bidirectional(..., merge_mode=None)(x)`: each name is the call's
            # result (a graph's tensors keep their layers; anything else stays unknown).
            for item in items:
                self._bind_target(node, item, value)
        else:
            for name, offset in _target_names(target):
                self.add(node, Binding(name, OPAQUE, node, name_offset=offset))


class ModuleTable:
    """The module scope's bindings, from the top-level statements (and the blocks of top-level
    `if`/`try`/`with`…), without descending into function or class bodies.

    With `statements` (a dict kept across a document's versions), each top-level statement's bindings
    are worked out once per statement text, relative to its start, and turned into `Binding`s of this
    tree only for the names looked up: after a one-character edit only the edited statement is read
    again. Either way the table holds the same bindings in the same order."""

    def __init__(self, root: Node, statements: Optional[Dict[tuple, "_Statement"]] = None,
                 deadline: Optional[float] = None):
        self.root = root
        self.scope = Scope(root, None)
        self._options: Optional[Dict[str, Node]] = None
        self.tops: Optional[List[Tuple[Node, str, bytes]]] = None  # (node, type, text) of each top-level one
        if statements is not None:
            self._lazily(root, statements)
            return
        recorder = _Recorder(lambda node: self.scope)
        pending = list(root.named_children)
        while pending:
            # Without statements kept from a previous version, 450,000 of them take seconds: a
            # budgeted analysis (OutOfTime) has nothing to show before the table is whole anyway.
            if _past(deadline):
                raise OutOfTime()
            _record_top_level(recorder, pending)
        for bindings in self.scope.bindings.values():
            bindings.sort(key=lambda b: b.node.start_byte)
        everything = sorted((b for bindings in self.scope.bindings.values() for b in bindings),
                            key=lambda b: b.node.start_byte)
        # Equal signatures mean every lookup finds what it found before (definitions may have moved:
        # their bodies are their own units).
        self.signature = tuple((b.name, b.kind, -1 if b.kind == DEFINITION else b.offset, b.statement)
                               for b in everything)

    def _lazily(self, root: Node, statements: Dict[tuple, "_Statement"]) -> None:
        # (Runs after every edit over every top-level statement: kept to plain loops and local names.)
        fresh: Dict[tuple, _Statement] = {}
        self.statements = fresh  # the ones this version has, to keep for the next
        binding_tops: List[Node] = []
        names: Dict[str, List[Tuple[int, tuple]]] = {}
        tops: List[Tuple[Node, str, bytes]] = []
        self._tops, self._names, self.tops = binding_tops, names, tops
        signature = []
        check_errors = root.has_error
        for top in root.named_children:
            content, kind = top.text, top.type
            tops.append((top, kind, content))
            key = (kind, content)
            statement = statements.get(key) or fresh.get(key)
            if statement is None or (check_errors and top.has_error):
                # (No deadline here: the table is always made whole, and the units get a slice of time
                # after it; see units.MIN_UNIT_SLICE.)
                statement = _Statement(top)
                if check_errors and top.has_error:  # a broken statement's tree depends on its context
                    key = None
            if key is not None:
                fresh[key] = statement
            if not statement.bindings:
                continue
            index = len(binding_tops)
            binding_tops.append(top)
            for recorded in statement.bindings:
                found = names.get(recorded[0])
                if found is None:
                    names[recorded[0]] = [(index, recorded)]
                else:
                    found.append((index, recorded))
            signature.append((top.start_byte if statement.positional else -1, statement.signature))
        self.signature = tuple(signature)
        self.scope.bindings = _LazyBindings(self)

    def _materialise(self, name: str) -> List[Binding]:
        bindings = []
        for index, (_, kind, node_path, value_path, path, name_offset, visible_from, annotation_path) \
                in self._names[name]:
            top = self._tops[index]
            base = top.start_byte
            bindings.append(Binding(name, kind, _follow(top, node_path), value=_follow(top, value_path), path=path,
                                    name_offset=name_offset + base if name_offset >= 0 else -1,
                                    annotation_node=_follow(top, annotation_path),
                                    visible_from=visible_from + base if visible_from >= 0 else -1))
        bindings.sort(key=lambda b: b.node.start_byte)
        return bindings

    @property
    def star_modules(self) -> List[str]:
        return [b.path for b in self.scope.bindings.get("*", ()) if b.path]

    @property
    def options(self) -> Dict[str, Node]:
        """argparse options declared anywhere in the file: destination → its `add_argument` call."""
        if self._options is None:
            self._options = {}
            for call in calls_named(self.root, "add_argument"):
                destination = _option_destination(call)
                if destination is not None:
                    self._options.setdefault(destination, call)
        return self._options

    def lookup(self, name: str, position: int) -> Optional[Binding]:
        return latest_before(self.scope.bindings.get(name, ()), position)


def _record_top_level(recorder: "_Recorder", pending: List[Node]) -> None:
    """Record the last pending statement, queueing the statements of its blocks that bind at module level."""
    node = pending.pop()
    recorder.record(node)
    if node.type in COMPOUND:
        pending.extend(child for child in node.named_children
                       if child.type in COMPOUND or child.type.endswith("statement")
                       or child.type in ("function_definition", "class_definition"))
    elif node.type == "expression_statement":
        pending.extend(c for c in node.named_children if c.type in ("assignment", "augmented_assignment"))


class _Collected:
    """A stand-in scope that keeps bindings in the order they are recorded."""

    def __init__(self) -> None:
        self.recorded: List[Binding] = []

    def add(self, binding: Binding) -> None:
        self.recorded.append(binding)


class _Statement:
    """The module-level bindings one top-level statement makes, relative to its start: each binding as
    (name, kind, path to its node, path to its value, import path, name offset, visible from), paths
    being child indexes from the statement; and its part of the module's signature."""

    __slots__ = ("bindings", "signature", "positional")

    def __init__(self, top: Node):
        collected = _Collected()
        recorder = _Recorder(lambda node: collected)
        pending = [top]
        while pending:
            _record_top_level(recorder, pending)
        base = top.start_byte
        self.bindings = tuple(
            (b.name, b.kind, _path(top, b.node), _path(top, b.value), b.path,
             b.name_offset - base if b.name_offset >= 0 else -1,
             b.visible_from - base if b.visible_from >= 0 else -1, _path(top, b.annotation_node))
            for b in collected.recorded)
        self.positional = any(b.kind != DEFINITION for b in collected.recorded)
        self.signature = tuple((b.name, b.kind, -1 if b.kind == DEFINITION else b.offset - base, b.statement)
                               for b in collected.recorded)


def _path(top: Node, target: Optional[Node]) -> Optional[tuple]:
    """Child indexes leading from `top` down to `target`."""
    if target is None:
        return None
    start, end = target.start_byte, target.end_byte
    pending = [(top, ())]
    while pending:
        node, path = pending.pop()
        if node.id == target.id and node.start_byte == start and node.end_byte == end and node.type == target.type:
            return path
        for index, child in enumerate(node.children):
            if child.start_byte <= start and end <= child.end_byte:
                pending.append((child, path + (index,)))
    raise AssertionError(f"no path to a {target.type} node")


def _follow(top: Node, path: Optional[tuple]) -> Optional[Node]:
    if path is None:
        return None
    node = top
    for index in path:
        node = node.child(index)
    return node


class _LazyBindings(dict):
    """The module scope's bindings by name, made from the table's statements when first asked for."""

    def __init__(self, table: ModuleTable):
        super().__init__()
        self._table = table

    def get(self, name, default=None):
        found = dict.get(self, name)
        if found is None:
            if name not in self._table._names:
                return default
            found = self[name] = self._table._materialise(name)
        return found

    def __missing__(self, name):
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def __contains__(self, name) -> bool:
        return dict.__contains__(self, name) or name in self._table._names


class OutOfTime(Exception):
    """A unit's analysis went past its deadline (units.analyze leaves the unit out of this answer)."""


def in_time(items: Iterable, deadline: Optional[float]) -> Iterator:
    """`items`, one by one while time.monotonic() is not past `deadline` (then OutOfTime): one unit, the
    module's own statements, can hold 450,000 statements or 60,000 constructors. A check costs far
    less than what is done with an item."""
    for item in items:
        if _past(deadline):
            raise OutOfTime()
        yield item


def _past(deadline: Optional[float]) -> bool:
    return deadline is not None and time.monotonic() > deadline


# A recorded module-level lookup: (name, use offset, found binding's offset or -1, the text it depends
# on, whether that text is a definition's whole body rather than its header).
Dependency = Tuple[str, int, int, bytes, bool]


class Scopes:
    """Bindings inside one analysis unit, over the shared module table.

    Which scope or loop holds a node is answered from byte ranges collected in one walk, never by
    climbing `node.parent` (tree-sitter finds a parent by descending from the root, so climbing out
    of 1,000-deep nesting would cost the square of the depth)."""

    def __init__(self, module: ModuleTable, units: Iterable[Node], deadline: Optional[float] = None):
        self.module = module
        self._by_node: Dict[int, Scope] = {module.root.id: module.scope}
        self.dependencies: List[Dependency] = []
        self._looked_up: set = set()
        self._classes: List[Scope] = []
        self._owners: List[Tuple[int, int, Node]] = []  # scope-making nodes, in document order
        self._loops: List[Tuple[int, int, Node]] = []
        nodes = [node for unit in in_time(units, deadline) for node in interesting_nodes(unit)]
        self.calls = [node for node in nodes if node.type == "call"]
        for node in nodes:
            if node.type in SCOPE_TYPES and node.type != "module":
                self._owners.append((node.start_byte, node.end_byte, node))
            if node.type in LOOP_TYPES:  # a comprehension is both a scope and a loop
                self._loops.append((node.start_byte, node.end_byte, node))
        self._owner_starts = [start for start, _, _ in self._owners]
        self.branches = [node for node in nodes if node.type == "if_statement"]
        self.attribute_assignments = [node for node in nodes if node.type == "assignment"
                                      and (node.child_by_field_name("left") or node).type == "attribute"]
        recorder = _Recorder(self._inner_scope_for)
        for node in in_time(nodes, deadline):
            if node.type in ("function_definition", "lambda"):
                self._record_parameters(node)
            elif node.type == "assignment":
                self._record_self_attribute(node)
            recorder.record(node)

    def owner_of(self, node: Node, types: frozenset = SCOPE_TYPES) -> Optional[Node]:
        """The innermost class, function or lambda of this unit (of `types`) around `node`."""
        position = bisect_right(self._owner_starts, node.start_byte) - 1
        while position >= 0:
            start, end, owner = self._owners[position]
            if start <= node.start_byte < end and owner.id != node.id and owner.type in types:
                return owner
            position -= 1
        return None

    def loops_around(self, node: Node) -> List[Node]:
        """The loops and comprehensions of its own function or class that `node` runs in, innermost last."""
        owner = self.owner_of(node, NON_COMPREHENSION_SCOPES)
        floor = owner.start_byte if owner is not None else -1
        return [loop for start, end, loop in self._loops if floor <= start <= node.start_byte < end]

    def rebound_in_loop(self, name: str, use: Node) -> bool:
        """Whether `name` is assigned again inside a loop that `use` runs in (`size = 2 * size` at
        the end of the body): then no single value holds for every iteration."""
        loops = self.loops_around(use)
        if not loops:
            return False
        bindings = self.scope_of(use).bindings.get(name, ())
        return any(binding.kind != OPAQUE and loop.start_byte <= binding.node.start_byte < loop.end_byte
                   for loop in loops for binding in bindings)

    def in_loop(self, node: Node) -> bool:
        return bool(self.loops_around(node))

    def inside_class(self, node: Node) -> bool:
        return self.owner_of(node, frozenset({"class_definition"})) is not None

    def scope_for_node(self, node: Node) -> Scope:
        scope = self._by_node.get(node.id)
        if scope is None:
            owner = self.owner_of(node)
            scope = Scope(node, self.scope_for_node(owner) if owner is not None else self.module.scope)
            self._by_node[node.id] = scope
            if node.type == "class_definition":
                self._classes.append(scope)
        return scope

    def _inner_scope_for(self, node: Node) -> Optional[Scope]:
        """The scope a binding statement binds in, unless that is the module (already tabled)."""
        scope = self.scope_of(node)
        return None if scope is self.module.scope else scope

    def scope_of(self, node: Node) -> Scope:
        owner = self.owner_of(node)
        return self.scope_for_node(owner) if owner is not None else self.module.scope

    def class_scopes(self) -> List[Scope]:
        return list(self._classes)

    def _record_self_attribute(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        target = dotted(left) if left is not None and left.type == "attribute" else None
        if target is None or not target.startswith("self.") or target.count(".") != 1 or right is None:
            return
        method = self.owner_of(node)
        owner = self.owner_of(method) if method is not None else None
        if method is not None and method.type == "function_definition" and owner is not None \
                and owner.type == "class_definition":
            name = target.split(".", 1)[1]
            attribute = left.child_by_field_name("attribute")
            self.scope_for_node(owner).attributes.setdefault(name, []).append(
                Binding(name, ASSIGN, node, right, name_offset=attribute.start_byte if attribute else -1))

    def _record_parameters(self, function: Node) -> None:
        parameters = function.child_by_field_name("parameters")
        if parameters is None:
            return
        scope = self.scope_for_node(function)
        for parameter in parameters.named_children:
            name_node, default, kind = parameter, None, PARAMETER
            if parameter.type in ("default_parameter", "typed_default_parameter"):
                name_node, default = parameter.child_by_field_name("name"), parameter.child_by_field_name("value")
            elif parameter.type == "typed_parameter":
                name_node = next((c for c in parameter.named_children if c.type in ("identifier", *_SPLATS)), None)
            if name_node is not None and name_node.type in _SPLATS:
                # `*args` is a tuple and `**kwargs` a dict, not a size: bound, with a value not followed.
                name_node, kind = next((c for c in name_node.named_children if c.type == "identifier"), None), OPAQUE
            annotation = parameter.child_by_field_name("type")
            if annotation is not None and annotation.type == "type" and annotation.named_children:
                annotation = annotation.named_children[0]
            if name_node is not None and name_node.type == "identifier":
                scope.add(Binding(text(name_node), kind, parameter, default, name_offset=name_node.start_byte,
                                  annotation_node=annotation))

    def lookup(self, name: str, use: Node) -> Optional[Binding]:
        """The binding a use of `name` at `use` most plausibly sees."""
        scope = self.scope_of(use)
        first = True
        while scope is not None:
            if scope is self.module.scope:
                binding = self.module.lookup(name, use.start_byte)
                found = binding.offset if binding else -1
                if (name, found) not in self._looked_up:  # one record per binding found is enough
                    self._looked_up.add((name, found))
                    self.dependencies.append((name, use.start_byte, found, binding.statement if binding else b"",
                                              False))
                return binding
            if first or scope.node.type != "class_definition":
                binding = latest_before(scope.bindings.get(name, ()), use.start_byte)
                if binding is not None:
                    return binding
            first = False
            scope = scope.parent
        return None

    def star_modules(self) -> List[str]:
        modules = self.module.star_modules
        if ("*", -1) not in self._looked_up:
            self._looked_up.add(("*", -1))
            self.dependencies.append(("*", -1, -1, "\n".join(modules).encode(), False))
        return modules

    def depend_on_body(self, binding: Binding, use: Node) -> None:
        """Make this unit's result depend on the whole of a module-level definition (an instantiation
        site's count depends on the class body it builds)."""
        if self.scope_of(binding.node) is self.module.scope:
            self.dependencies.append((binding.name, use.start_byte, binding.offset, binding.node.text, True))

    def depend_on_option(self, destination: str, call: Node) -> None:
        """Make this unit's result depend on an argparse option declared anywhere in the file."""
        self.dependencies.append((f"--{destination}", -1, -1, call.text, True))

    def class_attribute(self, use: Node, attribute: str) -> Optional[Binding]:
        """The assignment behind `self.attribute` inside a class's method."""
        method = self.owner_of(use, frozenset({"function_definition"}))
        owner = self.owner_of(method) if method is not None else None
        if owner is None or owner.type != "class_definition":
            return None
        bindings = self.scope_for_node(owner).attributes.get(attribute, ())
        return latest_before(bindings, use.start_byte)


def _unpacked(node: Node) -> Optional[List[Node]]:
    """The items of a tuple or list, bare or bracketed, on either side of an assignment."""
    while node.type == "parenthesized_expression" and len(node.named_children) == 1:
        node = node.named_children[0]
    if node.type in ("pattern_list", "tuple_pattern", "list_pattern", "expression_list", "tuple", "list"):
        return [child for child in node.named_children if child.type != "comment"]
    return None


def latest_before(bindings, position: int) -> Optional[Binding]:
    """The last binding completed before `position`; failing that, the last one that does not
    contain it (a function body reads module constants when it runs, after the module is done)."""
    chosen = None
    for binding in bindings:
        if binding.visible <= position:
            chosen = binding
    if chosen is not None:
        return chosen
    outside = [b for b in bindings if not b.node.start_byte <= position < b.node.end_byte]
    return outside[-1] if outside else None


_SPLATS = ("list_splat_pattern", "dictionary_splat_pattern")


def _captures(pattern: Node) -> List[Node]:
    """The names a `case` pattern binds: a lone name (`case nn:`, `[a, *rest]`, `P(x=a)`, `{"k": a}`)
    and `as` targets; not a dotted value (`case q.r:`), a class name or the wildcard `_`."""
    names, pending = [], [pattern]
    while pending:
        node = pending.pop()
        children = node.named_children
        if node.type in ("case_pattern", "keyword_pattern"):
            names += [c.named_children[0] for c in children if c.type == "dotted_name" and c.named_child_count == 1]
        elif node.type in ("splat_pattern", "as_pattern") and children and children[-1].type == "identifier":
            names.append(children[-1])
        pending += children
    return sorted((name for name in names if text(name) != "_"), key=lambda name: name.start_byte)


def _target_names(target: Optional[Node]):
    if target is None:
        return
    if target.type == "identifier":
        yield text(target), target.start_byte
        return
    for node in walk(target):
        if node.type == "identifier" and node.parent is not None and node.parent.type != "attribute":
            yield text(node), node.start_byte


def _option_destination(call: Node) -> Optional[str]:
    """Where argparse stores an option: `dest=`, else the first long flag, else the first flag."""
    arguments = call.child_by_field_name("arguments")
    flags, destination = [], None
    for child in arguments.named_children if arguments is not None else ():
        if child.type == "string":
            content = "".join(text(c) for c in child.named_children if c.type == "string_content")
            flags.append(content)
        elif child.type == "keyword_argument" and text(child.child_by_field_name("name")) == "dest":
            value = child.child_by_field_name("value")
            if value is not None and value.type == "string":
                destination = "".join(text(c) for c in value.named_children if c.type == "string_content")
    if destination:
        return destination
    long = [flag for flag in flags if flag.startswith("--")]
    chosen = long[0] if long else flags[0] if flags else None
    return chosen.lstrip("-").replace("-", "_") if chosen else None


def calls_named(root: Node, method: str) -> List[Node]:
    """Every call of `something.method(...)` below root, found by tree-sitter's query engine."""
    query = tree_sitter.Query(language(), "(call function: (attribute attribute: (identifier) @method)) @call")
    matches = tree_sitter.QueryCursor(query).matches(root)
    return [captures["call"][0] for _, captures in matches if text(captures["method"][0]) == method]
