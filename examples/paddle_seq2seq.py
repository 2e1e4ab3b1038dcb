"""PaddlePaddle: a bidirectional encoder and a projected LSTM decoder."""

import paddle.nn as pnn

SOURCE_VOCAB, EMBED, HIDDEN = 8_000, 256, 512


class Seq2Seq(pnn.Layer):
    def __init__(self):
        super().__init__()
        self.embed = pnn.Embedding(SOURCE_VOCAB, EMBED)
        self.encoder = pnn.GRU(EMBED, HIDDEN, num_layers=2, direction="bidirect")
        self.decoder = pnn.LSTM(EMBED, HIDDEN, proj_size=HIDDEN // 2)
        self.project = pnn.Linear(HIDDEN // 2, SOURCE_VOCAB)
