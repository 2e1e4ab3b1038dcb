"""Fixtures of the hardening suite: raw server subprocesses (fresh, uninitialised, one per encoding)."""

from __future__ import annotations

import pytest

from .rpc import RawServer


@pytest.fixture
def raw_server():
    """A fresh, initialised server (UTF-16) for a test that may leave it in any state."""
    server = RawServer()
    server.initialize()
    yield server
    server.kill()


@pytest.fixture
def uninitialised_server():
    server = RawServer()
    yield server
    server.kill()


@pytest.fixture(scope="module", params=["utf-8", "utf-16", "utf-32"])
def encoded_server(request):
    """One server per position encoding, shared by a module's tests (they use distinct URIs)."""
    server = RawServer()
    server.initialize(request.param)
    assert server.encoding == request.param
    yield server
    server.kill()
