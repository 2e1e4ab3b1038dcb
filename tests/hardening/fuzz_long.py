"""The long fuzzing run of issue 8: ≥ 100,000 documents through the analysis and ≥ 10,000 malformed or
out-of-order LSP messages through the running server, with the same checks as the CI slice
(test_fuzz.py) on every case. Not part of `pytest`: run it by hand.

    .venv/bin/python -m tests.hardening.fuzz_long                       # the full run (≈ 20 min, 2 cores)
    .venv/bin/python -m tests.hardening.fuzz_long --documents 2000 --messages 500   # a quick one
    .venv/bin/python -m tests.hardening.fuzz_long --replay 12345        # one analysis case, verbosely

Every case is seeded (`--seed`, then the case number), so any failure can be replayed. Failures
already diagnosed (fuzzing.KNOWN_BUGS, each proven by a strict-xfail test) are counted apart from new
ones; the exit code is 1 when there is a new one. `--report FILE` writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
from collections import Counter
from typing import Any, Dict, List

from .fuzzing import (CaseFailure, ServerCase, check_cache_is_transparent, check_document, check_neutral_edit,
                      known_bug, mutated, program)
from .rpc import RawServer
from .sources import seeds

KINDS = ("mutated seed", "generated program", "neutral edit of a seed", "neutral edit of a program")


def _document_case(index: int, seed: int, sources: Dict[str, bytes], names: List[str]) -> str:
    """Run analysis case `index`; return its kind (raises CaseFailure)."""
    r = random.Random(seed * 1_000_003 + index)
    kind = KINDS[[0, 0, 0, 1, 1, 1, 2, 3][index % 8]]
    if kind == "mutated seed":
        name = names[r.randrange(len(names))]
        data = mutated(sources[name], r)
        check_document(data)
        check_cache_is_transparent(sources[name], data)
    elif kind == "generated program":
        check_document(program(r))
    elif kind == "neutral edit of a seed":
        data = sources[names[r.randrange(len(names))]]
        for serial in range(r.randint(1, 4)):
            check_neutral_edit(data, r, serial)
    else:
        data = program(r)
        check_document(data)
        check_neutral_edit(data, r, 0)
    return kind


def _document_chunk(arguments) -> Dict[str, Any]:
    start, stop, seed = arguments
    sources = seeds()
    names = sorted(sources)
    tried, known, new = Counter(), Counter(), []
    for index in range(start, stop):
        try:
            tried[_document_case(index, seed, sources, names)] += 1
        except CaseFailure as failure:
            tried["failed"] += 1
            bug = known_bug(failure)
            if bug is not None:
                known[bug] += 1
            elif len(new) < 50:
                new.append({"case": index, "kind": failure.kind, "where": failure.where, "detail": failure.detail[:400],
                            "document": failure.document[:2000].decode("utf-8", "replace")})
            else:
                new.append({"case": index, "kind": failure.kind})
    return {"tried": dict(tried), "known": dict(known), "new": new}


def run_documents(count: int, seed: int, workers: int) -> Dict[str, Any]:
    chunk = 500
    jobs = [(start, min(start + chunk, count), seed) for start in range(0, count, chunk)]
    tried, known, new = Counter(), Counter(), []
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for done, result in enumerate(pool.imap_unordered(_document_chunk, jobs), 1):
            tried.update(result["tried"])
            known.update(result["known"])
            new += result["new"]
            if done % 20 == 0 or done == len(jobs):
                print(f"  documents: {sum(v for k, v in tried.items() if k != 'failed'):,} + {tried['failed']} failed"
                      f" / {count:,}  ({time.monotonic() - started:.0f} s)", flush=True)
    return {"tried": dict(tried), "documents": sum(v for k, v in tried.items() if k != "failed") + tried["failed"],
            "known": dict(known), "new": new, "seconds": round(time.monotonic() - started, 1)}


def run_server(messages: int, documents: int, seed: int) -> Dict[str, Any]:
    """Messages in batches of 100 (each followed by a fresh request that must be answered right),
    fuzzed documents opened fresh, and random edit sessions; the server restarts if it dies."""
    sources = seeds()
    names = sorted(sources)
    r = random.Random(seed)
    known, new = Counter(), []
    started = time.monotonic()
    counts = Counter()
    server = RawServer()
    server.initialize(r.choice(["utf-8", "utf-16", "utf-32"]))
    case = ServerCase(server)

    def record(failure: Exception, what: str) -> None:
        bug = known_bug(failure) if isinstance(failure, CaseFailure) else None
        if bug is not None:
            known[bug] += 1
        else:
            record_ = {"what": what, "failure": f"{type(failure).__name__}: {str(failure)[:400]}",
                       "encoding": case.server.encoding}
            if isinstance(failure, CaseFailure) and failure.document:
                record_["document"] = failure.document[:3000].decode("utf-8", "replace")
            new.append(record_)

    batches = 0
    while case.sent < messages or counts["documents"] < documents:
        batches += 1
        try:
            if case.sent < messages:
                case.check_messages(random.Random(r.randrange(10**9)), 100)
            for _ in range(10):
                if counts["documents"] >= documents:
                    break
                rr = random.Random(r.randrange(10**9))
                data = program(rr) if rr.random() < 0.4 else mutated(sources[names[rr.randrange(len(names))]], rr)
                counts["documents"] += 1
                try:
                    case.check_fresh_document(data, rr)
                except CaseFailure as failure:
                    if failure.kind == "no response":
                        raise
                    record(failure, "document")
            if batches % 3 == 0:
                rr = random.Random(r.randrange(10**9))
                counts["edit sessions"] += 1
                try:
                    case.check_edit_session(sources[names[rr.randrange(len(names))]], rr, 20)
                except CaseFailure as failure:
                    if failure.kind == "no response":
                        raise
                    record(failure, "edit session")
            case.server.assert_healthy()
        except Exception as failure:  # noqa: BLE001 — a dead or silent server is the finding; go on
            record(failure, f"batch {batches}")
            if not case.server.alive or not isinstance(failure, CaseFailure) or failure.kind == "no response":
                sent = case.sent
                case.server.kill()
                server = RawServer()
                server.initialize(r.choice(["utf-8", "utf-16", "utf-32"]))
                case = ServerCase(server)
                case.sent = sent
                counts["restarts"] += 1
        if batches % 10 == 0:
            print(f"  server: {case.sent:,} messages, {counts['documents']:,} documents, "
                  f"{counts['edit sessions']} edit sessions ({time.monotonic() - started:.0f} s)", flush=True)
    rss = case.server.rss()
    case.server.kill()
    return {"messages": case.sent, **counts, "known": dict(known), "new": new, "server_rss_mb": round(rss / 1e6),
            "seconds": round(time.monotonic() - started, 1)}


def replay(index: int, seed: int) -> int:
    sources = seeds()
    try:
        kind = _document_case(index, seed, sources, sorted(sources))
        print(f"case {index} ({kind}): passed")
        return 0
    except CaseFailure as failure:
        print(f"case {index}: {failure}\nknown: {known_bug(failure)}\n--- document ---")
        print(failure.document.decode("utf-8", "replace"))
        return 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.hardening.fuzz_long", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000, help="documents through the analysis")
    parser.add_argument("--messages", type=int, default=10_000, help="malformed/out-of-order LSP messages")
    parser.add_argument("--server-documents", type=int, default=2_000, help="fuzzed documents through the server")
    parser.add_argument("--workers", type=int, default=max(1, min(2, multiprocessing.cpu_count())))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", help="write the figures to this JSON file")
    parser.add_argument("--replay", type=int, help="run one analysis case by number, verbosely")
    parser.add_argument("--server-only", action="store_true", help="skip the documents through the analysis")
    arguments = parser.parse_args(argv)
    if arguments.replay is not None:
        return replay(arguments.replay, arguments.seed)
    print(f"analysis: {arguments.documents:,} documents on {arguments.workers} workers", flush=True)
    documents = run_documents(0 if arguments.server_only else arguments.documents, arguments.seed, arguments.workers)
    print(f"server: {arguments.messages:,} messages, {arguments.server_documents:,} documents", flush=True)
    server = run_server(arguments.messages, arguments.server_documents, arguments.seed)
    report = {"seed": arguments.seed, "analysis": documents, "server": server}
    print(json.dumps({"analysis": {k: v for k, v in documents.items() if k != "new"},
                      "server": {k: v for k, v in server.items() if k != "new"}}, indent=2))
    for failure in (documents["new"] + server["new"])[:20]:
        print("NEW:", json.dumps(failure)[:600])
    if arguments.report:
        with open(arguments.report, "w") as stream:
            json.dump(report, stream, indent=2)
    return 1 if documents["new"] or server["new"] else 0


if __name__ == "__main__":
    sys.exit(main())
