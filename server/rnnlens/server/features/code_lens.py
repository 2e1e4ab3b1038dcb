"""A code lens above each model with its total (exact, or "≥" a lower bound), and above each call
that builds one of the file's models with known arguments, with its total as built there."""

from __future__ import annotations

from typing import List

from lsprotocol import types

from ...present.labels import instantiation_label, model_label


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls, params: types.CodeLensParams) -> List[types.CodeLens]:
        view = ls.view(params.text_document.uri)
        if view is None:
            return []
        analysis = view.analysis
        lenses = [(model.span, model_label(model)) for model in analysis.models]
        lenses += [(i.span, f"{i.model}: {instantiation_label(i)}") for i in analysis.instantiations]
        return [types.CodeLens(range=view.range(span.start_byte, span.end_byte),
                               command=types.Command(title=title, command=""))
                for span, title in lenses if view.contains(span.start_byte, span.end_byte)]
