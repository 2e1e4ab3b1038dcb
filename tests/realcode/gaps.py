"""What the real-code proof finds the analysis does not (yet) do right, with the diagnoses.

Each entry is a discrepancy of checks.py — keyed by (corpus file, kind, a text that is on its line, or
is exactly that line) — that test_frameworks.py tolerates, and proves still present with a strict
xfail of its own (so a fix makes it XPASS, and the entry must go). "BUG" marks a wrong number or a
misleading formula; "GAP" something issue 9 asks that is not there.
"""

CELL_BASE = (
    "GAP (PaddleNLP's usual code; two catalog entries away): `nn.RNN(Seq2SeqDecoderCell(…))` with the file's own "
    "`nn.RNNCellBase` subclass: catalog/paddle.py has neither `paddle.nn.RNNCellBase` among its MODEL_BASES (so "
    "the cell, its LSTMCells and its AttentionLayer's Linears are no model) nor `RNN`/`BiRNN` among its "
    "PARAMETER_FREE wrappers (so the `nn.RNN` holding the cell is 'not in the catalog' and the decoder a lower "
    "bound). With both, the analysis (which takes a module handed to a framework layer as registered by it) "
    "makes the site exact — checked against paddle.")

GAPS = {
    ("paddle/seq2seq_attn.py", "site-inexact", "model = Seq2SeqAttnModel("): CELL_BASE,
    ("paddle/seq2seq_attn.py", "as-built-missing", "self.input_proj = nn.Linear("): CELL_BASE,
    ("paddle/seq2seq_attn.py", "as-built-missing", "self.output_proj = nn.Linear("): CELL_BASE,
}
