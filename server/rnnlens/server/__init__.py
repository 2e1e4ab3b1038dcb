"""The language server: `rnnlens serve`. A thin presenter over the analysis."""

from __future__ import annotations

from .app import RnnLensServer
from .features import register_all


def create_server() -> RnnLensServer:
    server = RnnLensServer()
    register_all(server)
    return server


def serve(arguments) -> int:
    server = create_server()
    if getattr(arguments, "tcp", False):
        server.start_tcp(arguments.host, arguments.port)
    else:
        server.start_io()
    return server.exit_code
