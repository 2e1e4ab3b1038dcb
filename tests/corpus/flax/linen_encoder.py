"""Flax linen, imported as `nn` (in this file `nn` is flax.linen, not torch.nn). linen layers learn
their input size when `init` first calls them: in a compact `__call__` the sizes flow from one
layer to the next; in `setup` they are formulas in `input_size`."""

import flax.linen as nn
import jax
import jax.numpy as jnp

HIDDEN = 128


class Encoder(nn.Module):
    hidden: int = HIDDEN

    @nn.compact
    def __call__(self, inputs):
        x = nn.Embed(num_embeddings=1_000, features=32)(inputs)
        x = nn.RNN(nn.OptimizedLSTMCell(HIDDEN))(x)
        return nn.Dense(features=10)(x)


class Tagger(nn.Module):
    def setup(self):
        self.cell = nn.GRUCell(features=64)
        self.bi = nn.Bidirectional(nn.RNN(nn.LSTMCell(32)), nn.RNN(nn.LSTMCell(32)))
        self.norm = nn.LayerNorm()

    def __call__(self, x):
        return self.norm(self.bi(x))


encoder = Encoder()
variables = encoder.init(jax.random.key(0), jnp.zeros((1, 5), jnp.int32))
tagger = Tagger()
tagger_variables = tagger.init(jax.random.key(1), jnp.zeros((1, 5, 16)))
