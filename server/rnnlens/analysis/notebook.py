"""Jupyter notebooks: the code cells, in order, as one Python source (constants flow from cell to
cell as they do when the notebook runs top to bottom)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import List, Tuple


@dataclass(frozen=True)
class NotebookSource:
    source: str
    cell_starts: Tuple[int, ...]  # the 0-based line where each code cell starts in `source`
    cell_ids: Tuple[int, ...]  # each code cell's index among all cells


class NotebookError(ValueError):
    pass


def _neutralise_magics(line: str) -> str:
    """IPython magics and shell escapes are not Python: comment them out in place, so that columns
    stay where they are."""
    stripped = line.lstrip()
    if stripped.startswith(("%", "!")):
        indent = len(line) - len(stripped)
        return line[:indent] + "#" + stripped[1:]
    return line


def join_cells(cells: List[str], cell_ids: List[int]) -> NotebookSource:
    lines: List[str] = []
    starts = []
    for cell in cells:
        starts.append(len(lines))
        lines.extend(_neutralise_magics(line) for line in cell.splitlines())
        lines.append("")  # cells never run into each other
    return NotebookSource("\n".join(lines), tuple(starts), tuple(cell_ids))


def read_notebook(text: str) -> NotebookSource:
    try:
        document = json.loads(text)
        cells = document["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise NotebookError(f"not a Jupyter notebook: {error}") from None
    code, ids = [], []
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            code.append("".join(source) if isinstance(source, list) else str(source))
            ids.append(index)
    return join_cells(code, ids)
