"""The floor: what any pygls 2 language server pays to answer RNN Lens's requests with RNN Lens's payload.

A plain pygls `LanguageServer` with the same (incremental) text sync: pygls' workspace applies every
didOpen/didChange as it would in any pygls server. Its `textDocument/inlayHint` returns, from a table
precomputed by the harness from RNN Lens's own answers, exactly the hints RNN Lens returns for that
document and range; its hover returns the same markdown. So the difference between the two servers is
RNN Lens's analysis and presentation, not JSON volume, framing or pygls' dispatch.

    python bench/floor_server.py [TABLE.json]

The table (written by bench/run.py) maps a document name — the URI is `file:///bench/<name>/<tag>.py` —
to `{"probe": [offset, length] | null, "variants": {probe text: {"hints": {"sl,sc,el,ec": [...]},
"hover": {"line,character": {...} | null}}}}`. The probe is where the benchmark's one-character edits
happen: the text found there in the live document says which precomputed version is open. Hints carry
the resolve data RNN Lens puts in them (`uri`, `version`, `index`); the floor stamps the live URI and
version into them when the document's version changes, as RNN Lens does.
"""

from __future__ import annotations

import json
import sys
from typing import Dict, List, Optional, Tuple

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer

RangeKey = Tuple[int, int, int, int]


class Hints:
    __slots__ = ("hints", "stamp")

    def __init__(self, hints: List[types.InlayHint]):
        self.hints = hints
        self.stamp: Optional[Tuple[str, Optional[int]]] = None

    def for_document(self, uri: str, version: Optional[int]) -> List[types.InlayHint]:
        if self.stamp != (uri, version):
            for hint in self.hints:
                if isinstance(hint.data, dict):
                    hint.data["uri"] = uri
                    hint.data["version"] = version
            self.stamp = (uri, version)
        return self.hints


class Variant:
    __slots__ = ("hints", "hovers")

    def __init__(self, hints: Dict[RangeKey, Hints], hovers: Dict[Tuple[int, int], Optional[types.Hover]]):
        self.hints = hints
        self.hovers = hovers


class Entry:
    __slots__ = ("probe", "variants")

    def __init__(self, probe: Optional[Tuple[int, int]], variants: Dict[str, Variant]):
        self.probe = probe
        self.variants = variants

    def variant(self, source: str) -> Optional[Variant]:
        if self.probe is None:
            return self.variants.get("")
        offset, length = self.probe
        return self.variants.get(source[offset:offset + length])


def load(path: str) -> Dict[str, Entry]:
    """The table, structured into lsprotocol objects once, at start-up (not per request)."""
    converter = get_converter()
    with open(path, encoding="utf-8") as stream:
        raw = json.load(stream)
    table = {}
    for name, entry in raw.items():
        variants = {}
        for probe_text, variant in entry["variants"].items():
            hints = {tuple(int(n) for n in key.split(",")): Hints(converter.structure(value, List[types.InlayHint]))
                     for key, value in variant["hints"].items()}
            hovers = {tuple(int(n) for n in key.split(",")):
                      (None if value is None else converter.structure(value, types.Hover))
                      for key, value in variant.get("hover", {}).items()}
            variants[probe_text] = Variant(hints, hovers)
        probe = entry.get("probe")
        table[name] = Entry(tuple(probe) if probe is not None else None, variants)
    return table


TABLE: Dict[str, Entry] = {}
server = LanguageServer("rnnlens-floor", "1", text_document_sync_kind=types.TextDocumentSyncKind.Incremental)


def _variant(ls, uri: str):
    document = ls.workspace.get_text_document(uri)
    entry = TABLE.get(uri.rsplit("/", 2)[-2])
    return document, (entry.variant(document.source) if entry is not None else None)


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=True))
def inlay_hints(ls, params: types.InlayHintParams) -> Optional[List[types.InlayHint]]:
    document, variant = _variant(ls, params.text_document.uri)
    if variant is None:
        return []
    r = params.range
    hints = variant.hints.get((r.start.line, r.start.character, r.end.line, r.end.character))
    return [] if hints is None else hints.for_document(params.text_document.uri, document.version)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls, params: types.HoverParams) -> Optional[types.Hover]:
    _, variant = _variant(ls, params.text_document.uri)
    if variant is None:
        return None
    return variant.hovers.get((params.position.line, params.position.character))


def main() -> None:
    if len(sys.argv) > 1:
        TABLE.update(load(sys.argv[1]))
    server.start_io()


if __name__ == "__main__":
    main()
