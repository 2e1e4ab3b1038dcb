"""`from torch import nn`: nn.Sequential models, a layer shared between two places, `[layer] * 3`."""

from torch import nn

FEATURES = 40
HIDDEN = 256

# torch's Sequential takes the layers as arguments.
classifier = nn.Sequential(
    nn.Linear(FEATURES, HIDDEN),
    nn.ReLU(),
    nn.Linear(HIDDEN, 10),
)


class SharedEncoder(nn.Module):
    """One GRU used for both the question and the answer: its weights exist once."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(FEATURES, HIDDEN, batch_first=True)
        self.question = self.encoder
        self.answer = self.encoder
        self.score = nn.Linear(2 * HIDDEN, 1)


class RepeatedBlock(nn.Module):
    """`[layer] * 3` repeats one instance: a ModuleList of it holds one set of weights."""

    def __init__(self):
        super().__init__()
        block = nn.Linear(HIDDEN, HIDDEN)
        self.blocks = nn.ModuleList([block] * 3)
        self.rnn = nn.RNN(HIDDEN, HIDDEN, nonlinearity="relu")


shared = SharedEncoder()
repeated = RepeatedBlock()
