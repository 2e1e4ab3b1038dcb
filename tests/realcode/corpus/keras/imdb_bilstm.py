"""keras.io "Bidirectional LSTM on IMDB", with the model built by a function whose sizes have
defaults, called with and without overrides."""

import keras
from keras import layers

max_features = 20000  # Only consider the top 20k words
maxlen = 200  # Only consider the first 200 words of each movie review


def build_model(embed_dim=128, lstm_units=64):
    # Input for variable-length sequences of integers
    inputs = keras.Input(shape=(None,), dtype="int32")
    # Embed each integer in a 128-dimensional vector
    x = layers.Embedding(max_features, embed_dim)(inputs)
    # Add 2 bidirectional LSTMs
    x = layers.Bidirectional(layers.LSTM(lstm_units, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(lstm_units))(x)
    # Add a classifier
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)


class SentimentModel(keras.Model):
    def __init__(self, vocab_size, embedding_dim=64, rnn_units=32, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(vocab_size, embedding_dim)
        self.lstm = layers.Bidirectional(layers.LSTM(rnn_units))
        self.classifier = layers.Dense(1, activation="sigmoid")

    def call(self, inputs):
        x = self.embedding(inputs)
        x = self.lstm(x)
        return self.classifier(x)


model = build_model()
wide = build_model(lstm_units=128)
sentiment = SentimentModel(max_features)
