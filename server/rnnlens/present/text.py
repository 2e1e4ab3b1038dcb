"""The CLI's human output: each constructor line annotated as the editor shows it, then a table per
model in the vocabulary of torchinfo and Keras `summary()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

from ..analysis.findings import LOWER_BOUND, DocumentAnalysis, Finding, ModelFinding
from .labels import COMPACT, hint_label, instantiation_label, memory, not_counted_text
from .locate import Locator

MAX_SOURCE_WIDTH = 90


@dataclass(frozen=True)
class Style:
    colour: bool = False
    hint_style: str = COMPACT
    dtype: str = "float32"

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text


BOLD, DIM, HINT, ERROR, WARNING = "1", "2", "36", "31", "33"


def _shorten(line: str) -> str:
    line = line.rstrip()
    return line if len(line) <= MAX_SOURCE_WIDTH else line[: MAX_SOURCE_WIDTH - 1] + "…"


def _where(locator: Locator, offset: int) -> str:
    """The short form for the margin and the table: `12`, or `cell 2:1` in a notebook."""
    cell = locator.cell_of(offset)
    point = locator.point(offset)
    if cell is None:
        return str(point["line"])
    return f"cell {cell[0]}:{point['line'] - cell[1]}"


def _annotated(locator: Locator, end: int, label: str, style: Style) -> str:
    source = _shorten(locator.line_text(locator.point(end)["line"]))
    number = style.paint(f"{_where(locator, end):>6} │", DIM)
    return f"{number} {source}  {style.paint('‹' + label + '›', HINT)}"


def annotated_lines(analysis: DocumentAnalysis, locator: Locator, style: Style) -> List[str]:
    """Each constructor (and each call that builds a model with known arguments), as the editor
    shows it: the line with the hint at its end, and the diagnostics under it."""
    entries = [(f.span.end_byte, hint_label(f, style.hint_style), f.diagnostics) for f in analysis.findings
               if f.shows_hint or f.diagnostics]
    entries += [(i.span.end_byte, instantiation_label(i), ()) for i in analysis.instantiations]
    lines = []
    for end, label, diagnostics in sorted(entries, key=lambda entry: entry[0]):
        lines.append(_annotated(locator, end, label, style))
        for diagnostic in diagnostics:
            colour = ERROR if diagnostic.severity == "error" else WARNING
            lines.append(f"{style.paint('       │', DIM)}   {style.paint(diagnostic.severity, colour)}: "
                         f"{diagnostic.message}")
    return lines


def _table(rows: List[List[str]], style: Style) -> List[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rule = "─" * (sum(widths) + 3 * (len(widths) - 1))
    rendered = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) if column < 2 else cell.rjust(width)
                 for column, (cell, width) in enumerate(zip(row, widths))]
        line = "   ".join(cells).rstrip()
        rendered.append(style.paint(line, BOLD) if index == 0 else line)
        if index == 0:
            rendered.append(rule)
    rendered.append(rule)
    return rendered


def _count_text(finding: Finding) -> str:
    total = finding.count.total
    return "?" if total is None else str(total)


def model_table(model: ModelFinding, analysis: DocumentAnalysis, locator: Locator, style: Style) -> List[str]:
    where = locator.where(model.span.start_byte)
    lines = [style.paint(f'Model: "{model.name}"', BOLD) + f" ({model.framework} {model.kind}, {where})"]
    rows = [["Layer (type)", "Framework", "Output", "Param #", "Trainable", "Tensors"]]
    for index in model.members:
        finding = analysis.finding(index)
        output = finding.count.output_size
        rows.append([f"{finding.layer} ({locator.where(finding.span.start_byte)})", finding.framework,
                     "?" if output is None else str(output), _count_text(finding),
                     "?" if finding.count.trainable is None else str(finding.count.trainable),
                     str(len(finding.count.tensors))])
    lines += _table(rows, style)
    total = model.total
    prefix = "≥ " if model.status == LOWER_BOUND else ""
    if total is not None and total.is_constant:
        sizes = f"{memory(total, 'float32')} fp32"
        if style.dtype != "float32":
            sizes += f", {memory(total, style.dtype)} {style.dtype}"
        lines.append(f"Total params: {prefix}{total} ({sizes})")
        trainable = model.trainable.value
        lines.append(f"Trainable params: {prefix}{trainable:,}")
        lines.append(f"Non-trainable params: {prefix}{total.value - trainable:,}")
    else:
        lines.append(f"Total params: {total} (not known statically)")
    for item in model.not_counted:
        lines.append(style.paint(f"Not counted: {not_counted_text(item, locator.where)}", WARNING))
    return lines


def file_report(path: str, analysis: DocumentAnalysis, locator: Locator, style: Style) -> List[str]:
    if not analysis.findings and not analysis.instantiations:
        return []
    lines = [style.paint(path, BOLD)]
    lines += annotated_lines(analysis, locator, style)
    for model in analysis.models:
        lines.append("")
        lines += ["  " + line for line in model_table(model, analysis, locator, style)]
    lines.append("")
    return lines
