"""Equinox, imported as `eqx`: modules are dataclasses and every size is an argument."""

import equinox as eqx
import jax

IN, HIDDEN, OUT = 12, 40, 3


class RNNClassifier(eqx.Module):
    embed: eqx.nn.Embedding
    cell: eqx.nn.GRUCell
    norm: eqx.nn.LayerNorm
    head: eqx.nn.Linear

    def __init__(self, key):
        k1, k2, k3 = jax.random.split(key, 3)
        self.embed = eqx.nn.Embedding(500, IN, key=k1)
        self.cell = eqx.nn.GRUCell(IN, HIDDEN, key=k2)
        self.norm = eqx.nn.LayerNorm(HIDDEN)
        self.head = eqx.nn.Linear(HIDDEN, OUT, use_bias=False, key=k3)


key = jax.random.PRNGKey(0)
model = RNNClassifier(key)
lstm = eqx.nn.LSTMCell(IN, HIDDEN, key=key)
