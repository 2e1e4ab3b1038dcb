"""A subclassed keras.Model: the layers learn their input sizes only when the model is called."""

import keras
from keras import layers


class Seq2Seq(keras.Model):
    def __init__(self, vocab_size, units=128):
        super().__init__()
        self.embedding = layers.Embedding(vocab_size, 64)
        self.encoder = layers.LSTM(units, return_state=True)
        self.decoder = layers.LSTM(units, return_sequences=True)
        self.project = layers.Dense(vocab_size)

    def call(self, inputs):
        x = self.embedding(inputs)
        _, h, c = self.encoder(x)
        return self.project(self.decoder(x, initial_state=[h, c]))
