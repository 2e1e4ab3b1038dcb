"""Fixtures of the real-code proof: the CLI's JSON for the corpus, and what the frameworks built."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

import pytest

from rnnlens.cli import main

from .spec import BY_PATH, CORPUS, FILES, JAX_FRAMEWORKS, CorpusFile

TRUTH = Path(__file__).with_name("truth.py")
TIMEOUT = 300
# Two processes (this machine class has two cores): torch and paddle; the JAX-based frameworks.
PROCESSES = (("torch", "paddle"), JAX_FRAMEWORKS)


def check_json(*paths: Any) -> Dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--json", *map(str, paths)])
    assert code == 0, (code, err.getvalue())
    return json.loads(out.getvalue())


@pytest.fixture(scope="session")
def report() -> Dict[str, Dict[str, Any]]:
    """`rnnlens check --json` on the corpus folder, by path relative to it."""
    document = check_json(CORPUS)
    assert document["version"] == 1
    return {Path(record["path"]).resolve().relative_to(CORPUS).as_posix(): record for record in document["files"]}


def site_call(spec: CorpusFile, needle: str) -> str:
    """The source of the outermost call on the site's line (`Seq2Seq(10000, 256, 512, 2)`)."""
    if needle in spec.site_builds:
        return spec.site_builds[needle]
    line = spec.line_of(needle)
    tree = ast.parse(spec.source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.lineno == line]
    call = min(calls, key=lambda node: node.col_offset)
    return spec.site_template.format(call=ast.get_source_segment(spec.source, call))


def builds_of(spec: CorpusFile) -> Dict[str, str]:
    builds = {}
    for needle in spec.sites + spec.optional_sites:
        builds[f"site:{needle}"] = site_call(spec, needle)
    for scope, expressions in spec.defaults.items():
        for index, expression in enumerate(expressions):
            builds[f"defaults:{scope}:{index}"] = expression
    for index, expression in enumerate(spec.probes):
        builds[f"probe:{index}"] = expression
    return builds


def jobs_for(frameworks) -> List[Dict[str, Any]]:
    runs = []
    for spec in FILES:
        if spec.framework not in frameworks:
            continue
        argvs = [("default", spec.argv)] + ([("probe", spec.probe_argv)] if spec.probe_argv is not None else [])
        for kind, argv in argvs:
            runs.append({"framework": spec.framework, "path": str(CORPUS / spec.path), "argv": list(argv),
                         "builds": builds_of(spec), "jax": spec.framework in JAX_FRAMEWORKS, "kind": kind,
                         "file": spec.path})
    return runs


@pytest.fixture(scope="session")
def truth() -> Dict[str, Dict[str, Any]]:
    """What the frameworks built: corpus path → {"default": run, "probe": run}; each run's `builds`
    maps a label (`<import>`, `site:…`, `defaults:Scope:i`, `probe:i`) to its total and layers."""
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", PYTHONWARNINGS="ignore",
               TF_CPP_MIN_LOG_LEVEL="3", GLOG_minloglevel="3")
    processes = []
    with tempfile.TemporaryDirectory() as folder:
        for index, group in enumerate(PROCESSES):
            runs = jobs_for(group)
            if not runs:
                continue
            jobs = Path(folder) / f"jobs{index}.json"
            jobs.write_text(json.dumps({"runs": runs}), encoding="utf-8")
            processes.append((group, runs, subprocess.Popen(
                [sys.executable, str(TRUTH), str(jobs)], cwd=CORPUS, env=env, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)))
        results: Dict[str, Dict[str, Any]] = {}
        for group, runs, process in processes:
            out, err = process.communicate(timeout=TIMEOUT)
            assert process.returncode == 0, f"the {'/'.join(group)} ground-truth process failed:\n{err[-4000:]}"
            for job, result in zip(runs, json.loads(out)["runs"]):
                results.setdefault(job["file"], {})[job["kind"]] = result
    assert set(results) == set(BY_PATH), set(BY_PATH) - set(results)
    return results
