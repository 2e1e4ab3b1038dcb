"""Imports under other names: `from torch.nn import LSTM as L`, `import torch` with full paths,
an alias assigned in code (`Cell = nn.GRUCell`), and a class of our own that is called `LSTM`."""

import torch
import torch.nn as nn
from torch.nn import GRU, LSTM as L

INPUT, HIDDEN = 13, 20
Cell = nn.GRUCell


class LSTM:
    """Not a framework layer: a hand-written LSTM step, as in a from-scratch tutorial."""

    def __init__(self, input_size, hidden_size):
        self.input_size = input_size
        self.hidden_size = hidden_size


speech = L(INPUT, HIDDEN, num_layers=3, proj_size=10)
words = GRU(input_size=INPUT, hidden_size=HIDDEN, bias=False)
vanilla = torch.nn.RNN(INPUT, HIDDEN, 2, "relu")
cell = Cell(INPUT, HIDDEN)
scratch = LSTM(INPUT, HIDDEN)
