"""The CNN itself.

Three conv blocks (32, 64, 128 filters, each halving the resolution) and one
dense layer: about 7.6 M multiply-adds per digit. That budget is set by the
serving targets (one digit in well under 1 ms, a batch of 8 under 2 ms on one
CPU core); with augmentation it still reaches about 99.5% on MNIST.
"""

from __future__ import annotations

import keras

INPUT_SHAPE = (28, 28, 1)
CLASSES = tuple(range(10))


def _conv_block(x, filters: int):
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    return keras.layers.MaxPooling2D()(x)


def build_model() -> keras.Model:
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for filters in (32, 64, 128):
        x = _conv_block(x, filters)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.4)(x)
    x = keras.layers.Dense(128, use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(len(CLASSES), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")
