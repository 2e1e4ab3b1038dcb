"""The document store bounds memory: analyses of documents not used lately are dropped and made
again on the next request, with the same result; so is the carrying over of findings across an edit
that breaks the text."""

from __future__ import annotations

from lsprotocol import types

from rnnlens.present.labels import COMPACT, hint_label
from rnnlens.server import documents
from rnnlens.server.documents import DocumentStore

FRAMEWORKS = ("torch", "keras", "flax", "equinox", "haiku", "paddle")
SOURCE = "import torch.nn as nn\n\nH = 8\n\nclass M(nn.Module):\n    def __init__(self):\n" \
         "        super().__init__()\n        self.rnn = nn.LSTM(4, H)\n        self.gru = nn.GRU(H, 3)\n"


def _hints(analysis):
    return [(f.span.start_byte, f.span.end_byte, hint_label(f, COMPACT)) for f in analysis.findings]


def _edit(store, uri, version, line, start, end, text):
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end)),
        text=text)
    return store.change(uri, version, [change], "utf-16")


def test_analyses_of_documents_not_used_lately_are_dropped_and_made_again(monkeypatch):
    monkeypatch.setattr(documents, "ANALYSED_SOURCE_BYTES", 1)
    monkeypatch.setattr(documents, "MIN_ANALYSED", 2)
    store = DocumentStore()
    first = {}
    for i in range(6):
        uri = f"file:///m{i}.py"
        store.open(uri, 1, SOURCE.replace("H = 8", f"H = {i + 1}"))
        first[uri] = _hints(store.get(uri).analysis(FRAMEWORKS))
    remembering = [uri for uri, document in store.documents.items() if document.remembers]
    assert remembering == ["file:///m3.py", "file:///m4.py", "file:///m5.py"]  # the last one analysed since
    for uri, hints in first.items():
        assert _hints(store.get(uri).analysis(FRAMEWORKS)) == hints


def test_a_forgotten_analysis_still_carries_findings_over_broken_text():
    store = DocumentStore()
    uri = "file:///m.py"
    store.open(uri, 1, SOURCE)
    kept = _hints(store.get(uri).analysis(FRAMEWORKS))
    other = "file:///o.py"
    store.open(other, 1, SOURCE)
    remembered = DocumentStore()
    remembered.open(uri, 1, SOURCE)
    remembered.get(uri).analysis(FRAMEWORKS)
    assert store.get(uri).forget()
    for each in (store, remembered):
        _edit(each, uri, 2, 7, 8, 8, "foo(\n        ")  # an unclosed call above the LSTM
    broken = _hints(store.get(uri).analysis(FRAMEWORKS))
    assert broken == _hints(remembered.get(uri).analysis(FRAMEWORKS))
    assert kept[0][2] in [label for _, _, label in broken]  # carried over


def test_the_server_collects_in_full_and_freezes_when_documents_stop_changing():
    import asyncio
    import gc

    collector = documents.GarbageCollector()
    collector.changed()  # not enabled (the CLI, the tests): Python's own collections
    assert collector._timer is None
    try:
        collector.enable()
        assert gc.get_freeze_count() > 0

        async def edits():
            for _ in range(3):
                collector.changed()
                await asyncio.sleep(0)
            assert collector._timer is not None
            gc.unfreeze()
            await asyncio.sleep(collector.IDLE_SECONDS + 0.2)

        asyncio.run(edits())
        assert collector._timer is None and gc.get_freeze_count() > 0  # collected and frozen again
    finally:
        gc.unfreeze()
