"""The real server as a subprocess, driven with the capabilities of real clients."""

import json
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import pytest_lsp
from lsprotocol import types
from lsprotocol.converters import get_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

CLIENTS = Path(__file__).parent / "clients"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "rnnlens", "serve"])


def capabilities(client: str) -> types.ClientCapabilities:
    recorded = CLIENTS / f"{client}.json"
    if recorded.exists():
        data = json.loads(recorded.read_text())
        return get_converter().structure(data["capabilities"], types.ClientCapabilities)
    return client_capabilities(client)


# VS Code 1.100 (recorded from code-server's real `initialize`), Neovim with inlay hints (UTF-8
# first), and a client without inlay hints.
CLIENT_NAMES = ["vscode_1_100", "neovim@v0.11.0", "neovim@v0.9.1"]


class Session:
    """A started server with helpers to open documents and ask for what an editor asks for."""

    def __init__(self, client: LanguageClient):
        self.client = client
        self.versions: Dict[str, int] = {}

    def configure(self, settings: Dict[str, Any]) -> None:
        """Change the settings as an editor does: store them, then notify the server."""
        self.client.set_configuration(settings, section="rnnlens")
        self.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"rnnlens": settings}))

    @property
    def encoding(self) -> str:
        """The position encoding the server will pick: the client's first offer, else UTF-16."""
        general = self.capabilities.general
        offered = (general.position_encodings or []) if general is not None else []
        return offered[0] if offered else "utf-16"

    @property
    def capabilities(self) -> types.ClientCapabilities:
        return self.client.capabilities

    def open(self, text: str, uri: str = "file:///model.py") -> str:
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return uri

    def edit(self, uri: str, start: tuple, end: tuple, text: str) -> None:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text)]))

    async def hints(self, uri: str, lines: int = 10_000):
        return await self.client.text_document_inlay_hint_async(types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(lines, 0)))) or []

    async def hover(self, uri: str, line: int, character: int) -> Optional[types.Hover]:
        return await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character)))


@pytest_lsp.fixture(config=SERVER, params=CLIENT_NAMES)
async def client(lsp_client: LanguageClient, request):
    @lsp_client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def refresh_hints(params):
        return None

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def refresh_lenses(params):
        return None

    await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities(request.param)))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def session(client: LanguageClient) -> Session:
    return Session(client)
