"""A Keras training script for sensor sequences: every size a command-line option."""

import argparse

import keras
from keras import layers

parser = argparse.ArgumentParser(description="Human activity recognition with stacked LSTMs")
parser.add_argument("--timesteps", type=int, default=128)
parser.add_argument("--features", type=int, default=9)
parser.add_argument("--units", type=int, default=64)
parser.add_argument("--classes", type=int, default=6)
parser.add_argument("--epochs", type=int, default=15)
args = parser.parse_args()

model = keras.Sequential([
    keras.Input(shape=(args.timesteps, args.features)),
    layers.LSTM(args.units, return_sequences=True),
    layers.Dropout(0.5),
    layers.LSTM(args.units // 2),
    layers.Dense(args.classes, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
