"""JAX libraries: Equinox cells take their sizes explicitly; Haiku's learn the input size later."""

import equinox as eqx
import haiku as hk
import jax

key = jax.random.PRNGKey(0)
lstm = eqx.nn.LSTMCell(32, 64, key=key)
gru = eqx.nn.GRUCell(64, 64, use_bias=False, key=key)


def core(inputs):
    return hk.LSTM(256)(inputs, hk.LSTM(256).initial_state(1))
