"""The CNN itself.

Three conv blocks (32, 64, 128 filters times ``width``, each halving the
resolution) and one dense layer; eleven outputs, the digits and "not a digit".
At width 1 that is about 7.6 M multiply-adds per digit, at 1.5 about 17 M. The
budget is set by the serving targets (one 280x280 canvas read at p50 <= 5 ms on
one CPU core, of which the model takes well under 1 ms).
"""

from __future__ import annotations

import keras

from ml.model import DIGITS

INPUT_SHAPE = (28, 28, 1)
CLASSES = tuple(range(DIGITS))


def _conv_block(x, filters: int):
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    return keras.layers.MaxPooling2D()(x)


def build_model(width: float = 1.0) -> keras.Model:
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for filters in (32, 64, 128):
        x = _conv_block(x, round(filters * width))
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.4)(x)
    x = keras.layers.Dense(round(128 * width), use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(len(CLASSES) + 1, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")
