"""Diagnostics for configurations the framework would reject or warn about: pulled
(`textDocument/diagnostic`) by clients that support it, pushed to the others."""

from __future__ import annotations

from typing import List

from lsprotocol import types

SEVERITIES = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


def diagnostics_for(ls, uri: str) -> List[types.Diagnostic]:
    view = ls.view(uri)
    if view is None:
        return []
    items = []
    for finding in view.analysis.findings_with_diagnostics():
        for diagnostic in finding.diagnostics:
            if view.contains(diagnostic.span.start_byte, diagnostic.span.end_byte):
                items.append(types.Diagnostic(
                    range=view.range(diagnostic.span.start_byte, diagnostic.span.end_byte),
                    message=diagnostic.message, severity=SEVERITIES[diagnostic.severity], source="rnnlens",
                    code=f"{finding.framework}.{finding.layer}"))
    return items


def _pushes(ls) -> bool:
    return not ls.client_supports("text_document", "diagnostic")


def publish(ls, uri: str) -> None:
    if _pushes(ls):
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics_for(ls, uri)))


def clear(ls, uri: str) -> None:
    if _pushes(ls):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(inter_file_dependencies=False, workspace_diagnostics=False,
                                            identifier="rnnlens"))
    def pull(ls, params: types.DocumentDiagnosticParams) -> types.RelatedFullDocumentDiagnosticReport:
        return types.RelatedFullDocumentDiagnosticReport(items=diagnostics_for(ls, params.text_document.uri))
