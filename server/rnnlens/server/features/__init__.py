"""One module per LSP feature; each registers its handlers on the server."""

from . import code_lens, configuration, diagnostics, hover, inlay_hints, sync

MODULES = (configuration, sync, inlay_hints, hover, code_lens, diagnostics)


def register_all(server) -> None:
    for module in MODULES:
        module.register(server)
