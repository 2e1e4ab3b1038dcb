"""A layer class picked by name where the name is not known (`getattr(nn, rnn_type)(...)`), but the
`if` around the call allows only some names (`if rnn_type in ["LSTM", "GRU"]:`): the classes it can
be, each counted as a case.
"""

from __future__ import annotations

from typing import Callable, List, Optional

from .syntax import Node, text
from .values import Items, Known, Value


def allowed_names(call: Node, name: Node, evaluate: Callable[[Node], Value]) -> Optional[List[str]]:
    """The strings the innermost `if name in [...]` / `if name == "..."` leading to `call` allows."""
    node, child = call.parent, call
    while node is not None:
        if node.type in ("if_statement", "elif_clause") and node.child_by_field_name("consequence") is not None \
                and node.child_by_field_name("consequence").id == child.id:
            names = _tested(node.child_by_field_name("condition"), text(name), evaluate)
            if names is not None:
                return names
        node, child = node.parent, node
    return None


def _tested(condition: Optional[Node], name: str, evaluate: Callable[[Node], Value]) -> Optional[List[str]]:
    """`name in ["LSTM", "GRU"]` → those strings; `name == "LSTM"` → that one."""
    if condition is None or condition.type != "comparison_operator" or len(condition.named_children) != 2:
        return None
    left, right = condition.named_children
    operators = [text(o) for o in condition.children_by_field_name("operators")]
    if text(left) != name or operators not in (["in"], ["=="]):
        return None
    value = evaluate(right)
    items = value.items if operators == ["in"] and isinstance(value, Items) else (value,) if operators == ["=="] \
        else ()
    strings = [item.value for item in items if isinstance(item, Known) and isinstance(item.value, str)]
    return strings if strings and len(strings) == len(items) else None
