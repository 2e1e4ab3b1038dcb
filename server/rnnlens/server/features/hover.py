"""Hover: a layer's full breakdown; on a model's name its table; on a constant the layers it sizes."""

from __future__ import annotations

import re
from typing import Optional

from lsprotocol import types

from ...present.hover import constant_markdown, instantiation_markdown, layer_markdown, model_markdown

_WORD = re.compile(rb"[A-Za-z_][A-Za-z_0-9]*")


def _markdown(value: str, view, start: int, end: int) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
                       range=view.range(start, end))


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls, params: types.HoverParams) -> Optional[types.Hover]:
        view = ls.view(params.text_document.uri)
        if view is None:
            return None
        offset = view.offset(params.position)
        analysis = view.analysis
        finding = analysis.finding_at(offset)
        if finding is not None and view.contains(finding.span.start_byte, finding.span.end_byte):
            key = ("hover", finding.index, view.base, ls.settings.memory_dtype)
            markdown = analysis.memo.get(key)
            if markdown is None:
                markdown = analysis.memo[key] = layer_markdown(finding, view.where, ls.settings.memory_dtype,
                                                               analysis.as_built(finding))
            return _markdown(markdown, view, finding.span.start_byte, finding.span.end_byte)
        for instantiation in analysis.instantiations:
            if instantiation.span.start_byte <= offset < instantiation.span.end_byte:
                return _markdown(instantiation_markdown(instantiation, view.where, ls.settings.memory_dtype), view,
                                 instantiation.span.start_byte, instantiation.span.end_byte)
        for model in analysis.models:
            if model.span.start_byte <= offset < model.span.end_byte:
                return _markdown(model_markdown(model, analysis, view.where, ls.settings.memory_dtype), view,
                                 model.span.start_byte, model.span.end_byte)
        lines = view.document.lines
        line, _ = lines.position(offset, "utf-8")
        line_start = lines.starts[line]
        for match in _WORD.finditer(lines.line_bytes(line)):
            start, end = line_start + match.start(), line_start + match.end()
            indexes = analysis.dependents.get(start) if start <= offset < end else None
            if indexes:
                return _markdown(constant_markdown(match.group().decode(), analysis, indexes, view.where), view,
                                 start, end)
        return None
