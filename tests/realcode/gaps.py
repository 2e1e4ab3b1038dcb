"""What the real-code proof finds the analysis does not (yet) do right, with the diagnoses.

Each entry is a discrepancy of checks.py — keyed by (corpus file, kind, a text that is on its line, or
is exactly that line) — that test_frameworks.py tolerates, and proves still present with a strict
xfail of its own (so a fix makes it XPASS, and the entry must go). "BUG" marks a wrong number or a
misleading formula; "GAP" something issue 9 asks that is not there.
"""

CELL_BASE = (
    "GAP (PaddleNLP's usual code): `nn.RNN(Seq2SeqDecoderCell(…))` with the file's own `nn.RNNCellBase` subclass "
    "is 'not in the catalog': `_model_framework` does not take `paddle.nn.RNNCellBase` as a model base, so the "
    "cell's LSTMCells and attention Linears are neither a model nor followed from the site.")

GAPS = {
    ("paddle/seq2seq_attn.py", "site-inexact", "model = Seq2SeqAttnModel("): CELL_BASE,
    ("paddle/seq2seq_attn.py", "as-built-missing", "self.input_proj = nn.Linear("): CELL_BASE,
    ("paddle/seq2seq_attn.py", "as-built-missing", "self.output_proj = nn.Linear("): CELL_BASE,
}
