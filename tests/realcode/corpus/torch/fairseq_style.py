"""fairseq-style helpers: the file defines its own `LSTM`, `LSTMCell`, `Linear` and `Embedding`
functions that build and initialise the torch modules; an alias picks the cell class; a factory
function returns the configured model."""

import torch.nn as nn


def Embedding(num_embeddings, embedding_dim, padding_idx):
    m = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
    nn.init.uniform_(m.weight, -0.1, 0.1)
    nn.init.constant_(m.weight[padding_idx], 0)
    return m


def LSTM(input_size, hidden_size, **kwargs):
    m = nn.LSTM(input_size, hidden_size, **kwargs)
    for name, param in m.named_parameters():
        if "weight" in name or "bias" in name:
            param.data.uniform_(-0.1, 0.1)
    return m


def LSTMCell(input_size, hidden_size, **kwargs):
    m = nn.LSTMCell(input_size, hidden_size, **kwargs)
    for name, param in m.named_parameters():
        if "weight" in name or "bias" in name:
            param.data.uniform_(-0.1, 0.1)
    return m


def Linear(in_features, out_features, bias=True):
    m = nn.Linear(in_features, out_features, bias=bias)
    m.weight.data.uniform_(-0.1, 0.1)
    if bias:
        m.bias.data.uniform_(-0.1, 0.1)
    return m


Cell = nn.GRU


class LSTMEncoder(nn.Module):
    def __init__(self, num_embeddings, embed_dim=512, hidden_size=512, num_layers=1, bidirectional=False,
                 padding_idx=1):
        super().__init__()
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.embed_tokens = Embedding(num_embeddings, embed_dim, padding_idx)
        self.lstm = LSTM(input_size=embed_dim, hidden_size=hidden_size, num_layers=num_layers,
                         bidirectional=bidirectional)
        self.output_units = hidden_size * 2 if bidirectional else hidden_size


class LSTMDecoder(nn.Module):
    def __init__(self, num_embeddings, embed_dim=512, hidden_size=512, num_layers=1, encoder_output_units=512,
                 padding_idx=1):
        super().__init__()
        self.embed_tokens = Embedding(num_embeddings, embed_dim, padding_idx)
        self.layers = nn.ModuleList([
            LSTMCell(input_size=encoder_output_units + embed_dim if layer == 0 else hidden_size,
                     hidden_size=hidden_size)
            for layer in range(num_layers)
        ])
        self.fc_out = Linear(hidden_size, num_embeddings)


class Summarizer(nn.Module):
    def __init__(self, vocab_size, hidden=256):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 128)
        self.rnn = Cell(128, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)


def build_summarizer(hidden=256, vocab_size=20000):
    return Summarizer(vocab_size, hidden)


encoder = LSTMEncoder(32000, embed_dim=256, hidden_size=256, num_layers=2, bidirectional=True)
decoder = LSTMDecoder(32000, embed_dim=256, hidden_size=256, num_layers=2, encoder_output_units=512)
summarizer = build_summarizer()
larger = build_summarizer(hidden=512)
