"""Helpers for the analysis tests: run the CLI in-process, read its JSON, find layers in it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from rnnlens.cli import main

os.environ.setdefault("KERAS_BACKEND", "jax")

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def run_cli(arguments: Sequence[str], env: Optional[Dict[str, str]] = None) -> Tuple[int, str, str]:
    """(exit code, stdout, stderr) of `rnnlens ARGUMENTS`, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(arguments))
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 2
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return code, out.getvalue(), err.getvalue()


def check_json(*paths: Any, extra: Sequence[str] = ()) -> Dict[str, Any]:
    code, out, err = run_cli(["check", "--json", *map(str, paths), *extra])
    assert code == 0, (code, err)
    return json.loads(out)


def file_json(path: Path) -> Dict[str, Any]:
    document = check_json(path)
    assert len(document["files"]) == 1, document["files"]
    return document["files"][0]


def source_json(tmp_path: Path, source: str, name: str = "model.py") -> Dict[str, Any]:
    """The JSON record of one file with this source."""
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return file_json(path)


def layers_at(record: Dict[str, Any], line: int, layer: Optional[str] = None,
              cell: Optional[int] = None) -> List[Dict[str, Any]]:
    return [item for item in record["layers"] if item["line"] == line and (layer is None or item["layer"] == layer)
            and (cell is None or item.get("cell") == cell)]


def layer_at(record: Dict[str, Any], line: int, layer: Optional[str] = None, cell: Optional[int] = None,
             ) -> Dict[str, Any]:
    found = layers_at(record, line, layer, cell)
    assert len(found) == 1, f"expected one {layer or 'layer'} at line {line}, found {found or record['layers']}"
    return found[0]


def line_of(source: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for number, text in enumerate(source.splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in the source")


def model_named(record: Dict[str, Any], name: str) -> Dict[str, Any]:
    found = [model for model in record["models"] if model["name"] == name]
    assert len(found) == 1, f"expected one model {name!r}, found {[m['name'] for m in record['models']]}"
    return found[0]


def argument(layer: Dict[str, Any], name: str) -> Dict[str, Any]:
    found = [item for item in layer["arguments"] if item["name"] == name]
    assert found, f"no argument {name!r} in {[a['name'] for a in layer['arguments']]}"
    return found[0]


_SUPERSCRIPTS = str.maketrans({"²": "**2", "³": "**3", "⁴": "**4", "⁵": "**5"})


def evaluate_polynomial(text: str, values: Dict[str, int]) -> int:
    """The value of a polynomial as the JSON writes it (`4·HIDDEN·h + 1,024·h²`) at `values`."""
    expression = re.sub(r"(?<=\d),(?=\d{3})", "", text).translate(_SUPERSCRIPTS).replace("·", "*")
    expression = re.sub(r"[A-Za-z_][A-Za-z0-9_.]*", lambda m: f"({values[m.group(0)]})", expression)
    assert re.fullmatch(r"[\d\s()*+\-]*", expression), expression
    return eval(expression)  # digits, parentheses and + - * only (checked above)
