"""Parsing with tree-sitter, and the few node helpers the analysis needs.

tree-sitter is error-tolerant: a file mid-edit still yields every intact call, and a previous tree
can be reused after an edit. All traversal here is iterative, so 1,000-deep nesting cannot overflow
Python's stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, List, Optional, Tuple

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


def _parser_text(source: bytes) -> bytes:
    # tree-sitter's lexer takes NUL for the end of input; a space of the same length keeps every offset.
    source = source.replace(b"\x00", b" ") if b"\x00" in source else source
    # tree-sitter-python ends a comment only at \n, while Python (and LSP) end a line at a lone \r too:
    # a \n in its place keeps every offset. After an edit only the byte before the edit can change this
    # way, and tree-sitter re-lexes a token that ends where an edit starts.
    return _LONE_CR.sub(b"\n", source) if b"\r" in source else source


def parse(source: bytes, previous: Optional[Tree] = None) -> Tree:
    parser = tree_sitter.Parser(language())
    source = _parser_text(source)
    return parser.parse(source, previous) if previous is not None else parser.parse(source)


# Statement lists, and the parts of a compound statement that hold one: an error inside them is an
# error of one of their statements, not of the statement around them.
_STATEMENT_LISTS = frozenset({"module", "block"})
_HOLDERS = frozenset({"block", "elif_clause", "else_clause", "except_clause", "except_group_clause",
                      "finally_clause", "case_clause", "function_definition", "class_definition"})
_WHOLE = frozenset({"function_definition", "class_definition", "decorated_definition", "comment"})
# Each round parses the document again (reusing the previous tree roughly halves the cost), so the
# rounds are bounded in number and in bytes parsed: a 1 MB file gets 4 rounds, a 10 MB file one.
MAX_REPAIRS = 16
MAX_REPAIR_BYTES = 4 << 20


def repaired(source: bytes, tree: Tree) -> Tree:
    """A tree of `source` without its broken lines, for a tree with syntax errors.

    tree-sitter's error recovery folds the lines after a broken one into it (`x = 1 +` takes the
    next line as its operand; an unclosed bracket takes the rest of the file), so intact statements
    there are lost. A broken line is what an editor shows mid-edit: the rest of the file means what
    it meant before. So the first line of the first broken statement is left out and the document
    parsed again with tree-sitter's included ranges — the other lines, at their own offsets, so every
    position stays exact — until no error is left. One line per round, as the errors after the first
    are often its echoes (a dedent it caused). The first error is the one an editor has while the
    user types; past MAX_REPAIRS rounds (or MAX_REPAIR_BYTES parsed), the remaining errors are left
    to tree-sitter's own recovery."""
    if not tree.root_node.has_error:
        return tree
    text = _parser_text(source)
    excluded: set = set()
    for _ in range(max(1, min(MAX_REPAIRS, MAX_REPAIR_BYTES // max(len(text), 1)))):
        broken = _first_broken(tree.root_node)
        line = _line_around(text, broken.start_byte) if broken is not None else None
        if line is None or line in excluded:
            break
        stray = _stray_tokens(broken)
        if stray and not stray <= excluded:
            # Stray tokens within one line (`😀rnn = …`, `nn.LSTM(3, 2))`): without them the line may be
            # whole again, and keep its constructor; if not, the line goes.
            candidate = _parse_without(text, excluded | stray, tree)
            after = _first_broken(candidate.root_node) if candidate is not None else broken
            if after is None or after.start_byte >= line[1]:
                excluded |= stray
                tree = candidate
                if after is None:
                    break
                continue
        excluded.add(line)
        repaired_tree = _parse_without(text, excluded, tree)
        if repaired_tree is None:  # every line is broken: tree-sitter would read no ranges as the whole text
            break
        tree = repaired_tree
        if not tree.root_node.has_error:
            break
    return tree


def _parse_without(text: bytes, excluded: set, previous: Tree) -> Optional[Tree]:
    ranges = _included_ranges(text, sorted(excluded))
    return tree_sitter.Parser(language(), included_ranges=ranges).parse(text, previous) if ranges else None


def _stray_tokens(broken: Node) -> set:
    """The loose tokens of the first ERROR at or in `broken`, when that ERROR lies on the first line of
    `broken` (tree-sitter may have folded the next lines into it): (start, end) byte ranges."""
    error = broken.parent if broken.parent is not None and broken.parent.is_error else None
    row, pending = broken.start_point[0], [broken]
    while error is None and pending:
        node = pending.pop()
        if node.is_error:
            error = node
        elif node.start_point[0] == row:
            pending.extend(reversed([child for child in node.children if child.has_error or child.is_error]))
    if error is None:
        return set()
    if error.start_point[0] != error.end_point[0] or error.start_point[0] != broken.start_point[0]:
        return set()
    tokens = [child for child in error.children if child.is_error or not child.is_named] or [error]
    return {(token.start_byte, token.end_byte) for token in tokens if token.end_byte > token.start_byte}


def _first_broken(root: Node) -> Optional[Node]:
    """The first statement (or stray token of an ERROR) that holds a syntax error of the tree."""
    node = root
    while True:
        if node.is_error:
            child = _broken_in_error(node)
            if child is None or child == node or not (child.has_error or child.is_error):
                return child
        elif node.type in _STATEMENT_LISTS:
            child = next((c for c in node.children if c.has_error), None)
            if child is None:
                return None
        else:
            erring = [c for c in node.children if c.has_error]
            if not erring or any(c.type not in _HOLDERS for c in erring):
                return node
            child = erring[0]
        node = child


def _broken_in_error(error: Node) -> Optional[Node]:
    """Where an ERROR breaks. tree-sitter keeps in it what it had parsed when it gave up: whole
    statements, and runs of loose tokens — the header of a construct still open (`class M(nn.Module):`
    before its whole methods, broken only by what follows) or a broken line. The first erring child
    or the first run that is not such a header (or the statement it goes on on the same line: `import`
    then `H = 4` is `import H` and a stray `=`), else the first run."""
    children, runs, i, whole = error.children, [], 0, None
    while i < len(children):
        child = children[i]
        if child.has_error or child.is_error or child.is_missing:
            return child
        if child.type in _WHOLE or child.type.endswith("statement"):
            i, whole = i + 1, child
            continue
        if whole is not None and whole.end_point[0] == child.start_point[0]:
            return whole
        run_start = i
        while i < len(children) and not (children[i].has_error or children[i].is_error or children[i].is_missing
                                         or children[i].type in _WHOLE or children[i].type.endswith("statement")):
            i += 1
        runs.append(children[run_start])
        if children[i - 1].type != ":" or i == len(children):
            return children[run_start]
    return runs[0] if runs else error


def _line_around(text: bytes, offset: int) -> Tuple[int, int]:
    """The line holding `offset`, from its first byte to the start of the next line."""
    end = text.find(b"\n", offset)
    return text.rfind(b"\n", 0, offset) + 1, len(text) if end < 0 else end + 1


def _included_ranges(text: bytes, excluded: List[Tuple[int, int]]) -> List[tree_sitter.Range]:
    """The complement of `excluded` (sorted whole lines) as tree-sitter ranges."""
    ranges, row, counted_to, start = [], 0, 0, 0

    def point(offset: int) -> Tuple[int, int]:
        nonlocal row, counted_to
        row += text.count(b"\n", counted_to, offset)
        counted_to = offset
        return row, offset - (text.rfind(b"\n", 0, offset) + 1)

    for line_start, line_end in excluded + [(len(text), len(text))]:
        if line_start > start:
            ranges.append(tree_sitter.Range(point(start), point(line_start), start, line_start))
        start = max(start, line_end)
    return ranges


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
