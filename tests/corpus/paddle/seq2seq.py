"""PaddlePaddle, imported as `pnn`: a bidirectional GRU encoder and a projected LSTM decoder."""

import paddle
import paddle.nn as pnn

SOURCE_VOCAB, EMBED, HIDDEN = 8_000, 256, 512


class Seq2Seq(pnn.Layer):
    def __init__(self):
        super().__init__()
        self.embed = pnn.Embedding(SOURCE_VOCAB, EMBED)
        self.encoder = pnn.GRU(EMBED, HIDDEN, num_layers=2, direction="bidirect")
        self.decoder = pnn.LSTM(EMBED, HIDDEN, proj_size=HIDDEN // 2)
        self.norm = pnn.LayerNorm(HIDDEN // 2)
        self.project = pnn.Linear(HIDDEN // 2, SOURCE_VOCAB)


class Cells(pnn.Layer):
    def __init__(self):
        super().__init__()
        self.simple = pnn.SimpleRNN(16, 32, activation="relu")
        self.lstm_cell = pnn.LSTMCell(32, 64)
        self.gru_cell = pnn.GRUCell(64, 32)
        self.rnn_cell = pnn.SimpleRNNCell(32, 16)


model = Seq2Seq()
cells = Cells()
if __name__ == "__main__":
    print(sum(int(paddle.numel(p)) for p in model.parameters()))
