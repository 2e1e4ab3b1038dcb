"""The functional API: `x = layer(...)(x)` chains, Bidirectional merge modes, TimeDistributed, a layer
instance applied twice (its weights count once)."""

from keras import Input, Model, layers

VOCAB = 10_000
EMBED = 128
UNITS = 64

inputs = Input(shape=(None,), dtype="int32")
x = layers.Embedding(VOCAB, EMBED)(inputs)
x = layers.Dropout(0.1)(x)
x = layers.Bidirectional(layers.LSTM(UNITS, return_sequences=True))(x)
x = layers.Bidirectional(layers.GRU(UNITS, return_sequences=True), merge_mode="sum")(x)
x = layers.Bidirectional(layers.SimpleRNN(16, return_sequences=True), merge_mode="mul")(x)
x = layers.Bidirectional(layers.LSTM(8, return_sequences=True), merge_mode="ave")(x)
x = layers.TimeDistributed(layers.Dense(32, activation="relu"))(x)
x = layers.LayerNormalization()(x)
outputs = layers.Bidirectional(layers.GRU(12))(x)
tagger = Model(inputs, outputs)

# Siamese: one encoder instance applied to two inputs.
left = Input(shape=(None, 20))
right = Input(shape=(None, 20))
encoder = layers.LSTM(24)
merged = layers.concatenate([encoder(left), encoder(right)])
score = layers.Dense(1, activation="sigmoid")(merged)
siamese = Model(inputs=[left, right], outputs=score)

# Masking, then a bidirectional layer that returns both directions stacked (merge_mode=None).
frames = Input(shape=(None, 6))
masked = layers.Masking()(frames)
forward, backward = layers.Bidirectional(layers.GRU(10, return_sequences=True), merge_mode=None)(masked)
both = Model(frames, [forward, backward])
