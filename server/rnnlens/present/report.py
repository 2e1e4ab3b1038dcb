"""The versioned JSON report of `rnnlens check --json`.

Version 1. Adding keys keeps the version; renaming or removing one bumps it (see the README).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..analysis.findings import DocumentAnalysis, Finding, ModelFinding
from ..core import Polynomial
from .labels import not_counted_text, origin_text
from .locate import Locator

VERSION = 1


def _number(value: Optional[Polynomial]) -> Optional[int]:
    return value.value if value is not None and value.is_constant else None


def _dimension(value: Polynomial) -> Any:
    return value.value if value.is_constant else str(value)


def layer_record(finding: Finding, analysis: DocumentAnalysis, locator: Locator) -> Dict[str, Any]:
    count = finding.count
    record: Dict[str, Any] = locator.span(finding.span)
    record.update({
        "framework": finding.framework,
        "layer": finding.layer,
        "params": _number(count.total),
        "trainable_params": _number(count.trainable),
        "formula": count.formula,
        "unknowns": [{"argument": u.argument, "name": u.name, "reason": u.reason} for u in finding.unknowns],
        "tensors": [{"name": t.name, "shape": [_dimension(d) for d in t.shape], "params": _dimension(t.params),
                     "trainable": t.trainable} for t in count.tensors],
        "wrapped_by": None,
        "diagnostics": [dict(locator.span(d.span), severity=d.severity, message=d.message)
                        for d in finding.diagnostics],
        "params_polynomial": None if count.total is None or count.total.is_constant else str(count.total),
        "output_size": None if count.output_size is None else _dimension(count.output_size),
        "macs_per_step": None if count.macs_per_step is None else _dimension(count.macs_per_step),
        "arguments": [{"name": a.name, "value": a.display, "known": a.known,
                       "origins": [origin_text(o, locator.where) for o in a.origins]} for a in finding.arguments],
        "model": finding.model,
        "params_with_defaults": _number(finding.with_defaults.total) if finding.with_defaults else None,
        "defaults": [{"name": a.name, "value": a.display, "origins": [origin_text(o, locator.where) for o in a.origins]}
                     for a in finding.defaults_used],
        "cases": [{"when": label, "params": _number(case.total),
                   "params_polynomial": None if case.total.is_constant else str(case.total)}
                  for label, case in finding.cases],
        "iterations": [{"params": _number(count.total)} for count in finding.iterations],
        "as_built": [dict(_start(locator, instantiation.span), params=_number(count.total))
                     for instantiation, count in analysis.as_built(finding)],
    })
    if finding.namespace:
        record["namespace"] = finding.namespace
    if finding.wrapped_by is not None:
        record["wrapped_by"] = _start(locator, analysis.finding(finding.wrapped_by).span)
    return record


def _start(locator: Locator, span) -> Dict[str, Any]:
    """Where something starts, as the JSON gives it: `line`, `column` (and `cell` in a notebook)."""
    located = locator.span(span)
    return {key: located[key] for key in ("cell", "line", "column") if key in located}


def model_record(model: ModelFinding, locator: Locator) -> Dict[str, Any]:
    record: Dict[str, Any] = {"name": model.name}
    record.update(_start(locator, model.span))
    record.update({
        "kind": model.kind,
        "framework": model.framework,
        "params": _number(model.total) if model.status != "unknown" else None,
        "trainable_params": _number(model.trainable) if model.status != "unknown" else None,
        "status": model.status,
        "not_counted": [not_counted_text(item, locator.where) for item in model.not_counted],
        "params_polynomial": None if model.total is None or model.total.is_constant else str(model.total),
    })
    return record


def file_record(path: str, analysis: DocumentAnalysis, locator: Locator) -> Dict[str, Any]:
    layers = [layer_record(f, analysis, locator) for f in analysis.findings]
    diagnostics: List[Dict[str, Any]] = [
        dict(d, layer=layer["layer"]) for layer in layers for d in layer["diagnostics"]
    ]
    instantiations = [dict(locator.span(i.span), model=i.model, params=_number(i.total) if i.status != "unknown"
                           else None, status=i.status, uses_defaults=i.uses_defaults,
                           params_polynomial=None if i.total is None or i.total.is_constant else str(i.total))
                      for i in analysis.instantiations]
    return {"path": path, "layers": layers, "models": [model_record(m, locator) for m in analysis.models],
            "instantiations": instantiations, "diagnostics": diagnostics}


def document(files: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"version": VERSION, "files": files}
