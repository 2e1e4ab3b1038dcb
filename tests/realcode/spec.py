"""What the real frameworks are asked to build for each corpus file.

Nothing here states a parameter count: every number the tests compare with comes from a framework
building these expressions (see truth.py). What is written by hand is only *which* objects to build:

- `sites`: lines (found by a unique text on them) where the file builds one of its models with
  known values — the analysis must report an instantiation there (`instantiations` in the JSON).
  `optional_sites` may be reported (their values are not all known statically); if they are, they are
  checked like the others. The ground truth of a site is its own call, evaluated in the file's
  namespace (`{call}` in `measure`, the file's `site_template`, for frameworks that count parameters
  only once the model runs).
- `defaults`: for each class or function of the file, expressions that build it with the defaults of
  its signature, passing only the parameters without one — with two *different* values for those, so
  that a layer whose count moves with them is seen to depend on them. `<module>` is the file run
  with no command-line flags: argparse defaults.
- `probes`: builds with values other than the defaults, and `probe_argv`: the script run with other
  command-line flags. A count that changes there was never statically known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

CORPUS = Path(__file__).resolve().parent / "corpus"
JAX_FRAMEWORKS = ("keras", "linen", "nnx", "equinox", "haiku")


@dataclass(frozen=True)
class CorpusFile:
    path: str
    framework: str  # truth.py's adapter: torch, paddle, keras, linen, nnx, equinox, haiku
    sites: Tuple[str, ...] = ()
    optional_sites: Tuple[str, ...] = ()
    site_template: str = "{call}"
    site_builds: Dict[str, str] = field(default_factory=dict)  # site text → its own build expression
    defaults: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    probes: Tuple[str, ...] = ()
    argv: Tuple[str, ...] = ()
    probe_argv: Optional[Tuple[str, ...]] = None

    @property
    def source(self) -> str:
        return (CORPUS / self.path).read_text(encoding="utf-8")

    def line_of(self, needle: str) -> int:
        """The line a text is on: the one line containing it, or the one line that is exactly it."""
        texts = self.source.splitlines()
        lines = [number for number, text in enumerate(texts, 1) if needle in text]
        if len(lines) > 1:
            lines = [number for number in lines if texts[number - 1].strip() == needle.strip()]
        if len(lines) != 1:
            raise LookupError(f"{self.path}: {needle!r} is on lines {lines}, not on exactly one")
        return lines[0]

    def matches(self, needle: str, line: int) -> bool:
        return self.line_of(needle) == line


def _twice(template: str, *pairs: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(template.format(*pair) for pair in pairs)


TOKENS = "np.zeros((1, 7), 'int32')"
JTOKENS = "jnp.zeros((2, 7), jnp.int32)"

FILES = (
    # -- PyTorch ---------------------------------------------------------------------------------
    CorpusFile(
        "torch/translator.py", "torch",
        sites=("model = Seq2Seq(10000", "small = Seq2Seq(", "default_size = Seq2Seq("),
        defaults={
            "Encoder": ("Encoder(100, 8, 16)", "Encoder(300, 24, 40)"),
            "Attention": ("Attention(12, 10)", "Attention(20, 30)"),
            "Decoder": ("Decoder(100, 8, 16)", "Decoder(300, 24, 40)"),
            "Seq2Seq": ("Seq2Seq(1000)", "Seq2Seq(3000)"),
        },
        probes=("Encoder(50, 6, 10, num_layers=3, bidirectional=True)",
                "Decoder(50, 6, 10, num_layers=2, enc_directions=1)",
                "Seq2Seq(500, emb_dim=10, hidden_dim=12, num_layers=3, bidirectional=False)"),
    ),
    CorpusFile(
        "torch/bentrevett_seq2seq.py", "torch",
        sites=("enc = Encoder(", "dec = Decoder(", "model = Seq2Seq(enc, dec, device)"),
        defaults={
            "Encoder": ("Encoder(100, 8, 16, 2, 0.1)", "Encoder(300, 24, 40, 3, 0.1)"),
            "Decoder": ("Decoder(100, 8, 16, 2, 0.1)", "Decoder(300, 24, 40, 3, 0.1)"),
        },
    ),
    CorpusFile(
        "torch/word_language_model.py", "torch",
        sites=("medium = RNNModel(", "gru = RNNModel(", "relu = RNNModel(", "tied = RNNModel("),
        optional_sites=("model = RNNModel(args.model",),
        defaults={"RNNModel": ("RNNModel('LSTM', 100, 8, 16, 2)", "RNNModel('GRU', 300, 24, 40, 1)",
                               "RNNModel('RNN_TANH', 200, 12, 20, 3)")},
        probe_argv=("--model", "GRU", "--emsize", "64", "--nhid", "96", "--nlayers", "3"),
    ),
    CorpusFile(
        "torch/char_rnn.py", "torch",
        sites=("fixed = CharRNN(",),
        optional_sites=("decoder = CharRNN(",),
        defaults={"CharRNN": ("CharRNN(10, 16, 10)", "CharRNN(20, 24, 30)")},
        probes=("CharRNN(12, 20, 12, model='lstm', n_layers=2)",),
        argv=("input.txt",),
        probe_argv=("input.txt", "--model", "lstm", "--hidden_size", "64", "--n_layers", "3"),
    ),
    CorpusFile(
        "torch/train_lstm.py", "torch",
        sites=("classifier = SentenceClassifier()",),
        optional_sites=("acoustic = AcousticModel()", "model = AcousticModel(num_phones=48)"),
        site_builds={"model = AcousticModel(num_phones=48)": "main()"},
        defaults={"SentenceClassifier": ("SentenceClassifier()",), "AcousticModel": ("AcousticModel()",),
                  "main": ("main()",)},
        probe_argv=("--input_dim", "13", "--hidden_dim", "64", "--num_layers", "1", "--proj_size", "16",
                    "--bidirectional"),
    ),
    CorpusFile(
        "torch/stacked_cells.py", "torch",
        sites=("stack = StackedLSTM(", "fixed = FixedStack()", "encoder = BiGRUEncoder()", "wide = BiGRUEncoder(",
               "residual = ResidualGRU()", "listener = PyramidalListener()", "rnn = RNN(32, 64)", "deep = RNN("),
        defaults={
            "StackedLSTM": ("StackedLSTM(8, 16)", "StackedLSTM(24, 40)"),
            "FixedStack": ("FixedStack()",),
            "ResidualGRU": ("ResidualGRU()",),
            "PyramidalListener": ("PyramidalListener()",),
            "RecurrentBase": ("RecurrentBase(8, 16)", "RecurrentBase(24, 40)"),
            "BiGRUEncoder": ("BiGRUEncoder()",),
            "RNN": ("RNN(8, 16)", "RNN(24, 40)"),
        },
        probes=("StackedLSTM(10, 20, num_layers=4)", "ResidualGRU(16, 32, 2)",
                "RecurrentBase(5, 7, bidirectional=True)", "BiGRUEncoder(hidden=24)", "RNN(3, 5, layers=2)"),
    ),
    CorpusFile(
        "torch/fairseq_style.py", "torch",
        sites=("encoder = LSTMEncoder(", "decoder = LSTMDecoder(", "summarizer = build_summarizer()",
               "larger = build_summarizer("),
        defaults={
            "Embedding": ("Embedding(10, 4, 1)", "Embedding(30, 8, 0)"),
            "LSTM": ("LSTM(8, 16)", "LSTM(24, 40)"),
            "LSTMCell": ("LSTMCell(8, 16)", "LSTMCell(24, 40)"),
            "Linear": ("Linear(8, 16)", "Linear(24, 40)"),
            "LSTMEncoder": ("LSTMEncoder(100)", "LSTMEncoder(300)"),
            "LSTMDecoder": ("LSTMDecoder(100)", "LSTMDecoder(300)"),
            "Summarizer": ("Summarizer(100)", "Summarizer(300)"),
            "build_summarizer": ("build_summarizer()",),
        },
        probes=("LSTMEncoder(50, embed_dim=6, hidden_size=10, num_layers=3, bidirectional=True)",
                "LSTMDecoder(50, embed_dim=6, hidden_size=10, num_layers=3, encoder_output_units=20)",
                "Linear(5, 7, bias=False)", "build_summarizer(hidden=20, vocab_size=30)"),
    ),
    CorpusFile(
        "torch/config_dataclass.py", "torch",
        sites=("model = LanguageModel(config)", "baseline = LanguageModel(", "tiny = LanguageModel("),
        defaults={"LanguageModel": ("LanguageModel(ModelConfig())",)},
        probes=("LanguageModel(ModelConfig(vocab_size=50, embed_dim=12, hidden_size=40, num_layers=3))",),
    ),
    # -- Keras -----------------------------------------------------------------------------------
    CorpusFile(
        "keras/text_generation.py", "keras",
        sites=("model = MyModel(",),
        site_template="measure({call}, " + TOKENS + ")",
        defaults={"MyModel": _twice("measure(MyModel({}, {}, {}), " + TOKENS + ")", ("10", "4", "8"),
                                    ("20", "6", "12"))},
    ),
    CorpusFile(
        "keras/imdb_bilstm.py", "keras",
        sites=("model = build_model()", "wide = build_model(", "sentiment = SentimentModel("),
        site_builds={"sentiment = SentimentModel(": "measure(SentimentModel(max_features), " + TOKENS + ")"},
        defaults={"build_model": ("build_model()",),
                  "SentimentModel": _twice("measure(SentimentModel({}), " + TOKENS + ")", ("100",), ("300",))},
        probes=("build_model(embed_dim=12, lstm_units=20)",
                "measure(SentimentModel(50, embedding_dim=6, rnn_units=10), " + TOKENS + ")"),
    ),
    CorpusFile(
        "keras/argparse_sequential.py", "keras",
        probe_argv=("--timesteps", "20", "--features", "3", "--units", "16", "--classes", "4"),
    ),
    # -- PaddlePaddle ----------------------------------------------------------------------------
    CorpusFile(
        "paddle/seq2seq_attn.py", "paddle",
        sites=("model = Seq2SeqAttnModel(", "encoder = Seq2SeqEncoder(8000"),
        defaults={
            "Seq2SeqEncoder": ("Seq2SeqEncoder(100, 8, 16, 1)", "Seq2SeqEncoder(300, 24, 40, 2)"),
            "AttentionLayer": ("AttentionLayer(16)", "AttentionLayer(40)"),
            "Seq2SeqDecoderCell": ("Seq2SeqDecoderCell(2, 8, 16)", "Seq2SeqDecoderCell(3, 24, 40)"),
            "Seq2SeqDecoder": ("Seq2SeqDecoder(100, 8, 16, 2)", "Seq2SeqDecoder(300, 24, 40, 1)"),
            "Seq2SeqAttnModel": ("Seq2SeqAttnModel(100, 120, 8, 16, 1)", "Seq2SeqAttnModel(300, 320, 24, 40, 2)"),
        },
        probes=("AttentionLayer(12, bias=True)",),
    ),
    CorpusFile(
        "paddle/sentiment_lstm.py", "paddle",
        optional_sites=('model = LSTMModel(vocab_size, num_classes, direction="bidirect"',
                        "model = LSTMModel(vocab_size, num_classes, lstm_hidden_size",
                        "model = GRUModel("),
        defaults={
            "LSTMEncoder": ("LSTMEncoder(8, 16)", "LSTMEncoder(24, 40)"),
            "LSTMModel": ("LSTMModel(100, 2)", "LSTMModel(300, 5)"),
            "GRUModel": ("GRUModel(100, 2)", "GRUModel(300, 5)"),
        },
        probes=("LSTMModel(50, 3, emb_dim=6, lstm_hidden_size=10, direction='bidirect', lstm_layers=2)",
                "GRUModel(50, 3, emb_dim=6, gru_hidden_size=10, gru_layers=2)"),
        probe_argv=("--network", "gru", "--hidden_size", "64"),
    ),
    # -- Flax ------------------------------------------------------------------------------------
    CorpusFile(
        "flax/linen_lm.py", "linen",
        sites=("model = LSTMLanguageModel(",),
        optional_sites=("tagger = BiGRUTagger(", "encoder = Seq2SeqEncoder()"),
        site_builds={
            "model = LSTMLanguageModel(": "measure(LSTMLanguageModel(vocab_size=1000, hidden_size=64), " + JTOKENS + ")",
            "tagger = BiGRUTagger(": "measure(BiGRUTagger(num_tags=9), jnp.zeros((1, 5, 16)))",
            "encoder = Seq2SeqEncoder()": "measure(Seq2SeqEncoder(), jnp.zeros((1, 5, 12)))",
        },
        defaults={
            "LSTMLanguageModel": _twice("measure(LSTMLanguageModel({}), " + JTOKENS + ")", ("100",), ("300",)),
            "BiGRUTagger": ("measure(BiGRUTagger(3), jnp.zeros((1, 5, 16)))",
                            "measure(BiGRUTagger(7), jnp.zeros((1, 5, 24)))"),
            "Seq2SeqEncoder": ("measure(Seq2SeqEncoder(), jnp.zeros((1, 5, 12)))",
                               "measure(Seq2SeqEncoder(), jnp.zeros((1, 5, 20)))"),
        },
        probes=("measure(LSTMLanguageModel(50, embed_dim=6, hidden_size=10), " + JTOKENS + ")",
                "measure(BiGRUTagger(4, hidden=10), jnp.zeros((1, 5, 16)))"),
    ),
    CorpusFile(
        "flax/nnx_classifier.py", "nnx",
        sites=("model = RNNClassifier(", "small = RNNClassifier(", "stack = StackedGRU(", "big = create_model()"),
        defaults={
            "RNNClassifier": ("RNNClassifier(100, rngs=nnx.Rngs(0))", "RNNClassifier(300, rngs=nnx.Rngs(0))"),
            "StackedGRU": ("StackedGRU(8, rngs=nnx.Rngs(0))", "StackedGRU(24, rngs=nnx.Rngs(0))"),
            "create_model": ("create_model()",),
        },
        probes=("RNNClassifier(50, embed_dim=6, hidden_dim=10, num_classes=3, rngs=nnx.Rngs(0))",
                "StackedGRU(5, hidden_features=7, num_layers=2, rngs=nnx.Rngs(0))"),
    ),
    # -- Equinox ---------------------------------------------------------------------------------
    CorpusFile(
        "equinox/train_rnn.py", "equinox",
        sites=("model = RNN(", "stack = StackedLSTM(", "factory = make_model("),
        defaults={
            "RNN": ("RNN(2, 1, 8, key=jrandom.PRNGKey(0))", "RNN(3, 2, 12, key=jrandom.PRNGKey(0))"),
            "StackedLSTM": ("StackedLSTM(8, key=jrandom.PRNGKey(0))", "StackedLSTM(24, key=jrandom.PRNGKey(0))"),
            "make_model": ("make_model(jrandom.PRNGKey(0))",),
        },
        probes=("StackedLSTM(5, hidden_size=7, num_layers=3, key=jrandom.PRNGKey(0))",),
    ),
    # -- Haiku -----------------------------------------------------------------------------------
    CorpusFile(
        "haiku/language_model.py", "haiku",
        optional_sites=("model = LanguageModel(", "core = GRUCore("),
        site_builds={"model = LanguageModel(": "measure(forward, " + JTOKENS + ")",
                     "core = GRUCore(": "measure(step, jnp.zeros((1, 8)), jnp.zeros((1, 32)))"},
        defaults={
            "LanguageModel": _twice("measure(lambda t: LanguageModel({})(t), " + JTOKENS + ")", ("100",), ("300",)),
            "GRUCore": ("measure(lambda x, s: GRUCore()(x, s), jnp.zeros((1, 8)), jnp.zeros((1, 64)))",
                        "measure(lambda x, s: GRUCore()(x, s), jnp.zeros((1, 20)), jnp.zeros((1, 64)))"),
            "forward": ("measure(forward, " + JTOKENS + ")",),
            "step": ("measure(step, jnp.zeros((1, 8)), jnp.zeros((1, 32)))",),
        },
        probes=("measure(lambda t: LanguageModel(50, embed_dim=6, hidden_size=10, num_layers=3)(t), " + JTOKENS + ")",
                "measure(lambda x, s: GRUCore(hidden_size=12)(x, s), jnp.zeros((1, 8)), jnp.zeros((1, 12)))"),
    ),
)

BY_PATH = {spec.path: spec for spec in FILES}
