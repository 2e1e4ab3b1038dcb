"""Flax linen models in the style of the flax examples: sizes are dataclass fields with defaults,
layers are built in `@nn.compact` methods or in `setup`, and the module is configured where it is
created."""

import flax.linen as nn
import jax
import jax.numpy as jnp


class LSTMLanguageModel(nn.Module):
    vocab_size: int
    embed_dim: int = 64
    hidden_size: int = 128

    @nn.compact
    def __call__(self, tokens):
        x = nn.Embed(self.vocab_size, self.embed_dim)(tokens)
        x = nn.RNN(nn.OptimizedLSTMCell(self.hidden_size))(x)
        return nn.Dense(self.vocab_size)(x)


class BiGRUTagger(nn.Module):
    num_tags: int
    hidden: int = 32

    def setup(self):
        self.birnn = nn.Bidirectional(nn.RNN(nn.GRUCell(self.hidden)), nn.RNN(nn.GRUCell(self.hidden)))
        self.classifier = nn.Dense(self.num_tags)

    def __call__(self, x):
        return self.classifier(self.birnn(x))


class Seq2SeqEncoder(nn.Module):
    """Sizes passed to the cell through the constructor of a plain Python helper."""

    hidden_size: int = 48

    @nn.compact
    def __call__(self, embedded):
        cell = nn.LSTMCell(self.hidden_size)
        return nn.RNN(cell)(embedded)


model = LSTMLanguageModel(vocab_size=1000, hidden_size=64)
tagger = BiGRUTagger(num_tags=9)
encoder = Seq2SeqEncoder()
