"""Document and notebook synchronisation: keep the store's copy of each text current, and analyse
a document shortly after it stops changing, so that the requests an editor sends after its own
debounce find the analysis ready."""

from __future__ import annotations

import asyncio
from typing import Dict

from lsprotocol import types

from . import configuration, diagnostics

# Long enough to coalesce a burst of keystrokes, shorter than the editors' own request debounce.
SETTLE_SECONDS = 0.005
_pending: Dict[str, asyncio.TimerHandle] = {}


def settle(ls, uri: str) -> None:
    """Analyse `uri` (and push its diagnostics) once it has not changed for SETTLE_SECONDS."""
    pending = _pending.pop(uri, None)
    if pending is not None:
        pending.cancel()

    def analyse(continued: bool = False) -> None:
        _pending.pop(uri, None)
        view = ls.view(uri)
        if view is None:
            return
        if not view.analysis.complete:
            # The time budget cut it short: go on in the next turn of the loop (requests in between
            # get what is there), and tell the client when it is whole.
            try:
                _pending[uri] = asyncio.get_running_loop().call_later(0, analyse, True)
            except RuntimeError:
                pass
            return
        if continued:
            configuration.refresh(ls)
        diagnostics.publish(ls, uri)

    try:
        _pending[uri] = asyncio.get_running_loop().call_later(SETTLE_SECONDS, analyse)
    except RuntimeError:  # no event loop (handlers called directly): analyse now
        analyse()


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if document.uri in ls.store.cells:
            return  # a notebook cell: the notebook handlers own it
        ls.store.open(document.uri, document.version, document.text)
        settle(ls, document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.store.change(uri, params.text_document.version, params.content_changes, ls.encoding) is not None:
            settle(ls, uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in ls.store.cells:
            ls.store.close(uri)
            diagnostics.clear(ls, uri)

    def rebuild_notebook(ls, uri: str, version) -> None:
        # pygls' copy gives the cells' order and kinds; their text is the store's own.
        notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return
        cells = [cell.document for cell in notebook.cells if cell.kind == types.NotebookCellKind.Code]
        ls.store.set_notebook(uri, version, cells)
        for cell_uri in cells:
            settle(ls, cell_uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.store.open_cells(params.cell_text_documents)
        rebuild_notebook(ls, params.notebook_document.uri, params.notebook_document.version)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.store.change_cells(params.change.cells, ls.encoding)
        rebuild_notebook(ls, params.notebook_document.uri, params.notebook_document.version)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls, params: types.DidCloseNotebookDocumentParams) -> None:
        for cell in params.cell_text_documents:
            diagnostics.clear(ls, cell.uri)
        ls.store.close_notebook(params.notebook_document.uri, [cell.uri for cell in params.cell_text_documents])
