"""PaddleNLP's text-classification LSTM: an encoder layer with defaults, a model that passes its
sizes on, and a script choosing the network from a command-line option."""

import argparse

import paddle
import paddle.nn as nn

parser = argparse.ArgumentParser(__doc__)
parser.add_argument("--network", choices=["lstm", "bilstm", "gru"], default="bilstm")
parser.add_argument("--hidden_size", type=int, default=198, help="LSTM hidden size")
parser.add_argument("--batch_size", type=int, default=64)
args = parser.parse_args()


class LSTMEncoder(nn.Layer):
    def __init__(self, input_size, hidden_size, num_layers=1, direction="forward", dropout=0.0, pooling_type=None):
        super().__init__()
        self._input_size = input_size
        self._hidden_size = hidden_size
        self._direction = direction
        self._pooling_type = pooling_type
        self.lstm_layer = nn.LSTM(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                                  direction=direction, dropout=dropout)

    def get_output_dim(self):
        return self._hidden_size * 2 if self._direction == "bidirect" else self._hidden_size


class LSTMModel(nn.Layer):
    def __init__(self, vocab_size, num_classes, emb_dim=128, padding_idx=0, lstm_hidden_size=198,
                 direction="forward", lstm_layers=1, dropout_rate=0.0, pooling_type=None, fc_hidden_size=96):
        super().__init__()
        self.embedder = nn.Embedding(num_embeddings=vocab_size, embedding_dim=emb_dim, padding_idx=padding_idx)
        self.lstm_encoder = LSTMEncoder(emb_dim, lstm_hidden_size, num_layers=lstm_layers, direction=direction,
                                        dropout=dropout_rate, pooling_type=pooling_type)
        self.fc = nn.Linear(self.lstm_encoder.get_output_dim(), fc_hidden_size)
        self.output_layer = nn.Linear(fc_hidden_size, num_classes)


class GRUModel(nn.Layer):
    def __init__(self, vocab_size, num_classes, emb_dim=128, gru_hidden_size=198, gru_layers=1):
        super().__init__()
        self.embedder = nn.Embedding(vocab_size, emb_dim)
        self.gru = nn.GRU(emb_dim, gru_hidden_size, num_layers=gru_layers)
        self.output_layer = nn.Linear(gru_hidden_size, num_classes)


vocab_size = 30000
num_classes = 2
if args.network == "bilstm":
    model = LSTMModel(vocab_size, num_classes, direction="bidirect", padding_idx=0)
elif args.network == "lstm":
    model = LSTMModel(vocab_size, num_classes, lstm_hidden_size=args.hidden_size)
else:
    model = GRUModel(vocab_size, num_classes, gru_hidden_size=args.hidden_size)
