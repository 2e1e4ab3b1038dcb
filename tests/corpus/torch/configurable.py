"""Models configured through their constructors and built at the bottom with known arguments,
and layers built in loops (a residual LSTM stack)."""

import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, vocab_size, embed_dim=128, hidden=256, layers=1, bidirectional=False):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = nn.GRU(embed_dim, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        self.out_dim = hidden * (2 if bidirectional else 1)


class Classifier(nn.Module):
    def __init__(self, encoder, classes):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.out_dim, classes)


class ResidualLSTM(nn.Module):
    def __init__(self, size=64, depth=3):
        super().__init__()
        self.layers = nn.ModuleList([nn.LSTM(size, size, batch_first=True) for _ in range(depth)])
        self.norms = nn.ModuleList()
        for _ in range(depth):
            self.norms.append(nn.LayerNorm(size))


class FixedStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.cells = nn.ModuleList([nn.GRUCell(32, 32) for _ in range(4)])
        self.out = nn.Linear(32, 8)


small = Encoder(1000)
large = Encoder(30_000, embed_dim=300, hidden=512, layers=2, bidirectional=True)
classifier = Classifier(Encoder(5000, hidden=64), classes=3)
stack = ResidualLSTM()
deeper = ResidualLSTM(depth=5, size=32)
fixed = FixedStack()
