"""char-rnn.pytorch: a character-level model chosen by a string option, built from argparse."""

import argparse
import string

import torch
import torch.nn as nn

all_characters = string.printable
n_characters = len(all_characters)

argparser = argparse.ArgumentParser()
argparser.add_argument("filename", type=str)
argparser.add_argument("--model", type=str, default="gru")
argparser.add_argument("--n_epochs", type=int, default=2000)
argparser.add_argument("--print_every", type=int, default=100)
argparser.add_argument("--hidden_size", type=int, default=100)
argparser.add_argument("--n_layers", type=int, default=2)
argparser.add_argument("--learning_rate", type=float, default=0.01)
argparser.add_argument("--chunk_len", type=int, default=200)
argparser.add_argument("--batch_size", type=int, default=100)
argparser.add_argument("--cuda", action="store_true")
args = argparser.parse_args()


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, model="gru", n_layers=1):
        super(CharRNN, self).__init__()
        self.model = model.lower()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers

        self.encoder = nn.Embedding(input_size, hidden_size)
        if self.model == "gru":
            self.rnn = nn.GRU(hidden_size, hidden_size, n_layers)
        elif self.model == "lstm":
            self.rnn = nn.LSTM(hidden_size, hidden_size, n_layers)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        batch_size = input.size(0)
        encoded = self.encoder(input)
        output, hidden = self.rnn(encoded.view(1, batch_size, -1), hidden)
        return self.decoder(output.view(batch_size, -1)), hidden


decoder = CharRNN(n_characters, args.hidden_size, n_characters, model=args.model, n_layers=args.n_layers)
fixed = CharRNN(100, 128, 100, model="lstm", n_layers=3)
