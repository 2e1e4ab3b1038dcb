"""Documents to throw at RNN Lens: the seeds (real model files), generators for the big and the
adversarial ones, and the mutations the fuzzers apply."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from rnnlens.analysis.syntax import parse

ROOT = Path(__file__).resolve().parents[2]
HEADER = "import torch.nn as nn\n"


def seed_files() -> List[Path]:
    """The bundled examples and, when present, the test corpus (Python files only)."""
    paths = sorted((ROOT / "examples").glob("*.py"))
    corpus = ROOT / "tests" / "corpus"
    if corpus.is_dir():
        paths += sorted(corpus.rglob("*.py"))
    return paths


def seeds() -> Dict[str, bytes]:
    return {path.relative_to(ROOT).as_posix(): path.read_bytes() for path in seed_files()}


# -- big documents ----------------------------------------------------------------------------------

def classes(size: int) -> str:
    """About `size` bytes of small torch models, one LSTM each (a realistic big file)."""
    parts, total, i = [HEADER], len(HEADER), 0
    while total < size:
        block = f"class M{i}(nn.Module):\n    def __init__(self):\n        self.r = nn.LSTM(3, {i % 50 + 1})\n"
        parts.append(block)
        total += len(block)
        i += 1
    return "".join(parts)


def module_statements(size: int) -> str:
    """About `size` bytes of module-level statements that name no layer (one big analysis unit)."""
    parts, total, i = [HEADER, "rnn = nn.LSTM(3, 2)\n"], 0, 0
    while total < size:
        line = f"x{i} = foo({i}) + bar\n"
        parts.append(line)
        total += len(line)
        i += 1
    return "".join(parts)


def module_constructors(count: int) -> str:
    """`count` module-level constructors (one big analysis unit)."""
    return HEADER + "".join(f"r{i} = nn.LSTM(3, {i % 50 + 1})\n" for i in range(count))


def long_literal(size: int) -> str:
    return HEADER + "BLOB = '" + "a" * size + "'\nrnn = nn.LSTM(3, 2)\n"


BIG_SHAPES = {"classes": classes, "long_literal": long_literal, "module_statements": module_statements}


# -- mutations --------------------------------------------------------------------------------------

INTERESTING = [b"(", b")", b"[", b"]", b"{", b"}", b":", b",", b"\n", b"\r\n", b"\r", b"\t", b" ", b"\\", b"'",
               b'"', b'"""', b"#", b"=", b"**", b"10**10**10", b"-1", b"0", b"2.5", b"'x'", b"lambda", b"class ",
               b"def ", b"import ", b"from torch.nn import *\n", b"nn = None\n", b"@", b"\x00", b"\xff",
               b"\xed\xa0\x80", "😀".encode(), "a\u0308".encode(), "\u05e9\u05dc\u05d5\u05dd".encode(),
               "中文".encode(), b"\xf0\x9f", b"nn.LSTM(", b"nn.LSTM(3, 4)", b"nn.GRU(H, H)", b"(" * 50, b"[" * 50]


def mutate(data: bytes, rng: random.Random, steps: int = 1) -> bytes:
    """Byte- and line-level damage: insert, delete, duplicate, swap, truncate."""
    for _ in range(steps):
        kind = rng.randrange(9)
        size = len(data)
        at = rng.randint(0, size)
        if kind == 0:
            data = data[:at] + rng.choice(INTERESTING) + data[at:]
        elif kind == 1 and size:
            end = min(size, at + rng.randint(1, 40))
            data = data[:at] + data[end:]
        elif kind == 2 and size:
            end = min(size, at + rng.randint(1, 80))
            where = rng.randint(0, size)
            data = data[:where] + data[at:end] + data[where:]
        elif kind == 3:
            data = data[:at]
        elif kind == 4:
            data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[at:]
        elif kind in (5, 6):
            lines = data.splitlines(keepends=True)
            if len(lines) > 1:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                if kind == 5:
                    lines[i], lines[j] = lines[j], lines[i]
                else:
                    lines.insert(i, lines[j])
                data = b"".join(lines)
        elif kind == 7:
            lines = data.splitlines(keepends=True)
            if lines:
                i = rng.randrange(len(lines))
                lines[i] = rng.choice([b"    ", b"\t", b""]) + lines[i] if rng.random() < 0.7 else lines[i].lstrip()
                data = b"".join(lines)
        else:
            data = data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n"]))
    return data


def to_text(data: bytes) -> str:
    """What an editor would hold for these bytes (the server only ever receives text)."""
    return data.decode("utf-8", errors="replace")


# -- mutations that leave a constructor alone ---------------------------------------------------------

_ENDING = re.compile(rb"\r\n|\r|\n")


def safe_insertion_points(data: bytes, protected: Sequence[Tuple[int, int]]) -> List[int]:
    """Line starts where a new comment line or a new top-level function changes nothing else: not
    inside a string, a bracket, a protected span, or after a backslash continuation."""
    tree = parse(data)
    points = []
    starts = [0] + [m.end() for m in _ENDING.finditer(data)]
    for start in starts:
        if any(s < start < e for s, e in protected):
            continue
        if start > 0 and data[:start].rstrip(b"\r\n").endswith(b"\\"):
            continue
        node = tree.root_node.descendant_for_byte_range(start, start)
        inside = False
        while node is not None:
            if node.type in ("string", "argument_list", "parenthesized_expression", "list", "tuple",
                             "dictionary", "set", "subscript", "parameters", "ERROR", "concatenated_string") \
                    and node.start_byte < start < node.end_byte:
                inside = True
                break
            node = node.parent
        if not inside:
            points.append(start)
    return points


def line_ending(data: bytes) -> bytes:
    match = _ENDING.search(data)
    return match.group() if match else b"\n"


def comment_noise(rng: random.Random) -> str:
    alphabet = "abc XYZ 0123 ()[]{}:=,.'\"\\ \t😀ä中\u05d0 nn.LSTM(3, 4) import torch.nn as nn lambda"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))


def unrelated_function(rng: random.Random, serial: int) -> str:
    """A well-formed top-level function that binds nothing the module uses."""
    body = rng.choice([
        "    return None", "    y = (1, [2, {3: 4}])\n    return y", "    for i in range(3):\n        pass",
        "    import os\n    return os.sep", "    z = nn.LSTM(1, 1)\n    return z", "    '''doc'''",
        "    try:\n        pass\n    except Exception:\n        raise"])
    return f"def _fuzz_{serial}_{rng.randrange(10**6)}():\n{body}\n"


def neutral_edit(data: bytes, rng: random.Random, protected: Sequence[Tuple[int, int]],
                 serial: int = 0) -> Optional[Tuple[bytes, int, int]]:
    """(new data, insertion offset, inserted length): a comment line, a changed comment, or an
    unrelated function inserted at a safe point; None when there is no safe point."""
    ending = line_ending(data)
    choice = rng.randrange(3)
    if choice == 0:
        comments = [m for m in re.finditer(rb"#[^\r\n]*", data)
                    if not any(s <= m.start() < e for s, e in protected)]
        tree = parse(data)
        comments = [m for m in comments
                    if (n := tree.root_node.descendant_for_byte_range(m.start(), m.start())) is not None
                    and n.type == "comment"]
        if comments:
            match = rng.choice(comments)
            noise = ("# " + comment_noise(rng)).encode("utf-8")
            new = data[:match.start()] + noise + data[match.end():]
            return new, match.start(), len(noise) - (match.end() - match.start())
    points = safe_insertion_points(data, protected)
    if not points:
        return None
    at = rng.choice(points)
    if choice == 1 or at not in _top_level_starts(data):
        indent = _indent_at(data, at)
        inserted = (indent + "# " + comment_noise(rng)).encode("utf-8") + ending
    else:
        inserted = unrelated_function(rng, serial).replace("\n", ending.decode()).encode() + ending
    return data[:at] + inserted + data[at:], at, len(inserted)


def _top_level_starts(data: bytes) -> set:
    tree = parse(data)
    return {child.start_byte for child in tree.root_node.children} | {len(data)}


def _indent_at(data: bytes, at: int) -> str:
    line = data[at:].split(b"\n", 1)[0]
    return line[: len(line) - len(line.lstrip(b" \t"))].decode("utf-8", "replace")
