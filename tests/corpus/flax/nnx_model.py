"""Flax NNX: modules make their parameters when constructed, so every size is an argument."""

from flax import nnx

VOCAB, EMBED, HIDDEN, CLASSES = 2_000, 48, 96, 5


class Classifier(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.embed = nnx.Embed(VOCAB, EMBED, rngs=rngs)
        self.cell = nnx.LSTMCell(EMBED, HIDDEN, rngs=rngs)
        self.rnn = nnx.RNN(self.cell)
        self.norm = nnx.LayerNorm(HIDDEN, rngs=rngs)
        self.head = nnx.Linear(HIDDEN, CLASSES, rngs=rngs)

    def __call__(self, tokens):
        return self.head(self.norm(self.rnn(self.embed(tokens))[:, -1]))


class Gated(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.gru = nnx.GRUCell(in_features=16, hidden_features=32, rngs=rngs)
        self.simple = nnx.SimpleCell(32, 8, rngs=rngs)
        self.fast = nnx.OptimizedLSTMCell(8, 8, rngs=rngs)


model = Classifier(nnx.Rngs(0))
gated = Gated(nnx.Rngs(1))
