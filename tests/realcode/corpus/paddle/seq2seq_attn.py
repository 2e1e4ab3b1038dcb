"""PaddleNLP's machine-translation seq2seq with attention: layers receive their sizes, the decoder
cell stacks LSTM cells in a comprehension, and the model is built at the bottom from literals."""

import paddle
import paddle.nn as nn
import paddle.nn.functional as F


class Seq2SeqEncoder(nn.Layer):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers, dropout_prob=0.0, init_scale=0.1):
        super(Seq2SeqEncoder, self).__init__()
        self.embedder = nn.Embedding(
            vocab_size, embed_dim,
            weight_attr=paddle.ParamAttr(initializer=nn.initializer.Uniform(low=-init_scale, high=init_scale)))
        self.lstm = nn.LSTM(
            input_size=embed_dim, hidden_size=hidden_size, num_layers=num_layers, direction="forward",
            dropout=dropout_prob if num_layers > 1 else 0.0)

    def forward(self, sequence, sequence_length):
        inputs = self.embedder(sequence)
        encoder_output, encoder_state = self.lstm(inputs, sequence_length=sequence_length)
        return encoder_output, encoder_state


class AttentionLayer(nn.Layer):
    def __init__(self, hidden_size, bias=False, init_scale=0.1):
        super(AttentionLayer, self).__init__()
        self.input_proj = nn.Linear(hidden_size, hidden_size, bias_attr=bias)
        self.output_proj = nn.Linear(hidden_size + hidden_size, hidden_size, bias_attr=bias)

    def forward(self, hidden, encoder_output, encoder_padding_mask):
        encoder_output = self.input_proj(encoder_output)
        attn_scores = paddle.matmul(paddle.unsqueeze(hidden, [1]), encoder_output, transpose_y=True)
        attn_scores = F.softmax(attn_scores)
        attn_out = paddle.matmul(attn_scores, encoder_output)
        return paddle.tanh(self.output_proj(paddle.concat([paddle.squeeze(attn_out, [1]), hidden], 1)))


class Seq2SeqDecoderCell(nn.RNNCellBase):
    def __init__(self, num_layers, input_size, hidden_size, dropout_prob=0.0):
        super(Seq2SeqDecoderCell, self).__init__()
        self.dropout = nn.Dropout(dropout_prob)
        self.lstm_cells = nn.LayerList([
            nn.LSTMCell(input_size=input_size + hidden_size if i == 0 else hidden_size, hidden_size=hidden_size)
            for i in range(num_layers)
        ])
        self.attention_layer = AttentionLayer(hidden_size)


class Seq2SeqDecoder(nn.Layer):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers, dropout_prob=0.0, init_scale=0.1):
        super(Seq2SeqDecoder, self).__init__()
        self.embedder = nn.Embedding(vocab_size, embed_dim)
        self.lstm_attention = nn.RNN(
            Seq2SeqDecoderCell(num_layers, embed_dim, hidden_size, dropout_prob), is_reverse=False, time_major=False)
        self.output_layer = nn.Linear(hidden_size, vocab_size, bias_attr=False)


class Seq2SeqAttnModel(nn.Layer):
    def __init__(self, src_vocab_size, trg_vocab_size, embed_dim, hidden_size, num_layers, dropout_prob=0.0,
                 eos_id=1, sos_id=0, init_scale=0.1):
        super(Seq2SeqAttnModel, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.encoder = Seq2SeqEncoder(src_vocab_size, embed_dim, hidden_size, num_layers, dropout_prob, init_scale)
        self.decoder = Seq2SeqDecoder(trg_vocab_size, embed_dim, hidden_size, num_layers, dropout_prob, init_scale)


model = Seq2SeqAttnModel(src_vocab_size=17191, trg_vocab_size=7709, embed_dim=512, hidden_size=512, num_layers=2,
                         dropout_prob=0.2)
encoder = Seq2SeqEncoder(8000, 256, 256, 1)
