"""Sizes that cannot be known without running the code: function parameters, `len(vocab)`, and
attributes of a configuration object. The counts are formulas in those names."""

import json

import torch.nn as nn


def build_encoder(input_dim, hidden_dim=256):
    return nn.LSTM(input_dim, hidden_dim, batch_first=True)


def load_vocab(path="vocab.json"):
    with open(path) as handle:
        return json.load(handle)


vocab = ["<pad>", "<unk>", "the", "a"]
vocab = vocab + load_vocab() if False else vocab


class Config:
    hidden = 64
    layers = 1


cfg = Config()


class Model(nn.Module):
    def __init__(self, cfg, tokens):
        super().__init__()
        self.embed = nn.Embedding(len(tokens), 32)
        self.rnn = nn.GRU(32, cfg.hidden, num_layers=cfg.layers)
        self.out = nn.Linear(cfg.hidden, 4)


net = Model(cfg, vocab)
encoder = build_encoder(16)
