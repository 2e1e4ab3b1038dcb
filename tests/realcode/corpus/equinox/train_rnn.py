"""The Equinox "Train RNN" example (the file's own class is named `RNN`), a stacked LSTM built in a
comprehension, and a factory function."""

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jrandom


class RNN(eqx.Module):
    hidden_size: int
    cell: eqx.Module
    linear: eqx.nn.Linear
    bias: jax.Array

    def __init__(self, in_size, out_size, hidden_size, *, key):
        ckey, lkey = jrandom.split(key)
        self.hidden_size = hidden_size
        self.cell = eqx.nn.GRUCell(in_size, hidden_size, key=ckey)
        self.linear = eqx.nn.Linear(hidden_size, out_size, use_bias=False, key=lkey)
        self.bias = jnp.zeros(out_size)

    def __call__(self, input):
        hidden = jnp.zeros((self.hidden_size,))

        def f(carry, inp):
            return self.cell(inp, carry), None

        out, _ = jax.lax.scan(f, hidden, input)
        return jax.nn.sigmoid(self.linear(out) + self.bias)


class StackedLSTM(eqx.Module):
    layers: list

    def __init__(self, input_size, hidden_size=64, num_layers=2, *, key):
        keys = jrandom.split(key, num_layers)
        self.layers = [eqx.nn.LSTMCell(input_size if i == 0 else hidden_size, hidden_size, key=keys[i])
                       for i in range(num_layers)]


def make_model(key, hidden_size=16):
    return RNN(in_size=2, out_size=1, hidden_size=hidden_size, key=key)


model = RNN(in_size=2, out_size=1, hidden_size=16, key=jrandom.PRNGKey(5678))
stack = StackedLSTM(8, key=jrandom.PRNGKey(0))
factory = make_model(jrandom.PRNGKey(1))
