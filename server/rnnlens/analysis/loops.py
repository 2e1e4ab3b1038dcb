"""Values a `for` loop carries from one iteration to the next (`in_dim = hidden_size` at the end of
the body, as residual and pyramidal stacks do): the analysis follows the body iteration by iteration
to know each layer's sizes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional

from .syntax import Node, text, walk

if TYPE_CHECKING:
    from .scopes import Scopes

_JUMPS = frozenset({"break_statement", "continue_statement", "return_statement"})


def carried(loop: Node, use: Node) -> Optional[Dict[str, Node]]:
    """Name → the expression a loop's body rebinds it to, for the names rebound by the body's own
    statements after `use` (the next iteration starts with that value); names rebound in another way
    (under an `if`, with `+=`, before `use`) are left out, and stay unknown. None when iterations may
    end early (`break`, `continue`, `return`): then no iteration is known to build `use`."""
    body = loop.child_by_field_name("body") if loop.type == "for_statement" else None
    if body is None:
        return {}  # a comprehension rebinds nothing
    if any(node.type in _JUMPS for node in walk(body)):
        return None
    direct: Dict[str, Node] = {}
    rebound_twice = set()
    for statement in body.named_children:
        assignment = statement.named_children[0] if statement.type == "expression_statement" \
            and statement.named_children else None
        left = assignment.child_by_field_name("left") if assignment is not None and assignment.type == "assignment" \
            else None
        right = assignment.child_by_field_name("right") if left is not None else None
        if left is not None and left.type == "identifier" and right is not None and statement.start_byte > use.end_byte:
            if text(left) in direct:
                rebound_twice.add(text(left))
            direct[text(left)] = right
    ours = {value.parent.id for value in direct.values()}
    for node in walk(body):
        if node.type in ("assignment", "augmented_assignment") and node.id not in ours:
            left = node.child_by_field_name("left")
            rebound_twice |= {text(n) for n in walk(left) if n.type == "identifier"} if left is not None else set()
    return {name: value for name, value in direct.items() if name not in rebound_twice}


def rebound_in_loop(scopes: "Scopes", name: str, use: Node) -> bool:
    """Whether `name` is assigned again in a loop that `use` runs in — by `size = ...`, or by
    `size *= 2`, which the scopes keep as a binding whose value is not followed."""
    if scopes.rebound_in_loop(name, use):
        return True
    loops = scopes.loops_around(use)
    return any(binding.node.type == "augmented_assignment" and loop.start_byte <= binding.node.start_byte < loop.end_byte
               for loop in loops for binding in scopes.scope_of(use).bindings.get(name, ()))
