"""A file in the middle of an edit: it does not parse, yet every intact constructor counts."""

import torch.nn as nn

HIDDEN = 64

first = nn.LSTM(10, HIDDEN)

def broken(x:
    return x +

second = nn.GRU(HIDDEN, HIDDEN, num_layers=2)

class Half(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(8, 16)
        self.out = nn.Linear(16, 4
        self.cell = nn.LSTMCell(16, HIDDEN)

last = nn.Linear(HIDDEN, 3)
