"""Flax NNX models: every size a constructor argument (several with defaults), stacked cells in a
comprehension, and a factory function."""

import jax
import jax.numpy as jnp
from flax import nnx


class RNNClassifier(nnx.Module):
    def __init__(self, vocab_size, embed_dim=64, hidden_dim=128, num_classes=2, *, rngs: nnx.Rngs):
        self.embed = nnx.Embed(vocab_size, embed_dim, rngs=rngs)
        self.rnn = nnx.RNN(nnx.LSTMCell(embed_dim, hidden_dim, rngs=rngs))
        self.head = nnx.Linear(hidden_dim, num_classes, rngs=rngs)

    def __call__(self, tokens):
        return self.head(self.rnn(self.embed(tokens))[:, -1])


class StackedGRU(nnx.Module):
    def __init__(self, in_features, hidden_features=32, num_layers=3, *, rngs: nnx.Rngs):
        self.cells = nnx.List([
            nnx.GRUCell(in_features if i == 0 else hidden_features, hidden_features, rngs=rngs)
            for i in range(num_layers)
        ])


def create_model(seed=0, hidden_dim=256):
    return RNNClassifier(20000, hidden_dim=hidden_dim, rngs=nnx.Rngs(seed))


model = RNNClassifier(10000, rngs=nnx.Rngs(0))
small = RNNClassifier(vocab_size=2000, embed_dim=16, hidden_dim=32, num_classes=4, rngs=nnx.Rngs(1))
stack = StackedGRU(8, rngs=nnx.Rngs(2))
big = create_model()
