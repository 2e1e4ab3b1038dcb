"""3. Start-up and memory against the floor: time from spawning the server to its `initialize` response
(median over alternating spawns), and resident memory after opening 100 generated files of 1,000 lines
and asking each for its inlay hints."""

from __future__ import annotations

from common import Context, Table, floor_server, mb, ms, p50, ratio, rnnlens_server
from docs import describe_difference, make_doc, precompute, same_hints


def run(ctx: Context) -> None:
    spawns = 4 if ctx.quick else 12
    ctx.log(f"startup: {spawns} spawns of each…")
    times = {"rnnlens": [], "floor": []}
    start = {"rnnlens": lambda: rnnlens_server(), "floor": lambda: floor_server()}
    for i in range(spawns + 1):  # the first pair warms the file cache and is dropped
        for name in (("rnnlens", "floor") if i % 2 == 0 else ("floor", "rnnlens")):
            with start[name]() as client:
                elapsed = client.initialize()
            if i > 0:
                times[name].append(elapsed)
    rn, fl = p50(times["rnnlens"]), p50(times["floor"])
    table = Table("Start-up and memory: RNN Lens vs the pygls floor",
                  ["measure", "rnnlens", "floor", "ratio", "goal", "verdict"])
    goal = ctx.goal("startup", "time to the initialize response", rn / fl, 1.3)
    table.add(f"spawn → initialize response, median of {spawns} (ms)", ms(rn), ms(fl), ratio(rn / fl), "≤ 1.3×",
              goal.verdict)

    count = 10 if ctx.quick else 100
    ctx.log(f"memory: {count} files of 1,000 lines…")
    docs = [make_doc(f"memory{i}", 1000, seed=300 + i, editable=False) for i in range(count)]
    answers = precompute(docs)
    for note in answers.unstable:
        ctx.problem(f"RNN Lens's answer changed between identical requests: {note}")
    table_path = answers.write_table(ctx.tmp / "memory-table.json")
    with rnnlens_server() as rn_client, floor_server(table_path) as fl_client:
        rn_client.initialize()
        fl_client.initialize()
        before = {"rnnlens": rn_client.memory(), "floor": fl_client.memory()}
        hints = 0
        for doc in docs:
            uri = doc.uri("main")
            expected = answers.expected(doc, "a", "whole")
            hints += len(expected)
            for client in (rn_client, fl_client):
                client.open(uri, doc.text)
                _, result = client.hints(uri, doc.ranges["whole"])
                if not same_hints(result, expected, uri, 1):
                    ctx.problem(f"memory: {client.label} answered {doc.name} differently: "
                                f"{describe_difference(result, expected)}")
        after = {"rnnlens": rn_client.memory(), "floor": fl_client.memory()}
    r = after["rnnlens"]["VmRSS"] / after["floor"]["VmRSS"]
    goal = ctx.goal("startup", f"RSS after {count} open files of 1,000 lines", r, 1.5)
    table.add("RSS after initialize (MB)", mb(before["rnnlens"]["VmRSS"]), mb(before["floor"]["VmRSS"]),
              ratio(before["rnnlens"]["VmRSS"] / before["floor"]["VmRSS"]), "—", "(report)")
    table.add(f"RSS after {count} files × 1,000 lines opened and hinted (MB)", mb(after["rnnlens"]["VmRSS"]),
              mb(after["floor"]["VmRSS"]), ratio(r), "≤ 1.5×", goal.verdict)
    table.add("peak RSS (VmHWM) (MB)", mb(after["rnnlens"]["VmHWM"]), mb(after["floor"]["VmHWM"]),
              ratio(after["rnnlens"]["VmHWM"] / after["floor"]["VmHWM"]), "—", "(report)")
    growth_rn = after["rnnlens"]["VmRSS"] - before["rnnlens"]["VmRSS"]
    growth_fl = after["floor"]["VmRSS"] - before["floor"]["VmRSS"]
    table.add("growth per open file (KB)", f"{growth_rn / count / 1024:,.0f}", f"{growth_fl / count / 1024:,.0f}",
              ratio(growth_rn / growth_fl) if growth_fl > 0 else "—", "—", "(report)")
    table.notes += [
        f"- {hints:,} hints over the {count} files, identical from both servers. The floor holds RNN Lens's answers "
        "for all of them (structured lsprotocol objects), loaded at start; its start-up is measured without a table.",
        "- RSS is VmRSS from /proc/PID/status of the server process.",
    ]
    ctx.emit(table)
