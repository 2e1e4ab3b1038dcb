"""TensorFlow-style imports of Keras: `from tensorflow import keras`, `tf.keras.layers.GRU`,
`import tensorflow.keras.layers as kl`."""

import tensorflow as tf
import tensorflow.keras.layers as kl
from tensorflow import keras

TIMESTEPS, FEATURES = 50, 12

regressor = keras.Sequential([
    keras.Input(shape=(TIMESTEPS, FEATURES)),
    tf.keras.layers.GRU(32, return_sequences=True),
    kl.LSTM(16),
    kl.Dense(1),
])

inputs = tf.keras.Input(shape=(None, FEATURES))
hidden = kl.Bidirectional(kl.LSTM(8))(inputs)
outputs = keras.layers.Dense(3)(hidden)
classifier = tf.keras.Model(inputs=inputs, outputs=outputs)
