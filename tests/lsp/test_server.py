"""End to end: the real `rnnlens serve` subprocess, as VS Code and Neovim drive it."""

import asyncio

import pytest
from lsprotocol import types

TORCH = '''import torch.nn as nn

HIDDEN = 2


class Model(nn.Module):
    def __init__(self):
        self.rnn = nn.LSTM(3, HIDDEN)
        self.bad = nn.LSTM(3, 4, proj_size=4)
'''

UNICODE = 'import torch.nn as nn\nx = "ä😀"; rnn = nn.LSTM(3, 2)\n'


def supports_hints(session) -> bool:
    return session.capabilities.text_document.inlay_hint is not None


async def test_inlay_hint_sits_after_the_call_with_the_count(session):
    uri = session.open(TORCH)
    hints = await session.hints(uri)
    labels = {hint.position.line: hint.label for hint in hints}
    assert labels[7] == "56 params"
    assert hints[0].position.character == len("        self.rnn = nn.LSTM(3, HIDDEN)")
    assert labels[8] == "✗ invalid"


@pytest.mark.parametrize("line", [UNICODE])
async def test_columns_follow_the_negotiated_encoding(session, line):
    uri = session.open(line)
    (hint,) = await session.hints(uri)
    prefix = 'x = "ä😀"; rnn = nn.LSTM(3, 2)'
    expected = {"utf-8": len(prefix.encode("utf-8")), "utf-16": len(prefix.encode("utf-16-le")) // 2,
                "utf-32": len(prefix)}[session.encoding]
    assert (hint.position.line, hint.position.character) == (1, expected)


async def test_tooltip_is_resolved_lazily_or_given_inline(session):
    uri = session.open(TORCH)
    hint = (await session.hints(uri))[0]
    if hint.tooltip is None:
        hint = await session.client.inlay_hint_resolve_async(hint)
    assert "weight_ih_l0" in hint.tooltip.value and "4·(2·3 + 2² + 2·2) = 56" in hint.tooltip.value


async def test_hover_shows_derivation_provenance_and_tensors(session):
    uri = session.open(TORCH)
    hover = await session.hover(uri, 7, 22)
    text = hover.contents.value
    assert "**56 params**" in text
    assert "HIDDEN at line 3" in text
    assert "| `weight_hh_l0` | 8 × 2 | 16 |" in text
    assert hover.range.start == types.Position(7, 19)


async def test_hover_on_a_constant_lists_the_layers_it_sizes(session):
    uri = session.open(TORCH)
    hover = await session.hover(uri, 2, 1)
    assert "LSTM at line 8: 56 params" in hover.contents.value


async def test_code_lens_above_each_model(session):
    uri = session.open(TORCH)
    lenses = await session.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [lens.command.title for lens in lenses] == ["Model: ≥ 56 params"]
    assert lenses[0].range.start.line == 5


async def test_diagnostics_are_pulled_or_pushed_with_the_frameworks_words(session):
    uri = session.open(TORCH)
    if session.capabilities.text_document.diagnostic is not None:
        report = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        items = report.items
    else:
        await session.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        items = session.client.diagnostics[uri]
    (diagnostic,) = items
    assert diagnostic.message == "proj_size has to be smaller than hidden_size"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range.start == types.Position(8, 33)


async def test_settings_change_takes_effect_without_restart(session):
    uri = session.open(TORCH)
    session.configure({"inlayHints": {"style": "detailed"}})
    for _ in range(50):
        hints = await session.hints(uri)
        if hints and "=" in hints[0].label:
            break
        await asyncio.sleep(0.05)
    assert hints[0].label == "56 params = 4·(2·3 + 2² + 2·2)"


async def test_a_bad_setting_falls_back_and_says_so(session):
    uri = session.open(TORCH)
    session.configure({"inlayHints": {"style": "loud"}})
    message = await session.client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert "rnnlens.inlayHints.style = 'loud' is invalid" in message.message
    assert (await session.hints(uri))[0].label == "56 params"


async def test_typing_a_constructor_character_by_character_ends_with_its_hint(session):
    uri = session.open("import torch.nn as nn\n\n")
    typed = "gru = nn.GRU(4, 8)"
    for index, character in enumerate(typed):
        session.edit(uri, (1, index), (1, index), character)
        await session.hints(uri)
    (hint,) = await session.hints(uri)
    assert hint.label == "336 params" and hint.position == types.Position(1, len(typed))


async def test_deleting_a_line_moves_the_hints_up(session):
    uri = session.open(TORCH)
    session.edit(uri, (2, 0), (4, 0), "")
    hints = await session.hints(uri)
    assert hints[0].position.line == 5


async def test_an_unclosed_call_above_keeps_the_hint_below(session):
    uri = session.open(TORCH)
    await session.hints(uri)
    session.edit(uri, (6, 8), (6, 8), "foo(\n        ")
    hints = await session.hints(uri)
    assert any(h.label == "56 params" and h.position.line == 8 for h in hints)


async def test_notebook_cells_share_constants_in_order(session):
    notebook = "file:///analysis.ipynb"
    cells = ["import torch.nn as nn\nHIDDEN = 2\n", "rnn = nn.LSTM(3, HIDDEN)\n"]
    # Real VS Code cell URIs carry a percent-encoded fragment, which pygls stores unquoted.
    cell_uris = [f"vscode-notebook-cell:/analysis.ipynb#W{i}sZmlsZQ%3D%3D" for i in range(len(cells))]
    session.client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(
            uri=notebook, notebook_type="jupyter-notebook", version=1,
            cells=[types.NotebookCell(kind=types.NotebookCellKind.Code, document=u) for u in cell_uris]),
        cell_text_documents=[types.TextDocumentItem(uri=u, language_id="python", version=1, text=t)
                             for u, t in zip(cell_uris, cells)]))
    hints = await session.hints(cell_uris[1])
    assert [(h.position.line, h.position.character, h.label) for h in hints] == [(0, 24, "56 params")]
    assert await session.hints(cell_uris[0]) == []


async def test_requests_for_unknown_documents_get_empty_answers(session):
    assert await session.hints("file:///never-opened.py") == []
    assert await session.hover("file:///never-opened.py", 0, 0) is None
