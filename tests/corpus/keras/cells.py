"""Cells wrapped in `RNN`, a stack of cells, and a ConvLSTM."""

import keras
from keras import layers

cells = [layers.LSTMCell(32), layers.LSTMCell(16)]
stack = keras.Sequential([
    keras.Input((None, 10)),
    layers.RNN(layers.GRUCell(20), return_sequences=True),
    layers.RNN(layers.StackedRNNCells(cells)),
])

video = keras.Sequential([
    keras.Input((None, 16, 16, 3)),
    layers.ConvLSTM2D(8, (3, 3), padding="same"),
])
