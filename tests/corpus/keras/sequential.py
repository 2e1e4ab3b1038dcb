"""Keras Sequential models: the input size flows from `Input`, `Embedding`, `input_shape=` on the
first layer and `.add()` chains through stacked recurrent layers."""

import keras

MAX_TOKENS = 20_000
EMBED_DIM = 64
TIMESTEPS, FEATURES = 30, 8

# Input first; stacked LSTMs pass their full sequences on.
stacked = keras.Sequential([
    keras.Input(shape=(TIMESTEPS, FEATURES)),
    keras.layers.LSTM(64, return_sequences=True),
    keras.layers.Dropout(0.2),
    keras.layers.LSTM(32),
    keras.layers.Dense(1),
])

# Embedding first: the token embedding's width is the LSTM's input size.
sentiment = keras.Sequential([
    keras.layers.Embedding(MAX_TOKENS, EMBED_DIM, mask_zero=True),
    keras.layers.LSTM(128, return_sequences=True),
    keras.layers.LSTM(64),
    keras.layers.Dense(1, activation="sigmoid"),
], name="sentiment")
sentiment.build(input_shape=(None, None))

# Keras-2 style: `input_shape=` on the first layer.
legacy = keras.Sequential([
    keras.layers.GRU(48, input_shape=(None, FEATURES), return_sequences=True),
    keras.layers.TimeDistributed(keras.layers.Dense(5)),
])

# Built up with .add(), Masking and SimpleRNN included.
added = keras.Sequential()
added.add(keras.Input(shape=(None, 16)))
added.add(keras.layers.Masking(mask_value=0.0))
added.add(keras.layers.SimpleRNN(32, return_sequences=True))
added.add(keras.layers.GRU(16, reset_after=False))
added.add(keras.layers.Dense(4, activation="softmax"))
