"""Issue 9's proof: real-code-shaped files (corpus/), ground truth from the real frameworks (truth.py,
spec.py), the comparisons (checks.py), and what is known not to hold yet (gaps.py)."""
