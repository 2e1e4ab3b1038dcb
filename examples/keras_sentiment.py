"""Sentiment classifiers in Keras 3: the sizes flow from Input and Embedding through the graph."""

import keras
from keras import layers

MAX_TOKENS = 20_000
EMBED = 64

# The seed example: an LSTM of 2 units reading 3 features has 4·(2·3 + 2² + 2) = 48 parameters.
tiny = keras.Sequential([keras.Input((None, 3)), layers.LSTM(2)])

stacked = keras.Sequential([
    layers.Embedding(MAX_TOKENS, EMBED),
    layers.LSTM(128, return_sequences=True),
    layers.LSTM(64),
    layers.Dense(1, activation="sigmoid"),
])

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(MAX_TOKENS, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.GRU(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
functional = keras.Model(inputs, outputs)

built_by_adding = keras.Sequential()
built_by_adding.add(keras.Input(shape=(None, 16)))
built_by_adding.add(layers.SimpleRNN(32, return_sequences=True))
built_by_adding.add(layers.GRU(16, reset_after=False))
