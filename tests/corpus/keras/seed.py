import keras
from keras import layers

tiny = keras.Sequential([keras.Input((None, 3)), layers.LSTM(2)])
