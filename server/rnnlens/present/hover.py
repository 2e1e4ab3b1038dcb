"""The hover (and inlay-hint tooltip): the full breakdown of one layer, as Markdown."""

from __future__ import annotations

from typing import List, Sequence, Tuple

from ..analysis.findings import DocumentAnalysis, Finding, Instantiation, ModelFinding
from ..core import Count, Polynomial
from .labels import Where, memory, not_counted_text, origin_text

MAX_TENSOR_ROWS = 24


def _shape(shape: Sequence[Polynomial]) -> str:
    return " × ".join(str(d) for d in shape) if shape else "scalar"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def layer_markdown(finding: Finding, where: Where, dtype: str = "float32",
                   as_built: Sequence[Tuple[Instantiation, Count]] = ()) -> str:
    count = finding.count
    name = f"{finding.namespace}.{finding.layer}" if finding.namespace else finding.layer
    lines: List[str] = []
    if count.total is None:
        lines.append(f"**{name}** ({finding.framework}) — **? params**")
    else:
        heading = f"**{name}** ({finding.framework}) — **{count.total} params**"
        non_trainable = count.total - count.trainable
        if non_trainable:
            heading += f" ({count.trainable} trainable, {non_trainable} non-trainable)"
        lines.append(heading)
    if count.formula:
        lines += ["", f"`{count.formula}`"]
    if finding.arguments:
        lines += ["", "| argument | value | from |", "| --- | --- | --- |"]
        for argument in finding.arguments:
            origin = ", ".join(origin_text(o, where) for o in argument.origins)
            lines.append(f"| {argument.name} | `{_cell(argument.display)}` | {_cell(origin)} |")
    if finding.unknowns:
        lines += ["", "**Not known statically:**"]
        lines += [f"- `{u.name}` ({u.argument}): {u.reason}" for u in finding.unknowns]
    if finding.iterations:
        each = ", ".join(str(iteration.total) for iteration in finding.iterations)
        lines += ["", f"**Built in a loop, {len(finding.iterations)} iterations:** {each} params"]
    for label, case in finding.cases:
        lines += ["", f"**If `{label}`:** {case.total} params — `{case.formula}`"]
    if finding.with_defaults is not None:
        defaults = ", ".join(f"{a.name} = {a.display} ({', '.join(origin_text(o, where) for o in a.origins)})"
                             for a in finding.defaults_used)
        lines += ["", f"**With the defaults:** {finding.with_defaults.total} params — `{finding.with_defaults.formula}`",
                  f"(defaults: {defaults}; a caller may pass other values)"]
    if count.tensors:
        lines += ["", "| tensor | shape | params |", "| --- | --- | ---: |"]
        for tensor in count.tensors[:MAX_TENSOR_ROWS]:
            flag = "" if tensor.trainable else " (non-trainable)"
            lines.append(f"| `{tensor.name}`{flag} | {_shape(tensor.shape)} | {tensor.params} |")
        if len(count.tensors) > MAX_TENSOR_ROWS:
            lines.append(f"| … {len(count.tensors) - MAX_TENSOR_ROWS} more | | |")
    facts = []
    fp32 = memory(count.total, "float32")
    if fp32 is not None:
        facts.append(f"memory {fp32} (float32)" + (f", {memory(count.total, dtype)} ({dtype})"
                                                    if dtype != "float32" else ""))
    if count.output_size is not None:
        facts.append(f"output size {count.output_size}")
    if count.macs_per_step is not None:
        facts.append(f"{count.macs_per_step} MACs per step")
    if facts:
        lines += ["", " · ".join(facts)]
    for problem in count.problems:
        if problem.severity in ("error", "warning", "info"):
            lines += ["", f"⚠ {problem.severity}: {problem.message}"]
    if finding.model:
        lines += ["", f"Counted in model `{finding.model}`."]
    for instantiation, built in as_built:
        lines.append(f"- as built at {where(instantiation.span.start_byte)}: {built.total} params")
    return "\n".join(lines)


def instantiation_markdown(instantiation: Instantiation, where: Where, dtype: str = "float32") -> str:
    prefix = "≥ " if instantiation.status == "lower_bound" else ""
    lines = [f"**{instantiation.model}** as built here — **{prefix}{instantiation.total} params**"]
    if instantiation.uses_defaults:
        lines.append("(parameters not passed take their defaults)")
    size = memory(instantiation.total, dtype)
    if size is not None:
        lines += ["", f"memory {prefix}{size} ({dtype})"]
    return "\n".join(lines)


def constant_markdown(name: str, analysis: DocumentAnalysis, indexes: Sequence[int], where: Where) -> str:
    lines = [f"**{name}** sizes {len(indexes)} layer{'s' if len(indexes) != 1 else ''}:"]
    for index in indexes:
        finding = analysis.finding(index)
        total = "?" if finding.count.total is None else str(finding.count.total)
        lines.append(f"- {finding.layer} at {where(finding.span.start_byte)}: {total} params")
    return "\n".join(lines)


def model_markdown(model: ModelFinding, analysis: DocumentAnalysis, where: Where, dtype: str = "float32") -> str:
    prefix = "≥ " if model.status == "lower_bound" else ""
    lines = [f"**{model.name}** ({model.framework} {model.kind}) — **{prefix}{model.total} params**", "",
             "| layer | where | params |", "| --- | --- | ---: |"]
    for index in model.members:
        finding = analysis.finding(index)
        lines.append(f"| {finding.layer} | {where(finding.span.start_byte)} | {finding.count.total} |")
    size = memory(model.total, dtype)
    if size is not None:
        lines += ["", f"memory {prefix}{size} ({dtype})"]
    lines += [f"- not counted: {not_counted_text(item, where)}" for item in model.not_counted]
    return "\n".join(lines)
