"""Jupyter notebooks: the code cells, in order, as one Python source (constants flow from cell to
cell as they do when the notebook runs top to bottom)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import List, Sequence, Tuple

# IPython magics and shell escapes are not Python: comment them out in place (same length, so every
# offset stays where it is).
_MAGIC = re.compile(r"^([ \t]*)[%!]", re.MULTILINE)


@dataclass(frozen=True)
class NotebookSource:
    source: str
    cell_offsets: Tuple[int, ...]  # where each code cell starts in `source`, in UTF-8 bytes
    cell_starts: Tuple[int, ...]  # the 0-based line where each code cell starts in `source`
    cell_ids: Tuple[int, ...]  # each code cell's index among all the notebook's cells


class NotebookError(ValueError):
    pass


def join_cells(cells: Sequence[str], cell_ids: Sequence[int]) -> NotebookSource:
    """Each cell followed by a newline, so that no cell runs into the next."""
    parts: List[str] = []
    offsets, starts, offset, line = [], [], 0, 0
    for cell in cells:
        text = _MAGIC.sub(r"\1#", cell) + "\n"
        offsets.append(offset)
        starts.append(line)
        parts.append(text)
        offset += len(text.encode("utf-8", errors="surrogatepass"))
        line += len(re.findall(r"\r\n|\r|\n", text))
    return NotebookSource("".join(parts), tuple(offsets), tuple(starts), tuple(cell_ids))


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
            code.append("".join(map(str, source)) if isinstance(source, list) else str(source))
            ids.append(index)
    return join_cells(code, ids)
