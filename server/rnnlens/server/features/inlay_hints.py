"""Inlay hints: each constructor's count at the end of its call, and model totals where enabled.
The full breakdown is the hint's tooltip: resolved lazily where the client can, inline otherwise."""

from __future__ import annotations

from typing import List, Optional

from lsprotocol import types

from ...present.hover import layer_markdown
from ...present.labels import hint_label, instantiation_label, model_label


def _resolves_tooltips(ls) -> bool:
    support = getattr(getattr(getattr(ls.client_capabilities, "text_document", None), "inlay_hint", None),
                      "resolve_support", None)
    return support is not None and "tooltip" in (support.properties or [])


def _tooltip(markdown: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown)


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=True))
    def inlay_hints(ls, params: types.InlayHintParams) -> Optional[List[types.InlayHint]]:
        view = ls.view(params.text_document.uri)
        if view is None or not ls.settings.inlay_hints_enabled:
            return []
        start, end = view.offset(params.range.start), view.offset(params.range.end)
        analysis = view.analysis
        lazy = _resolves_tooltips(ls)
        # Hints are the same for every request on this version and these settings: build them once,
        # then answer each range by filtering (a whole 10,000-line document has thousands).
        # A range request (the viewport) builds only its own hints.
        key = ("hints", view.base, view.encoding, ls.settings, lazy, params.text_document.uri)
        built = analysis.memo.get(key)
        if built is None and start <= view.base and end >= view.end:
            built = analysis.memo[key] = _build(ls, view, analysis, lazy, params.text_document.uri, view.base, view.end)
        if built is None:
            built = _build(ls, view, analysis, lazy, params.text_document.uri, start, end)
        return [hint for offset, hint in built if start <= offset <= end]

    def _build(ls, view, analysis, lazy: bool, uri: str, start: int, end: int):
        style = ls.settings.inlay_hints_style
        calls = []
        for position, part in analysis.parts_between(start, end):
            # A unit's labels do not depend on where it is: worked out once for its result, then only
            # shifted with it (after an edit most units have moved, few have changed).
            labels = part.memo.get(("hint labels", style))
            if labels is None:
                labels = part.memo[("hint labels", style)] = [
                    (local, finding.index, finding.span.start_byte, finding.span.end_byte, hint_label(finding, style))
                    for local, finding in enumerate(part.findings) if finding.shows_hint]
            for local, index, call_start, call_end, label in labels:
                call_start, call_end = part.place(call_start), part.place(call_end)
                if start <= call_end <= end and view.contains(call_start, call_end):
                    calls.append((call_start, call_end, label, position, part.base + index, local))
        hints = []
        # Ordered by where the calls start, as findings_between orders findings, so that hints ending at
        # the same offset keep the order they had when sorted by it below.
        for _, position, label, part_position, index, local in sorted(calls, key=lambda call: call[0]):
            hint = types.InlayHint(position=view.position(position), label=label, padding_left=True)
            if lazy:
                hint.data = {"uri": uri, "version": view.document.version, "index": index}
            else:
                finding = analysis.part_findings(part_position)[local]
                hint.tooltip = _tooltip(layer_markdown(finding, view.where, ls.settings.memory_dtype,
                                                       analysis.as_built(finding)))
            hints.append((position, hint))
        for instantiation in analysis.instantiations:
            position = instantiation.span.end_byte
            if start <= position <= end and view.contains(instantiation.span.start_byte, position):
                hints.append((position, types.InlayHint(position=view.position(position),
                                                        label=instantiation_label(instantiation), padding_left=True)))
        if ls.settings.inlay_hints_model_totals:
            for model in analysis.models:
                position = model.span.end_byte
                if start <= position <= end and view.contains(model.span.start_byte, position):
                    label = model_label(model).split(": ", 1)[1]
                    hints.append((position, types.InlayHint(position=view.position(position), label=label,
                                                            padding_left=True)))
        return sorted(hints, key=lambda pair: pair[0])

    @server.feature(types.INLAY_HINT_RESOLVE)
    def resolve(ls, hint: types.InlayHint) -> types.InlayHint:
        data = hint.data if isinstance(hint.data, dict) else {}
        view = ls.view(data.get("uri", "")) if isinstance(data.get("uri"), str) else None
        index = data.get("index")
        if view is None or data.get("version") != view.document.version or not isinstance(index, int):
            return hint
        try:
            finding = view.analysis.finding(index)
        except IndexError:
            return hint
        hint.tooltip = _tooltip(layer_markdown(finding, view.where, ls.settings.memory_dtype,
                                               view.analysis.as_built(finding)))
        return hint
