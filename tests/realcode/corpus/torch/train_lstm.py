"""A training script of the kind found in many research repositories: command-line sizes read
through `args`, a module-level configuration dict, and layers built straight from both."""

import argparse

import torch
import torch.nn as nn

CONFIG = {
    "vocab_size": 12000,
    "embed_dim": 300,
    "hidden_dim": 256,
    "num_layers": 2,
    "bidirectional": True,
    "num_classes": 5,
}

parser = argparse.ArgumentParser(description="Train a sentence classifier")
parser.add_argument("--input_dim", type=int, default=40, help="acoustic features per frame")
parser.add_argument("--hidden_dim", type=int, default=320)
parser.add_argument("--num_layers", type=int, default=3)
parser.add_argument("--proj_size", type=int, default=0)
parser.add_argument("--bidirectional", action="store_true")
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()


class SentenceClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(CONFIG["vocab_size"], CONFIG["embed_dim"])
        self.lstm = nn.LSTM(CONFIG["embed_dim"], CONFIG["hidden_dim"], num_layers=CONFIG["num_layers"],
                            bidirectional=CONFIG["bidirectional"], batch_first=True)
        directions = 2 if CONFIG["bidirectional"] else 1
        self.fc = nn.Linear(directions * CONFIG["hidden_dim"], CONFIG["num_classes"])

    def forward(self, tokens):
        output, _ = self.lstm(self.embedding(tokens))
        return self.fc(output[:, -1])


class AcousticModel(nn.Module):
    def __init__(self, num_phones=61):
        super().__init__()
        self.rnn = nn.LSTM(args.input_dim, args.hidden_dim, args.num_layers, proj_size=args.proj_size,
                           bidirectional=args.bidirectional, batch_first=True)
        out_dim = args.proj_size if args.proj_size > 0 else args.hidden_dim
        self.classifier = nn.Linear(out_dim * (2 if args.bidirectional else 1), num_phones)

    def forward(self, frames):
        return self.classifier(self.rnn(frames)[0])


encoder = nn.GRU(args.input_dim, args.hidden_dim, args.num_layers, batch_first=True)
classifier = SentenceClassifier()
acoustic = AcousticModel()


def main():
    model = AcousticModel(num_phones=48)
    optimizer = torch.optim.Adam(model.parameters())
    for epoch in range(args.epochs):
        optimizer.zero_grad()
    return model
