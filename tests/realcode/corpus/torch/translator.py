"""An attentional GRU/LSTM translator, written the way most PyTorch seq2seq repositories are: every
module receives its sizes, the top-level model builds its encoder and decoder from them, and the
bottom of the file builds the configurations used in the experiments."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_layers=1, dropout=0.0, bidirectional=False):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, num_layers, dropout=dropout, bidirectional=bidirectional)
        self.num_directions = 2 if bidirectional else 1
        self.dropout = nn.Dropout(dropout)

    def forward(self, src):
        embedded = self.dropout(self.embedding(src))
        outputs, (hidden, cell) = self.encoder(embedded)
        return outputs, hidden, cell


class Attention(nn.Module):
    def __init__(self, enc_dim, dec_dim):
        super().__init__()
        self.attn = nn.Linear(enc_dim + dec_dim, dec_dim)
        self.v = nn.Linear(dec_dim, 1, bias=False)

    def forward(self, hidden, encoder_outputs):
        energy = torch.tanh(self.attn(torch.cat((hidden, encoder_outputs), dim=2)))
        return F.softmax(self.v(energy).squeeze(2), dim=1)


class Decoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_layers=1, dropout=0.0, enc_directions=2):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.attention = Attention(enc_directions * hidden_dim, hidden_dim)
        self.rnn = nn.GRU(emb_dim + enc_directions * hidden_dim, hidden_dim, num_layers,
                          dropout=dropout if num_layers > 1 else 0.0)
        self.fc_out = nn.Linear(hidden_dim, vocab_size)

    def forward(self, token, hidden, encoder_outputs):
        embedded = self.embedding(token.unsqueeze(0))
        return self.fc_out(self.rnn(embedded, hidden)[0].squeeze(0))


class Seq2Seq(nn.Module):
    def __init__(self, vocab_size, emb_dim=256, hidden_dim=512, num_layers=2, dropout=0.2, bidirectional=True):
        super().__init__()
        self.encoder = Encoder(vocab_size, emb_dim, hidden_dim, num_layers, dropout=dropout,
                               bidirectional=bidirectional)
        self.decoder = Decoder(vocab_size, emb_dim, hidden_dim, num_layers, dropout=dropout,
                               enc_directions=2 if bidirectional else 1)

    def forward(self, src, trg):
        outputs, hidden, cell = self.encoder(src)
        return self.decoder(trg[0], hidden[-1:], outputs)


model = Seq2Seq(10000, 256, 512, 2)
small = Seq2Seq(vocab_size=5000, emb_dim=64, hidden_dim=128, num_layers=1, bidirectional=False)
default_size = Seq2Seq(8000)
