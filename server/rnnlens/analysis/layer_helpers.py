"""Layers a model builds through a function of its own file (fairseq's `def LSTM(input_size,
hidden_size, **kwargs): m = nn.LSTM(...); ...; return m`): the helper is analysed with the call's
arguments, and the layer it returns is counted where the model calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from ..core import Count, Polynomial
from .findings import NotCounted
from .scopes import DEFINITION
from .syntax import Node, call_arguments, dotted, text, walk
from .values import Evaluator, LayerRef, Value

if TYPE_CHECKING:
    from .document import Analyzer

# What a model total leaves out, and why, for each way a helper's layer escapes the count.
NOT_REGISTERED = "kept where the module does not register it"
IN_LOOP = "built in a loop"
NOT_COUNTABLE = "built by a function of this file, and not countable"


def helper_layers(analyzer: "Analyzer", class_node: Node, registering: bool, conditional: str) \
        -> Tuple[Optional[Tuple[Polynomial, Polynomial]], List[NotCounted], Dict[str, Count]]:
    """The total and trainable count of the layers `class_node` gets from the file's helper
    functions, with the analyzer's values (None if it calls none); the calls that total leaves out;
    and the counted layers by the attribute that holds them (`out` for `self.out = Linear(...)`)."""
    counted, total, trainable, not_counted, held = False, Polynomial(), Polynomial(), [], {}
    for call, name in analyzer.local_calls:
        if not class_node.start_byte <= call.start_byte < class_node.end_byte:
            continue
        helper = _helper(analyzer, call, name)
        if helper is None:
            continue
        state = analyzer._branch_state(call.start_byte)
        if state is False:
            continue  # an arm the values do not take builds nothing
        why = conditional if state is None else NOT_REGISTERED if registering and not analyzer._registered(call) \
            else None
        returned = _built_by(analyzer, call, helper) if why is None else None
        if returned is None or any(layer is None or layer[1].total is None for layer in returned):
            not_counted.append(NotCounted(f"{name}(…)", call.start_byte, why or (
                IN_LOOP if returned is None else NOT_COUNTABLE)))
            continue
        counted = True
        for _, result in returned:
            total, trainable = total + result.total, trainable + result.trainable
        name_node = helper.child_by_field_name("name")
        if len(returned) == 1 and name_node is not None:  # built once: its count as built where the model is
            layer, result = returned[0]
            analyzer.helper_built.append((text(name_node), layer.start_byte - name_node.start_byte, result))
            attribute = attribute_holding(call)
            if attribute is not None:
                held[attribute] = result
    return (total, trainable) if counted else None, not_counted, held


def _built_by(analyzer: "Analyzer", call: Node, helper: Node) -> Optional[List[Optional[Tuple[Node, Count]]]]:
    """The layer the helper returns each time `call` runs (once; in a loop, once per iteration when
    the loop runs over values that are known, else None)."""
    evaluators = analyzer.iteration_evaluators(call) if analyzer.scopes.in_loop(call) else [None]
    return None if evaluators is None else [returned_layer(analyzer, call, helper, e) for e in evaluators]


def attribute_holding(call: Node) -> Optional[str]:
    """`rnn` for a layer built as `self.rnn = nn.LSTM(...)` (or `= LSTM(...)`, a helper's)."""
    parent = call.parent
    if parent is not None and parent.type == "assignment":
        target = dotted(parent.child_by_field_name("left")) or ""
        if target.startswith("self.") and target.count(".") == 1:
            return target[5:]
    return None


def _helper(analyzer: "Analyzer", call: Node, name: str) -> Optional[Node]:
    """The function of this file that `call` runs, if it builds a framework layer."""
    function = call.child_by_field_name("function")
    binding = analyzer.scopes.lookup(name, function) if "." not in name and function is not None else None
    if binding is None or binding.kind != DEFINITION or not analyzer._is_local_function(call, name):
        return None
    analyzer.scopes.depend_on_body(binding, function)
    return binding.node


def returned_layer(analyzer: "Analyzer", call: Node, helper: Node,
                   evaluator: Optional[Evaluator] = None) -> Optional[Tuple[Node, Count]]:
    """The layer call `helper` returns when `call` runs it, with its count (the arguments valued by
    `evaluator`: an iteration's, in a loop); None when it returns something else, or when the
    analysis has no depth left to follow it."""
    from .document import MAX_INSTANTIATION_DEPTH

    if analyzer.depth >= MAX_INSTANTIATION_DEPTH:
        return None
    parameter_values, _ = analyzer._binder(call, helper, evaluator)
    if parameter_values is None:
        return None
    inner = type(analyzer)(analyzer.module, [helper], analyzer.frameworks, parameter_values, analyzer.depth + 1)
    inner.keyword_splat = _extra_keywords(evaluator or analyzer.evaluator, call, helper)
    inner.discover()
    inner.link()
    analyzer.scopes.dependencies.extend(inner.scopes.dependencies)  # the count changes when what it read does
    returned = {value.call.id if isinstance(value, LayerRef) and value.call.id in inner.sites else None
                for value in (inner.evaluator.evaluate(node.named_children[0]) for node in walk(helper)
                              if node.type == "return_statement" and node.named_children)}
    if len(returned) != 1 or None in returned:
        return None  # several layers, or something else, depending on the path taken
    site = inner.sites[returned.pop()]
    return site.call, inner.count_site(site)


def _extra_keywords(evaluator: Evaluator, call: Node, helper: Node) -> Optional[Tuple[Node, str, Dict[str, Value]]]:
    """The helper's `**kwargs` parameter and the call's keywords no other parameter takes (what
    `**kwargs` then holds), valued where the call is; None if the helper has no such parameter."""
    parameters = helper.child_by_field_name("parameters")
    named, splat = set(), None
    for parameter in parameters.named_children if parameters is not None else ():
        name = parameter.child_by_field_name("name") if parameter.type.endswith("default_parameter") else \
            next((c for c in parameter.named_children if c.type == "identifier"), None) \
            if parameter.type in ("typed_parameter", "dictionary_splat_pattern") else parameter
        if parameter.type == "dictionary_splat_pattern" and name is not None:
            splat = text(name)
        elif name is not None and name.type == "identifier":
            named.add(text(name))
    body = helper.child_by_field_name("body")
    if splat is None or body is None or any(
            node.type == "identifier" and text(node) == splat and node.parent is not None
            and node.parent.type != "dictionary_splat" for node in walk(body)):
        return None  # `kwargs.setdefault(...)`, `kwargs["x"] = ...`: what it passes on is not the call's
    _, keywords, _ = call_arguments(call)
    return helper, splat, {name: evaluator.evaluate(value) for name, (_, value) in keywords.items()
                           if name not in named}
