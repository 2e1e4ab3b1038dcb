"""A code lens above each model with its total (exact, or "≥" a lower bound)."""

from __future__ import annotations

from typing import List

from lsprotocol import types

from ...present.labels import model_label


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls, params: types.CodeLensParams) -> List[types.CodeLens]:
        view = ls.view(params.text_document.uri)
        if view is None:
            return []
        return [types.CodeLens(range=view.range(model.span.start_byte, model.span.end_byte),
                               command=types.Command(title=model_label(model), command=""))
                for model in view.analysis.models if view.contains(model.span.start_byte, model.span.end_byte)]
