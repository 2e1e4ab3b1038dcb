"""Who binds which name where: imports, assignments, parameters, definitions, per scope.

One pass over the tree records every binding; lookups then follow Python's rules closely enough for
static sizes: the innermost scope first (class bodies are not visible from their methods), and within
a scope the last binding before the use (a later one when the use runs later, e.g. a module constant
read inside a function).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .syntax import SCOPE_TYPES, Node, dotted, enclosing, text, walk

ASSIGN, IMPORT, PARAMETER, DEFINITION, OPAQUE = "assign", "import", "parameter", "definition", "opaque"


@dataclass(frozen=True)
class Binding:
    name: str
    kind: str
    node: Node  # the statement or parameter that binds
    value: Optional[Node] = None  # assigned expression, or a parameter's default
    path: Optional[str] = None  # for imports: the dotted path the name stands for
    annotation: Optional[Node] = None

    @property
    def line(self) -> int:
        return self.node.start_point[0] + 1


@dataclass
class Scope:
    node: Node
    parent: Optional["Scope"]
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    # `self.x = ...` inside a class's methods, keyed by attribute name (class scopes only).
    attributes: Dict[str, List[Binding]] = field(default_factory=dict)
    star_imports: List[str] = field(default_factory=list)

    def add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


class Scopes:
    def __init__(self, root: Node):
        self.root = root
        self._by_node: Dict[int, Scope] = {}
        self.module = self._scope_for_node(root)
        for node in walk(root):
            self._record(node)

    def _scope_for_node(self, node: Node) -> Scope:
        scope = self._by_node.get(node.id)
        if scope is None:
            parent_node = enclosing(node, SCOPE_TYPES) if node.type != "module" else None
            parent = self._scope_for_node(parent_node) if parent_node is not None else None
            scope = Scope(node, parent)
            self._by_node[node.id] = scope
        return scope

    def scope_of(self, node: Node) -> Scope:
        """The scope a node's names are looked up in."""
        owner = enclosing(node, SCOPE_TYPES)
        return self._scope_for_node(owner) if owner is not None else self.module

    def class_scopes(self):
        return [scope for scope in self._by_node.values() if scope.node.type == "class_definition"]

    def _record(self, node: Node) -> None:
        kind = node.type
        if kind == "import_statement":
            self._record_import(node)
        elif kind == "import_from_statement":
            self._record_import_from(node)
        elif kind in ("assignment", "augmented_assignment"):
            self._record_assignment(node)
        elif kind in ("function_definition", "class_definition"):
            name = node.child_by_field_name("name")
            if name is not None:
                self.scope_of(node).add(Binding(text(name), DEFINITION, node))
            if kind == "function_definition":
                self._record_parameters(node)
        elif kind in ("for_statement", "for_in_clause"):
            for name in _target_names(node.child_by_field_name("left")):
                self.scope_of(node).add(Binding(name, OPAQUE, node))
        elif kind in ("as_pattern_target", "named_expression"):
            target = node.child_by_field_name("name") if kind == "named_expression" else node
            value = node.child_by_field_name("value") if kind == "named_expression" else None
            if target is not None and target.type == "identifier":
                self.scope_of(node).add(Binding(text(target), ASSIGN if value else OPAQUE, node, value))

    def _record_import(self, node: Node) -> None:
        scope = self.scope_of(node)
        for child in node.named_children:
            if child.type == "dotted_name":
                # `import torch.nn` binds `torch`; the rest is reached through attributes.
                full = text(child)
                head = full.split(".")[0]
                scope.add(Binding(head, IMPORT, node, path=head))
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    scope.add(Binding(text(alias), IMPORT, node, path=text(name)))

    def _record_import_from(self, node: Node) -> None:
        scope = self.scope_of(node)
        module_node = node.child_by_field_name("module_name")
        if module_node is None or module_node.type == "relative_import":
            return
        module = text(module_node)
        for child in node.named_children:
            if child is module_node or child.id == module_node.id:
                continue
            if child.type == "wildcard_import":
                scope.star_imports.append(module)
            elif child.type == "dotted_name":
                scope.add(Binding(text(child), IMPORT, node, path=f"{module}.{text(child)}"))
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    scope.add(Binding(text(alias), IMPORT, node, path=f"{module}.{text(name)}"))

    def _record_assignment(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        annotation = node.child_by_field_name("type")
        scope = self.scope_of(node)
        if left is None:
            return
        if left.type == "identifier":
            kind = ASSIGN if node.type == "assignment" and right is not None else OPAQUE
            # A chained `a = b = 3` nests the second assignment as the right-hand side.
            while right is not None and right.type == "assignment":
                right = right.child_by_field_name("right")
            scope.add(Binding(text(left), kind, node, right if kind == ASSIGN else None, annotation=annotation))
        elif left.type == "attribute" and node.type == "assignment":
            self._record_self_attribute(left, right, node)
        else:
            for name in _target_names(left):
                scope.add(Binding(name, OPAQUE, node))

    def _record_self_attribute(self, left: Node, right: Optional[Node], node: Node) -> None:
        target = dotted(left)
        if target is None or not target.startswith("self.") or target.count(".") != 1 or right is None:
            return
        method = enclosing(node, SCOPE_TYPES)
        owner = enclosing(method, SCOPE_TYPES) if method is not None else None
        if method is None or method.type != "function_definition" or owner is None:
            return
        if owner.type == "class_definition":
            scope = self._scope_for_node(owner)
            name = target.split(".", 1)[1]
            scope.attributes.setdefault(name, []).append(Binding(name, ASSIGN, node, right))

    def _record_parameters(self, function: Node) -> None:
        parameters = function.child_by_field_name("parameters")
        if parameters is None:
            return
        scope = self._scope_for_node(function)
        for parameter in parameters.named_children:
            name_node, default = parameter, None
            if parameter.type in ("default_parameter", "typed_default_parameter"):
                name_node, default = parameter.child_by_field_name("name"), parameter.child_by_field_name("value")
            elif parameter.type == "typed_parameter":
                name_node = next((c for c in parameter.named_children if c.type == "identifier"), None)
            annotation = parameter.child_by_field_name("type")
            if name_node is not None and name_node.type == "identifier":
                scope.add(Binding(text(name_node), PARAMETER, parameter, default, annotation=annotation))

    def lookup(self, name: str, use: Node) -> Optional[Binding]:
        """The binding a use of `name` at `use` most plausibly sees."""
        scope = self.scope_of(use)
        first = True
        while scope is not None:
            if first or scope.node.type != "class_definition":
                binding = _latest_before(scope.bindings.get(name, ()), use.start_byte)
                if binding is not None:
                    return binding
            first = False
            scope = scope.parent
        return None

    def star_modules(self) -> List[str]:
        return list(self.module.star_imports)

    def class_attribute(self, use: Node, attribute: str) -> Optional[Binding]:
        """The assignment behind `self.attribute` inside a class's method."""
        method = enclosing(use, frozenset({"function_definition"}))
        owner = enclosing(method, SCOPE_TYPES) if method is not None else None
        if owner is None or owner.type != "class_definition":
            return None
        bindings = self._scope_for_node(owner).attributes.get(attribute, ())
        return _latest_before(bindings, use.start_byte)


def _latest_before(bindings, position: int) -> Optional[Binding]:
    """The last binding completed before `position`; failing that, the last one that does not
    contain it (a function body reads module constants when it runs, after the module is done)."""
    before = [b for b in bindings if b.node.end_byte <= position]
    if before:
        return before[-1]
    outside = [b for b in bindings if not b.node.start_byte <= position < b.node.end_byte]
    return outside[-1] if outside else None


def _target_names(target: Optional[Node]):
    if target is None:
        return
    if target.type == "identifier":
        yield text(target)
        return
    for node in walk(target):
        if node.type == "identifier" and node.parent is not None and node.parent.type != "attribute":
            yield text(node)
