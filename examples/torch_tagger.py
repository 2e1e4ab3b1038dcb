"""A part-of-speech tagger: embeddings, a bidirectional LSTM stack and a linear classifier."""

import torch
import torch.nn as nn

VOCAB = 10_000
EMBEDDING = 128
HIDDEN = 256
TAGS = 17


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, EMBEDDING, padding_idx=0)
        self.encoder = nn.LSTM(EMBEDDING, HIDDEN, num_layers=2, bidirectional=True, dropout=0.3, batch_first=True)
        self.classify = nn.Linear(2 * HIDDEN, TAGS)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        states, _ = self.encoder(self.embed(tokens))
        return self.classify(states)


class ProjectedSpeechEncoder(nn.Module):
    """An LSTM with projections (proj_size), as in speech recognisers."""

    def __init__(self, features: int = 80):
        super().__init__()
        self.rnn = nn.LSTM(80, 1024, num_layers=3, proj_size=256)
        self.cell = nn.GRUCell(256, 128)
