"""Parsing with tree-sitter, and the few node helpers the analysis needs.

tree-sitter is error-tolerant: a file mid-edit still yields every intact call, and a previous tree
can be reused after an edit. All traversal here is iterative, so 1,000-deep nesting cannot overflow
Python's stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

import tree_sitter
import tree_sitter_python

Node = tree_sitter.Node
Tree = tree_sitter.Tree

# Comprehensions are scopes of their own (their loop variables do not leak), as in Python 3.
COMPREHENSIONS = frozenset({"list_comprehension", "set_comprehension", "dictionary_comprehension",
                            "generator_expression"})
SCOPE_TYPES = frozenset({"module", "class_definition", "function_definition", "lambda"}) | COMPREHENSIONS
LOOP_TYPES = frozenset({"for_statement", "while_statement", "list_comprehension", "set_comprehension",
                        "dictionary_comprehension", "generator_expression"})


@lru_cache(maxsize=1)
def language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_python.language())


_LONE_CR = re.compile(rb"\r(?!\n)")


def parse(source: bytes, previous: Optional[Tree] = None) -> Tree:
    # tree-sitter's lexer takes NUL for the end of input; a space of the same length keeps every offset.
    source = source.replace(b"\x00", b" ") if b"\x00" in source else source
    # tree-sitter-python ends a comment only at \n, while Python (and LSP) end a line at a lone \r too:
    # a \n in its place keeps every offset. After an edit only the byte before the edit can change this
    # way, and tree-sitter re-lexes a token that ends where an edit starts.
    source = _LONE_CR.sub(b"\n", source) if b"\r" in source else source
    parser = tree_sitter.Parser(language())
    return parser.parse(source, previous) if previous is not None else parser.parse(source)


@dataclass(frozen=True)
class Span:
    """A byte range of the analysed source; lines and columns are worked out only at the edges."""

    start_byte: int
    end_byte: int

    @classmethod
    def of(cls, node: Node) -> "Span":
        return cls(node.start_byte, node.end_byte)

    def shifted(self, delta: int) -> "Span":
        return Span(self.start_byte + delta, self.end_byte + delta)


def text(node: Optional[Node]) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


# Every node kind the analysis acts on: bindings, scopes, loops and calls.
INTERESTING = ("assignment", "augmented_assignment", "import_statement", "import_from_statement",
               "function_definition", "class_definition", "lambda", "for_statement", "for_in_clause",
               "named_expression", "while_statement", "list_comprehension", "set_comprehension",
               "dictionary_comprehension", "generator_expression", "call", "if_statement", "with_statement",
               "except_clause", "case_clause")


@lru_cache(maxsize=1)
def _interesting_query() -> tree_sitter.Query:
    return tree_sitter.Query(language(), "[" + " ".join(f"({kind})" for kind in INTERESTING) + "] @node")


def interesting_nodes(root: Node) -> list:
    """The nodes of INTERESTING kinds at or below root, in document order (parents before children),
    found by tree-sitter's query engine rather than a walk in Python over every node."""
    found = tree_sitter.QueryCursor(_interesting_query()).captures(root).get("node", [])
    return sorted(found, key=lambda node: (node.start_byte, -node.end_byte))


def walk(root: Node) -> Iterator[Node]:
    """Every node below root in document order, without recursion."""
    cursor = root.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def dotted(node: Optional[Node]) -> Optional[str]:
    """`a.b.c` for an identifier or attribute chain, else None."""
    if node is None:
        return None
    parts = []
    while node.type == "attribute":
        attribute = node.child_by_field_name("attribute")
        if attribute is None:
            return None
        parts.append(text(attribute))
        node = node.child_by_field_name("object")
        if node is None:
            return None
    if node.type != "identifier":
        return None
    parts.append(text(node))
    return ".".join(reversed(parts))


def call_arguments(call: Node) -> tuple:
    """(positional nodes, {keyword: (name node, value node)}, has unpacking) of a call."""
    positional, keywords, unpacking = [], {}, False
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return (), {}, False
    for child in arguments.named_children:
        if child.type == "keyword_argument":
            name, value = child.child_by_field_name("name"), child.child_by_field_name("value")
            if name is not None and value is not None:
                keywords[text(name)] = (child, value)
        elif child.type in ("list_splat", "dictionary_splat"):
            unpacking = True
        elif child.type != "comment":
            positional.append(child)
    return tuple(positional), keywords, unpacking
