"""Recurrent stacks written cell by cell, as in many papers' reference code: cells built in
comprehensions and loops, a base class that receives its sizes through `super().__init__`, and a
module of the file's own named `RNN`."""

import torch
import torch.nn as nn

NUM_LAYERS = 3
HIDDEN = 128
N_MELS = 40
LISTENER_HIDDEN = 256


class StackedLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=2, dropout=0.0):
        super().__init__()
        self.num_layers = num_layers
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList(
            [nn.LSTMCell(input_size if i == 0 else hidden_size, hidden_size) for i in range(num_layers)])

    def forward(self, input, hidden):
        h_0, c_0 = hidden
        h_1, c_1 = [], []
        for i, layer in enumerate(self.layers):
            h_1_i, c_1_i = layer(input, (h_0[i], c_0[i]))
            input = self.dropout(h_1_i) if i + 1 != self.num_layers else h_1_i
            h_1 += [h_1_i]
            c_1 += [c_1_i]
        return input, (torch.stack(h_1), torch.stack(c_1))


class FixedStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.cells = nn.ModuleList()
        for i in range(NUM_LAYERS):
            self.cells.append(nn.GRUCell(64 if i == 0 else HIDDEN, HIDDEN))
        self.out = nn.Linear(HIDDEN, 10)


class ResidualGRU(nn.Module):
    def __init__(self, input_size=40, hidden_size=128, num_layers=3):
        super().__init__()
        self.cells = nn.ModuleList()
        in_dim = input_size
        for _ in range(num_layers):
            self.cells.append(nn.GRUCell(in_dim, hidden_size))
            in_dim = hidden_size


class PyramidalListener(nn.Module):
    """The pyramidal BLSTM of Listen, Attend and Spell: each layer sees two frames of the one below."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()
        in_dim = N_MELS
        for _ in range(NUM_LAYERS):
            self.layers.append(nn.LSTM(in_dim * 2, LISTENER_HIDDEN, bidirectional=True, batch_first=True))
            in_dim = 2 * LISTENER_HIDDEN


class RecurrentBase(nn.Module):
    def __init__(self, input_size, hidden_size, bidirectional=False):
        super().__init__()
        self.rnn = nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)
        self.out_dim = hidden_size * (2 if bidirectional else 1)


class BiGRUEncoder(RecurrentBase):
    def __init__(self, hidden=96):
        super().__init__(input_size=80, hidden_size=hidden, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, hidden)


class RNN(nn.Module):
    """The file's own `RNN`: not torch.nn.RNN."""

    def __init__(self, input_size, hidden_size, layers=NUM_LAYERS):
        super().__init__()
        self.cells = nn.ModuleList([nn.RNNCell(input_size if i == 0 else hidden_size, hidden_size,
                                               nonlinearity="relu") for i in range(layers)])


stack = StackedLSTM(256, 512, num_layers=3)
fixed = FixedStack()
encoder = BiGRUEncoder()
wide = BiGRUEncoder(hidden=256)
residual = ResidualGRU()
listener = PyramidalListener()
rnn = RNN(32, 64)
deep = RNN(input_size=16, hidden_size=16, layers=5)
