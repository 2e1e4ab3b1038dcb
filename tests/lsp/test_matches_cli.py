"""The editor shows what the command line reports: every layer `rnnlens check --json` finds in the
bundled examples gets an inlay hint at the end of its call, with the same count."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.py"))


def cli_layers(path: Path):
    output = subprocess.run([sys.executable, "-m", "rnnlens", "check", "--json", str(path)],
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output)["files"][0]["layers"]


def expected_label(layer) -> str:
    if layer["params"] is not None:
        return f"{layer['params']:,} params"
    return None


def lsp_character(line: str, code_points: int, encoding: str) -> int:
    prefix = line[:code_points]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
async def test_every_cli_layer_has_the_same_hint(session, path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    uri = session.open(text, uri=path.as_uri())
    hints = {(h.position.line, h.position.character): h.label for h in await session.hints(uri)}
    for layer in cli_layers(path):
        if layer["layer"] in ("Input", "InputLayer"):
            continue  # sizes, not weights: no hint
        line = layer["end_line"] - 1
        position = (line, lsp_character(lines[line], layer["end_column"] - 1, session.encoding))
        label = hints.get(position)
        expected = expected_label(layer)
        if expected is not None:
            assert label == expected, (path.name, layer["layer"], position)
        elif layer["wrapped_by"] is None:
            assert label is not None, (path.name, layer["layer"], position)
