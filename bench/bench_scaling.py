"""5. Scaling: how latency (warm and 25 ms after an edit, whole document) and memory grow with file size
(1k, 10k, 50k lines), and how warm latency changes with 1 vs 50 open documents (49 unrelated ones,
each opened and hinted). RNN Lens and the floor side by side, measured alternately."""

from __future__ import annotations

from common import Context, Table, floor_server, mb, ms, p50, ratio, rnnlens_server
from docs import make_doc, precompute
from bench_latency import EDIT_DELAY, Pair, mismatch_text


def run(ctx: Context) -> None:
    sizes = (1000, 10000) if ctx.quick else (1000, 10000, 50000)  # quick: a smoke test, no 50k file
    warm_reps = {1000: 100, 10000: 50, 50000: 15} if not ctx.quick else {1000: 10, 10000: 5, 50000: 3}
    edit_reps = {1000: 40, 10000: 20, 50000: 8} if not ctx.quick else {1000: 4, 10000: 3, 50000: 2}
    docs = {lines: make_doc(f"scale{lines}", lines, seed=11) for lines in sizes}
    others = [make_doc(f"other{i}", 1000, seed=500 + i, editable=False) for i in range(10 if ctx.quick else 49)]
    ctx.log("scaling: asking RNN Lens for the floor's table…")
    answers = precompute(list(docs.values()) + others)
    for note in answers.unstable:
        ctx.problem(f"RNN Lens's answer changed between identical requests: {note}")
    table_path = answers.write_table(ctx.tmp / "scaling-table.json")

    size_table = Table("Scaling with file size: whole document, ms (p50) and RSS",
                       ["lines", "hints", "rnnlens warm", "floor warm", "ratio", "rnnlens edit+25ms",
                        "floor edit+25ms", "ratio", "rnnlens cold", "rnnlens RSS (MB)", "floor RSS (MB)",
                        "rnnlens per 1k lines"])
    previous = None
    for lines, doc in docs.items():
        ctx.log(f"scaling: {lines:,} lines…")
        with rnnlens_server() as rn, floor_server(table_path) as fl:
            rn.initialize()
            fl.initialize()
            base = {"rnnlens": rn.memory()["VmRSS"], "floor": fl.memory()["VmRSS"]}
            pair = Pair(answers, rn, fl)
            pair.cold(doc, "whole", 1 if lines >= 50000 or ctx.quick else 3)
            uri = doc.uri("main")
            for side in pair.sides.values():
                side.client.open(uri, doc.text)
                side.client.hints(uri, doc.ranges["whole"])
            rss = {"rnnlens": rn.memory()["VmRSS"], "floor": fl.memory()["VmRSS"]}
            pair.warm(doc, uri, "whole", warm_reps[lines])
            pair.edit(doc, uri, "whole", edit_reps[lines], EDIT_DELAY)
            s_rn, s_fl = pair.sides["rnnlens"], pair.sides["floor"]
            flagged = set()
            for side in (s_rn, s_fl):
                for case in side.mismatches:
                    flagged.add(case)
                    ctx.problem(f"scaling {lines:,} lines, {case}: {mismatch_text(side, case)}")
            mark = lambda case: " (MISMATCH)" if case in flagged else ""  # noqa: E731
            warm_rn, warm_fl = p50(s_rn.samples["warm whole"]), p50(s_fl.samples["warm whole"])
            edit_rn, edit_fl = p50(s_rn.samples["edit+25ms whole"]), p50(s_fl.samples["edit+25ms whole"])
            cold_rn = p50(s_rn.samples["cold whole"])
            per_k = warm_rn / (lines / 1000)
            size_table.add(f"{lines:,}", len(answers.expected(doc, "a", "whole")), ms(warm_rn) + mark("warm whole"),
                           ms(warm_fl), ratio(warm_rn / warm_fl), ms(edit_rn) + mark("edit+25ms whole"), ms(edit_fl),
                           ratio(edit_rn / edit_fl), ms(cold_rn) + mark("cold whole"), f"{mb(rss['rnnlens'])} (+{mb(rss['rnnlens'] - base['rnnlens'])})",
                           f"{mb(rss['floor'])} (+{mb(rss['floor'] - base['floor'])})",
                           f"warm {ms(per_k)}, edit {ms(edit_rn / (lines / 1000))}")
            grown = rss["rnnlens"] - base["rnnlens"]
            if previous is not None:
                p_lines, p_warm, p_edit, p_grown = previous
                growth = lines / p_lines
                size_table.notes.append(
                    f"- {p_lines:,} → {lines:,} lines (×{growth:.0f}): warm ×{warm_rn / p_warm:.1f}, "
                    f"edit+25ms ×{edit_rn / p_edit:.1f}, memory growth ×{grown / max(p_grown, 1):.1f} "
                    f"(linear would be ×{growth:.0f}).")
                for what, now, before in (("warm whole-document latency", warm_rn, p_warm),
                                          ("edit+25ms whole-document latency", edit_rn, p_edit),
                                          ("memory growth", grown, p_grown)):
                    goal = ctx.goal("scaling", f"{what}, {p_lines // 1000}k → {lines // 1000}k lines: growth ÷ size "
                                    "growth (linear or better; 20% noise allowance)",
                                    (now / max(before, 1e-9)) / growth, 1.2)
                    if mark("warm whole") or mark("edit+25ms whole"):
                        goal.note = "answers differ"
            previous = (lines, warm_rn, edit_rn, grown)
    size_table.notes.append("- RSS after opening the document and asking for its hints once (growth over the "
                            "freshly initialised server in parentheses).")
    ctx.emit(size_table)

    ctx.log("scaling: open documents…")
    doc = docs[10000]
    open_table = Table("Scaling with open documents: warm inlay hints on the 10,000-line file, ms (p50)",
                       ["open documents", "range", "rnnlens", "floor", "ratio", "rnnlens RSS (MB)"])
    reps = 10 if ctx.quick else 100
    with rnnlens_server() as rn, floor_server(table_path) as fl:
        rn.initialize()
        fl.initialize()
        pair = Pair(answers, rn, fl)
        uri = doc.uri("main")
        for side in pair.sides.values():
            side.client.open(uri, doc.text)
            side.client.hints(uri, doc.ranges["whole"])
        results = {}
        for count in (1, 1 + len(others)):
            if count > 1:
                for other in others:
                    for side in pair.sides.values():
                        side.client.open(other.uri("main"), other.text)
                        side.client.hints(other.uri("main"), other.ranges["whole"])
            for range_name in ("visible", "whole"):
                case = pair.warm(doc, uri, range_name, reps, label=f", {count} open")
                rn_t, fl_t = p50(pair.sides["rnnlens"].samples[case]), p50(pair.sides["floor"].samples[case])
                results[(count, range_name)] = (rn_t, fl_t)
                open_table.add(count, range_name, ms(rn_t), ms(fl_t), ratio(rn_t / fl_t), mb(rn.memory()["VmRSS"]))
        for side in pair.sides.values():
            for case in side.mismatches:
                ctx.problem(f"open documents, {case}: {mismatch_text(side, case)}")
    many = 1 + len(others)
    for range_name in ("visible", "whole"):
        (rn_many, fl_many), (rn_one, fl_one) = results[(many, range_name)], results[(1, range_name)]
        factor = (rn_many / fl_many) / (rn_one / fl_one)  # the floor, measured alongside, cancels drift
        open_table.notes.append(f"- {range_name}: {many} open vs 1 open: rnnlens ×{rn_many / rn_one:.2f}, floor "
                                f"×{fl_many / fl_one:.2f}; ratio to the floor ×{factor:.2f} (flat would be ×1.0).")
        ctx.goal("scaling", f"warm {range_name}, {many} vs 1 open documents, ratio to the floor (flat; 20% noise "
                 "allowance)", factor, 1.2)
    ctx.emit(open_table)
