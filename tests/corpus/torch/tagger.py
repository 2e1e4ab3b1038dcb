"""A BiLSTM part-of-speech tagger, written the way tutorials write it.

Aliases: `import torch.nn as nn`. Sizes come from module constants, a function's local constants,
`self.x` set in `__init__`, and arithmetic on them.
"""

import torch
import torch.nn as nn

VOCAB_SIZE = 5_000
EMBEDDING_DIM = 100
HIDDEN_DIM = 128
NUM_TAGS = 17


class BiLSTMTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_dim = HIDDEN_DIM // 2
        self.embedding = nn.Embedding(VOCAB_SIZE, EMBEDDING_DIM, padding_idx=0)
        self.lstm = nn.LSTM(EMBEDDING_DIM, self.hidden_dim, num_layers=2, bidirectional=True,
                            batch_first=True, dropout=0.3)
        self.norm = nn.LayerNorm(2 * self.hidden_dim)
        self.dropout = nn.Dropout(0.3)
        self.hidden2tag = nn.Linear(2 * self.hidden_dim, NUM_TAGS)

    def forward(self, sentence):
        embeds = self.embedding(sentence)
        lstm_out, _ = self.lstm(embeds)
        return self.hidden2tag(self.dropout(self.norm(lstm_out)))


class CharEncoder(nn.Module):
    """A character-level GRU whose sizes are local constants of `__init__`."""

    def __init__(self):
        super().__init__()
        n_chars, char_dim = 96, 25
        char_hidden = char_dim * 2
        self.chars = nn.Embedding(n_chars, char_dim)
        self.rnn = nn.GRU(char_dim, char_hidden, batch_first=True)

    def forward(self, chars):
        return self.rnn(self.chars(chars))[1]


def make_decoder():
    hidden = 3 * HIDDEN_DIM
    return nn.LSTMCell(NUM_TAGS, hidden)


model = BiLSTMTagger()
chars = CharEncoder()
decoder = make_decoder()
if __name__ == "__main__":
    print(sum(p.numel() for p in model.parameters()))
    print(model(torch.zeros(2, 7, dtype=torch.long)).shape)
