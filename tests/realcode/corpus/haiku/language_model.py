"""Haiku modules configured in their constructors and created inside the transformed function, as
in the haiku examples."""

import haiku as hk
import jax
import jax.numpy as jnp


class LanguageModel(hk.Module):
    def __init__(self, vocab_size, embed_dim=64, hidden_size=128, num_layers=2, name=None):
        super().__init__(name=name)
        self.vocab_size = vocab_size
        self.embed_dim = embed_dim
        self.hidden_size = hidden_size
        self.num_layers = num_layers

    def __call__(self, tokens):
        x = hk.Embed(self.vocab_size, self.embed_dim)(tokens)
        core = hk.DeepRNN([hk.LSTM(self.hidden_size) for _ in range(self.num_layers)])
        initial_state = core.initial_state(tokens.shape[0])
        outputs, _ = hk.dynamic_unroll(core, x, initial_state, time_major=False)
        return hk.Linear(self.vocab_size)(outputs)


class GRUCore(hk.Module):
    def __init__(self, hidden_size=64, name=None):
        super().__init__(name=name)
        self.hidden_size = hidden_size
        self.proj = hk.Linear(hidden_size)
        self.gru = hk.GRU(hidden_size)

    def __call__(self, x, state):
        return self.gru(self.proj(x), state)


def forward(tokens):
    model = LanguageModel(vocab_size=1000, hidden_size=64)
    return model(tokens)


def step(x, state):
    core = GRUCore(hidden_size=32)
    return core(x, state)


lm = hk.transform(forward)
stepper = hk.transform(step)
