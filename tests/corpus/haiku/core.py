"""Haiku, imported as `hk`: modules are built inside a transformed function and learn their input
size when first called, so the counts are formulas in `input_size`."""

import haiku as hk
import jax
import jax.numpy as jnp

HIDDEN = 256


def forward(tokens):
    embed = hk.Embed(vocab_size=1_000, embed_dim=64)
    core = hk.LSTM(HIDDEN)
    gru = hk.GRU(HIDDEN // 2)
    vanilla = hk.VanillaRNN(32)
    head = hk.Linear(10)
    x = embed(tokens)
    out, _ = hk.dynamic_unroll(core, x, core.initial_state(x.shape[1]))
    out, _ = hk.dynamic_unroll(gru, out, gru.initial_state(x.shape[1]))
    out, _ = hk.dynamic_unroll(vanilla, out, vanilla.initial_state(x.shape[1]))
    return head(hk.LayerNorm(axis=-1, create_scale=True, create_offset=True)(out))


model = hk.transform(forward)
params = model.init(jax.random.PRNGKey(0), jnp.zeros((5, 2), jnp.int32))
