"""What the real-code proof finds the analysis does not (yet) do right, with the diagnoses.

Each entry is a discrepancy of checks.py — keyed by (corpus file, kind, a text that is on its line, or
is exactly that line) — that test_frameworks.py tolerates, and proves still present with a strict
xfail of its own (so a fix makes it XPASS, and the entry must go). "BUG" marks a wrong number or a
misleading formula; "GAP" something issue 9 asks that is not there.
"""

GAPS: dict = {}
