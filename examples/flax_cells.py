"""Flax: linen cells learn their input size when called; nnx cells are told it up front."""

import flax.linen as nn
from flax import nnx

HIDDEN = 128


class Encoder(nn.Module):
    @nn.compact
    def __call__(self, inputs):
        # The input size is known only at call time: the count is a formula in `input_size`.
        return nn.RNN(nn.OptimizedLSTMCell(HIDDEN))(inputs)


class Decoder(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.cell = nnx.GRUCell(64, HIDDEN, rngs=rngs)
        self.out = nnx.Linear(HIDDEN, 32, rngs=rngs)
