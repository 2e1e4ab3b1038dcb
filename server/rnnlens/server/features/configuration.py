"""Settings: from `initializationOptions`, then `workspace/configuration`; re-read on
`workspace/didChangeConfiguration`, after which hints, lenses and diagnostics are refreshed."""

from __future__ import annotations

from lsprotocol import types

from .. import settings as settings_module
from . import diagnostics


def apply(ls, options, refresh_client: bool = True) -> None:
    new, problems = settings_module.parse(options, ls.settings)
    for problem in problems:
        ls.log(problem, "warning")
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=problem))
    if new != ls.settings:
        ls.settings = new
        ls.log(f"settings: {new}", "debug")
        if refresh_client:
            refresh(ls)


def refresh(ls) -> None:
    workspace = ls.client_capabilities.workspace
    if getattr(getattr(workspace, "inlay_hint", None), "refresh_support", False):
        ls.workspace_inlay_hint_refresh(None)
    if getattr(getattr(workspace, "code_lens", None), "refresh_support", False):
        ls.workspace_code_lens_refresh(None)
    if getattr(getattr(workspace, "diagnostics", None), "refresh_support", False):
        ls.workspace_diagnostic_refresh(None)
    notebooks = {cell.notebook for cell in ls.store.cells.values()}
    for uri in [u for u in ls.store.documents if u not in notebooks] + list(ls.store.cells):
        diagnostics.publish(ls, uri)


async def pull(ls) -> None:
    if not ls.client_supports("workspace", "configuration"):
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="rnnlens")]))
    except Exception as error:  # a client that fails the request leaves the settings as they are
        ls.log(f"workspace/configuration failed: {error}", "warning")
        return
    if result:
        apply(ls, result[0])


def register(server) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls, params: types.InitializeParams) -> None:
        # Nothing is shown yet, and the client may not take requests before it has our answer.
        apply(ls, params.initialization_options, refresh_client=False)

    @server.feature(types.INITIALIZED)
    async def initialized(ls, params: types.InitializedParams) -> None:
        await pull(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def changed(ls, params: types.DidChangeConfigurationParams) -> None:
        if ls.client_supports("workspace", "configuration"):
            await pull(ls)
        else:
            apply(ls, params.settings)
