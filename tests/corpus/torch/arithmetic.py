"""Arithmetic, tuples, booleans and the few builtins sizes are written with."""

import torch.nn as nn

EMB, POS = 96, 32
HIDDEN = 2 * 128
HALF = HIDDEN // 2
KERNEL = (3,)
SHAPE = (HALF, )
BIDIRECTIONAL = True
DIRECTIONS = 2 if BIDIRECTIONAL else 1
LAYERS = int(3.0)
WINDOWS = [3, 5, 7]

conv = nn.Conv1d(EMB + POS, HIDDEN, kernel_size=KERNEL, padding=1)
rnn = nn.LSTM(HIDDEN, HALF, num_layers=LAYERS, bidirectional=BIDIRECTIONAL)
norm = nn.LayerNorm(SHAPE)
project = nn.Linear(DIRECTIONS * HALF, max(HALF, 64) - min(WINDOWS) * len(WINDOWS))
grouped = nn.Conv1d(HIDDEN, HIDDEN, KERNEL[0], groups=4, bias=False)
negated = nn.GRU(-(-HALF), HALF % 100 + 2 ** 3)


def absurd():
    # 10**10**10 is not a size this tool evaluates (nor one the framework could allocate).
    return nn.Linear(10**10**10, 1)
