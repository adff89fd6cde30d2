"""Mistakes and alternatives for 06-pipeline.

The cases that need a trained network share one, trained once on first use with
the reference solution (``trained``), so that collecting tests trains nothing.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from autograder.judging.reference import reference
from course.digits import augment_shifts, load_digits_28, validation_split
from course.fixtures import quiet

from . import Case


@dataclass
class Lazy(Case):
    """A case whose arguments are made when the test runs (they need a trained network)."""
    make: Callable | None = None

    def arguments(self):
        return self.make()


def _ref():
    return reference("06-pipeline")


def _keras():
    import keras
    return keras


@functools.cache
def trained():
    """The reference network trained as the notebook trains it: (model, history)."""
    keras, ref = _keras(), _ref()
    x_fit, y_fit, x_val, y_val = validation_split(*load_digits_28("train"), fraction=0.1, seed=0)
    x, y = augment_shifts(x_fit, y_fit, copies=3, max_shift=2, seed=0)
    keras.utils.set_random_seed(0)
    model = ref.build_model()
    with quiet():
        history = ref.train_model(model, x, y, epochs=8, seed=0, validation_data=(x_val, y_val))
    return model, history


def _with_model(fn):
    return lambda: (fn, trained()[0])


# --- preprocess_sheet ------------------------------------------------------------------

def _gray(image):
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _opened(binary, size=2):
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))


def _adaptive(gray, C=10, kind=cv2.THRESH_BINARY_INV, method=cv2.ADAPTIVE_THRESH_GAUSSIAN_C, block=31):
    return cv2.adaptiveThreshold(cv2.GaussianBlur(gray, (5, 5), 0), 255, method, kind, block, C)


def _clahe(gray):
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def _otsu(gray):
    return cv2.threshold(cv2.GaussianBlur(gray, (5, 5), 0), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]


def _flat_field(gray):
    """Divide by the paper's own brightness (the ink closed away): the light becomes even."""
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    return cv2.divide(gray, paper, scale=255)


def preprocess_sheet(image):
    closing = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    return cv2.morphologyEx(_opened(_adaptive(_clahe(_gray(image)))), cv2.MORPH_CLOSE, closing)


# --- find_digit_boxes ------------------------------------------------------------------

def _contour_boxes(binary, mode=cv2.RETR_EXTERNAL, min_height=12):
    contours, _ = cv2.findContours(binary, mode, cv2.CHAIN_APPROX_SIMPLE)
    return [b for b in map(cv2.boundingRect, contours) if b[3] >= min_height]


def _component_boxes(binary):
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] >= 15]


def _rows_by_gaps(boxes):
    boxes = sorted(boxes, key=lambda b: b[1] + b[3] / 2)
    if not boxes:
        return []
    jump = np.median([b[3] for b in boxes]) / 2
    rows = [[boxes[0]]]
    for previous, box in zip(boxes, boxes[1:], strict=False):
        if box[1] + box[3] / 2 - (previous[1] + previous[3] / 2) > jump:
            rows.append([])
        rows[-1].append(box)
    return [b for row in rows for b in sorted(row)]


def _rows_by_profile(binary, boxes):
    """Rows are the bands of the image's rows that hold any white."""
    inked = np.concatenate([[False], binary.max(axis=1) > 0, [False]])
    starts = np.flatnonzero(inked[1:] & ~inked[:-1])
    band = lambda b: np.searchsorted(starts, b[1] + b[3] / 2, side="right")  # noqa: E731
    return sorted(boxes, key=lambda b: (band(b), b[0]))


def _rows_by_mean(boxes):
    boxes = sorted(boxes, key=lambda b: b[1] + b[3] / 2)
    tolerance = 0.6 * np.median([b[3] for b in boxes]) if boxes else 0
    rows = []
    for box in boxes:
        if rows and box[1] + box[3] / 2 - np.mean([b[1] + b[3] / 2 for b in rows[-1]]) <= tolerance:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row)]


def find_digit_boxes(binary):
    return _rows_by_gaps(_contour_boxes(binary))


# --- to_mnist --------------------------------------------------------------------------

def _scaled(crop, size=None, swap=False, interpolation=cv2.INTER_AREA):
    crop = np.asarray(crop, np.float32) / 255.0
    h, w = crop.shape
    s = 20.0 / max(h, w)
    width, height = size or (max(1, round(w * s)), max(1, round(h * s)))
    if swap:
        width, height = height, width
    return cv2.resize(crop, (width, height), interpolation=interpolation)


def _pasted(digit, side=28):
    image = np.zeros((side, side), np.float32)
    h, w = digit.shape
    top, left = (side - h) // 2, (side - w) // 2
    image[top:top + h, left:left + w] = digit
    return image


def _centred(image):
    row, col = ndimage.center_of_mass(image)
    return np.clip(cv2.warpAffine(image, np.float32([[1, 0, 14 - col], [0, 1, 14 - row]]), (28, 28)), 0, 1)


def to_mnist(crop):
    return _centred(_pasted(_scaled(crop)))


def _to_mnist_rolled(crop):
    image = _pasted(_scaled(crop))
    row, col = ndimage.center_of_mass(image)
    return np.roll(image, (round(14 - row), round(14 - col)), axis=(0, 1))


def _to_mnist_square(crop):
    """Pad the crop to a square first: the digit keeps its aspect ratio in a 20 × 20 resize."""
    h, w = crop.shape
    side = max(h, w)
    square = np.zeros((side, side), np.uint8)
    square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = crop
    return _centred(_pasted(_scaled(square, size=(20, 20))))


def _to_mnist_shifted(crop):
    image = _pasted(_scaled(crop))
    row, col = ndimage.center_of_mass(image)
    return np.clip(ndimage.shift(image, (14 - row, 14 - col), order=1), 0, 1).astype(np.float32)


def _to_mnist_box_centred(crop):
    return _pasted(_scaled(crop))


# --- build_model -----------------------------------------------------------------------

def _cnn(input_shape=(28, 28, 1), num_classes=10, last="softmax", hidden=128, filters=(16, 32), padding="valid",
         loss="sparse_categorical_crossentropy", metrics=("accuracy",), compile=True, lr=0.003):
    keras = _keras()
    layers = [keras.Input(input_shape)]
    for f in filters:
        layers += [keras.layers.Conv2D(f, 3, activation="relu", padding=padding), keras.layers.MaxPooling2D()]
    layers.append(keras.layers.Flatten())
    if hidden:
        layers.append(keras.layers.Dense(hidden, activation="relu"))
    layers.append(keras.layers.Dense(num_classes, activation=last))
    model = keras.Sequential(layers)
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss, metrics=list(metrics))
    return model


def _functional(input_shape=(28, 28, 1), num_classes=10):
    keras = _keras()
    inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(16, 5, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(32, 5, activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Dense(num_classes)(keras.layers.Dropout(0.3)(keras.layers.Flatten()(x)))
    model = keras.Model(inputs, keras.layers.Activation("softmax")(x))
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


def _mlp(input_shape=(28, 28, 1), num_classes=10):
    keras = _keras()
    model = keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# --- train_model -----------------------------------------------------------------------

def _channel(x):
    x = np.asarray(x, np.float32)
    return x[..., None] if x.ndim == 3 else x


def _fit(model, x, y, epochs, seed=None, validation_data=None, **options):
    keras = _keras()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if validation_data is not None:
        validation_data = (_channel(validation_data[0]), validation_data[1])
    return model.fit(_channel(x), y, epochs=epochs, batch_size=options.pop("batch_size", 128),
                     validation_data=validation_data, **options)


def _fit_seeded_by_hand(model, x, y, epochs, seed, validation_data=None):
    import random

    import tensorflow as tf
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    if validation_data:
        x_val, y_val = validation_data
        validation_data = (np.expand_dims(x_val, -1), np.asarray(y_val))
    return model.fit(np.expand_dims(x, -1) if np.ndim(x) == 3 else x, y, epochs=epochs, batch_size=32, verbose=2,
                     validation_data=validation_data)


def _fit_validation_by_hand(model, x, y, epochs, seed, validation_data=None):
    """No validation_data for fit: evaluate after each epoch and put val_loss, val_accuracy in the History."""
    _keras().utils.set_random_seed(seed)
    history = None
    for _ in range(epochs):
        run = model.fit(_channel(x), y, epochs=1, batch_size=128, verbose=0)
        history = history or run
        if run is not history:
            for key, values in run.history.items():
                history.history[key] += values
            history.epoch.append(len(history.epoch))
        if validation_data is not None:
            loss, accuracy = model.evaluate(_channel(validation_data[0]), validation_data[1], verbose=0)
            history.history.setdefault("val_loss", []).append(loss)
            history.history.setdefault("val_accuracy", []).append(accuracy)
    return history


def _fit_model_returned(model, x, y, epochs, seed, validation_data=None):
    _fit(model, x, y, epochs, seed, validation_data)
    return model


# --- read_sheet ------------------------------------------------------------------------

def _read(image, model, cut=lambda binary, x, y, w, h: binary[y:y + h, x:x + w], steps=None):
    preprocess, boxes_of, normalise = steps or (preprocess_sheet, find_digit_boxes, to_mnist)
    binary = preprocess(image)
    boxes = boxes_of(binary)
    if not boxes:
        return []
    batch = np.stack([normalise(cut(binary, *box)) for box in boxes])[..., None]
    return [int(d) for d in np.asarray(model(batch, training=False)).argmax(axis=1)]


def read_sheet(image, model):
    return _read(image, model)


def _read_one_by_one(image, model):
    binary = preprocess_sheet(image)
    digits = []
    for x, y, w, h in find_digit_boxes(binary):
        probabilities = model(to_mnist(binary[y:y + h, x:x + w])[None, :, :, None], training=False)
        digits.append(int(np.argmax(probabilities)))
    return digits


def _read_predict_on_batch(image, model):
    binary = preprocess_sheet(image)
    boxes = find_digit_boxes(binary)
    if not boxes:
        return []
    batch = np.stack([to_mnist(binary[y:y + h, x:x + w]) for x, y, w, h in boxes])[..., None]
    return model.predict_on_batch(batch).argmax(axis=-1).tolist()


def _read_stack_always(image, model):
    binary = preprocess_sheet(image)
    batch = np.stack([to_mnist(binary[y:y + h, x:x + w]) for x, y, w, h in find_digit_boxes(binary)])
    return model.predict(batch[..., None], verbose=0).argmax(axis=1).tolist()


def _read_probabilities(image, model):
    binary = preprocess_sheet(image)
    batch = np.stack([to_mnist(binary[y:y + h, x:x + w]) for x, y, w, h in find_digit_boxes(binary)])
    return list(np.asarray(model(batch[..., None], training=False)))


def _other_pipeline(image):
    """Even out the light, Otsu, components for boxes, whole-pixel centring: a reader of its own."""
    return _opened(_otsu(_flat_field(_gray(image))))


def _read_other_pipeline(image, model):
    steps = (_other_pipeline, lambda b: _rows_by_profile(b, _component_boxes(b)), _to_mnist_rolled)
    return _read(image, model, steps=steps)


# --- detect_faces / face_to_input -------------------------------------------------------

def _cascade(name="haarcascade_frontalface_default.xml"):
    return cv2.CascadeClassifier(cv2.data.haarcascades + name)


def detect_faces(image, name="haarcascade_frontalface_default.xml", scale=1.1, neighbours=5, equalize=False):
    gray = _gray(image)
    gray = cv2.equalizeHist(gray) if equalize else gray
    return _cascade(name).detectMultiScale(gray, scaleFactor=scale, minNeighbors=neighbours, minSize=(40, 40))


def _face(image, box, size=48, equalize=True, interpolation=cv2.INTER_AREA, scale=255.0, channel=True,
          swap=False, code=cv2.COLOR_BGR2GRAY):
    x, y, w, h = (int(v) for v in box)
    crop = image[x:x + w, y:y + h] if swap else image[y:y + h, x:x + w]
    face = cv2.cvtColor(crop, code)
    face = cv2.equalizeHist(face) if equalize else face
    face = cv2.resize(face, (size, size), interpolation=interpolation).astype(np.float32) / scale
    return face[..., None] if channel else face


def _face_equalized_late(image, box, size=48):
    """Equalized after resizing, not before."""
    x, y, w, h = (int(v) for v in box)
    gray = cv2.cvtColor(image[y:y + h, x:x + w], cv2.COLOR_BGR2GRAY)
    return cv2.equalizeHist(cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA))[..., None] / 255.0


def _face_gray_first(image, box, size=48):
    x, y, w, h = map(int, box)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    face = cv2.resize(cv2.equalizeHist(np.ascontiguousarray(gray[y:y + h, x:x + w])), (size, size),
                      interpolation=cv2.INTER_AREA)
    return np.expand_dims(face / 255.0, axis=-1)


# --- the trained model -----------------------------------------------------------------

def _untrained():
    return _ref().build_model(), trained()[1]


def _logits():
    keras = _keras()
    model = trained()[0]
    head = keras.layers.Dense(10)
    logits = keras.Sequential([*model.layers[:-1], head])
    logits.build((None, 28, 28, 1))
    head.set_weights(model.layers[-1].get_weights())
    return logits, trained()[1]


def _functional_clone():
    keras = _keras()
    model = trained()[0]
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for layer in model.layers:
        x = layer(x)
    return keras.Model(inputs, x), trained()[1]


def _separate_softmax():
    keras = _keras()
    model = trained()[0]
    head = keras.layers.Dense(10)
    clone = keras.Sequential([*model.layers[:-1], head, keras.layers.Activation("softmax")])
    clone.build((None, 28, 28, 1))
    head.set_weights(model.layers[-1].get_weights())
    return clone, trained()[1]


MUTANTS = [
    Case("preprocess_sheet", "threshold not inverted: the paper is the foreground",
         lambda im: _opened(_adaptive(_clahe(_gray(im)), kind=cv2.THRESH_BINARY)),
         message="paper came out as the foreground"),
    Case("preprocess_sheet", "one Otsu threshold for the whole sheet", lambda im: _otsu(_gray(im)),
         message="A single threshold cannot follow uneven light"),
    Case("preprocess_sheet", "values 0 and 1", lambda im: preprocess_sheet(im) // 255, message="only 0 and 1"),
    Case("preprocess_sheet", "gray, not thresholded", lambda im: 255 - _clahe(_gray(im)), message="gray levels"),
    Case("preprocess_sheet", "no contrast step, offset C too large", lambda im: _opened(_adaptive(_gray(im), C=22)),
         message="Raise the contrast first (CLAHE)"),
    Case("preprocess_sheet", "no clean-up of the noise", lambda im: _adaptive(_clahe(_gray(im)), C=3),
         message="white blobs of digit size that are not digits"),
    Case("preprocess_sheet", "three channels", lambda im: cv2.cvtColor(preprocess_sheet(im), cv2.COLOR_GRAY2BGR),
         message="Convert the photo to gray first"),

    Case("find_digit_boxes", "OpenCV's contour order", lambda b: _contour_boxes(b),
         message="the order cv2.findContours returns them in"),
    Case("find_digit_boxes", "sorted by y, then x", lambda b: sorted(_contour_boxes(b), key=lambda r: (r[1], r[0])),
         message="sorted by y, then x"),
    Case("find_digit_boxes", "sorted by x alone", lambda b: sorted(_contour_boxes(b)), message="sorted by x alone"),
    Case("find_digit_boxes", "specks not filtered", lambda b: _rows_by_gaps(_contour_boxes(b, min_height=0)),
         message="are specks"),
    Case("find_digit_boxes", "holes as boxes (RETR_LIST)", lambda b: _rows_by_gaps(_contour_boxes(b, cv2.RETR_LIST)),
         message="cv2.RETR_EXTERNAL"),
    Case("find_digit_boxes", "corners instead of width and height",
         lambda b: [(x, y, x + w, y + h) for x, y, w, h in find_digit_boxes(b)], message="corners (x1, y1, x2, y2)"),
    Case("find_digit_boxes", "speck filter drops thin digits",
         lambda b: _rows_by_gaps([r for r in _contour_boxes(b) if r[2] * r[3] >= 700]), message="too strict"),

    Case("to_mnist", "values left in 0-255", lambda c: to_mnist(c) * 255, message="divide by 255"),
    Case("to_mnist", "stretched to 20 × 20", lambda c: _centred(_pasted(_scaled(c, size=(20, 20)))),
         message="stretched to a square"),
    Case("to_mnist", "width and height swapped in cv2.resize", lambda c: _centred(_pasted(_scaled(c, swap=True))),
         message="cv2.resize takes the size as (width, height)"),
    Case("to_mnist", "scaled to fill 28 × 28", lambda c: _centred(_scaled(c, size=(28, 28))),
         message="should fit in 20 × 20"),
    Case("to_mnist", "box centred, not the mass", _to_mnist_box_centred, message="The box is centred, not the mass"),
    Case("to_mnist", "float64", lambda c: to_mnist(c).astype(np.float64), message="expected float32"),
    Case("to_mnist", "channel axis kept", lambda c: to_mnist(c)[..., None], message="Drop the channel axis"),

    Case("build_model", "ReLU output", lambda *a: _cnn(*a, last="relu"), message="not probabilities"),
    Case("build_model", "not compiled", lambda *a: _cnn(*a, compile=False), message="not compiled"),
    Case("build_model", "one-hot loss", lambda *a: _cnn(*a, loss="categorical_crossentropy"), message="one-hot"),
    Case("build_model", "too many parameters", lambda *a: _cnn(*a, padding="same", hidden=256),
         message="the budget is"),
    Case("build_model", "no convolution", _mlp, message="no Conv2D layer"),
    Case("build_model", "no accuracy metric", lambda *a: _cnn(*a, metrics=()), message="metrics=[\"accuracy\"]"),
    Case("build_model", "ignores its arguments", lambda *a: _cnn(), message="takes inputs of shape"),
    Case("build_model", "from_logits with softmax",
         lambda *a: _cnn(*a, loss=_keras().losses.SparseCategoricalCrossentropy(from_logits=True)),
         message="from_logits"),
    Case("build_model", "learning rate far too high", lambda *a: _cnn(*a, lr=50.0),
         message="barely learns", public=False),

    Case("train_model", "not seeded", lambda m, x, y, e, s, v=None: _fit(m, x, y, e, validation_data=v),
         message="set_random_seed"),
    Case("train_model", "epochs ignored", lambda m, x, y, e, s, v=None: _fit(m, x, y, 1, s, v), message="epochs"),
    Case("train_model", "returns the model", _fit_model_returned, message="returned the model"),
    Case("train_model", "one-hot labels with a sparse loss",
         lambda m, x, y, e, s, v=None: _fit(m, x, np.eye(10)[y], e, s, v), message="raised"),
    Case("train_model", "no validation_data parameter", lambda m, x, y, e, s: _fit(m, x, y, e, s),
         message="validation_data=None"),
    Case("train_model", "validation data ignored", lambda m, x, y, e, s, validation_data=None: _fit(m, x, y, e, s),
         message="without val_loss"),
    Case("train_model", "Keras' validation_split instead of the validation data",
         lambda m, x, y, e, s, validation_data=None: _fit(m, x, y, e, s, validation_split=0.1),
         message="not on a validation_split"),

    Lazy("trained_model", "untrained network", make=_untrained, message="the target is 97%"),
    Lazy("trained_model", "logits, no softmax", make=_logits, message="not probabilities"),
    Lazy("trained_model", "too many parameters", make=lambda: (_cnn(padding="same", hidden=256), trained()[1]),
         message="the budget is"),
    Lazy("trained_model", "the model passed as history", make=lambda: (trained()[0], trained()[0]),
         message="expected the History"),

    Lazy("read_sheet", "returns an array", make=_with_model(lambda im, m: np.array(_read(im, m))),
         message="expected a list of ints"),
    Lazy("read_sheet", "x and y swapped when cutting the box",
         make=_with_model(lambda im, m: _read(im, m, cut=lambda b, x, y, w, h: b[x:x + w, y:y + h])),
         message="rows are y"),
    Lazy("read_sheet", "argmax over the wrong axis", make=_with_model(
        lambda im, m: np.asarray(_read_probabilities(im, m)).argmax(axis=0).tolist()), message="argmax of each row"),
    Lazy("read_sheet", "reversed", make=_with_model(lambda im, m: _read(im, m)[::-1]), message="backwards"),
    Lazy("read_sheet", "crops of the photo, not the binary image",
         make=_with_model(lambda im, m: _read(im, m, cut=lambda b, x, y, w, h: 255 - _gray(im)[y:y + h, x:x + w])),
         message="not one of the boxes cut from the binary image", public=False),
    Lazy("read_sheet", "no check for a sheet without digits", make=_with_model(_read_stack_always),
         message="return [] first"),
    Lazy("read_sheet", "probabilities instead of digits", make=_with_model(_read_probabilities),
         message="expected digits 0-9 as ints"),

    Lazy("whole_pipeline", "threshold not inverted",
         make=_with_model(lambda im, m: _read(im, m, steps=(lambda i: _opened(_adaptive(
             _clahe(_gray(i)), kind=cv2.THRESH_BINARY)), find_digit_boxes, to_mnist))), message="the target is 95%"),
    Lazy("whole_pipeline", "boxes in OpenCV's order",
         make=_with_model(lambda im, m: _read(im, m, steps=(preprocess_sheet, _contour_boxes, to_mnist))),
         message="the target is 95%"),
    Lazy("whole_pipeline", "first row only", make=_with_model(lambda im, m: _read(im, m)[:6]),
         message="the target is 95%"),
    Lazy("whole_pipeline", "digits stretched to 28 × 28", make=_with_model(lambda im, m: _read(
        im, m, steps=(preprocess_sheet, find_digit_boxes, lambda c: _scaled(c, size=(28, 28))))),
         message="the target is 95%"),

    Case("detect_faces", "the eye cascade", lambda im: detect_faces(im, "haarcascade_eye.xml"),
         message="haarcascade_frontalface_default.xml"),
    Case("detect_faces", "corners instead of width and height",
         lambda im: [(x, y, x + w, y + h) for x, y, w, h in detect_faces(im)], message="corners (x1, y1, x2, y2)"),
    Case("detect_faces", "minNeighbors 0: everything is a face", lambda im: detect_faces(im, neighbours=0),
         message="raise minNeighbors"),
    Case("detect_faces", "the first box only", lambda im: tuple(detect_faces(im)[0]) if len(detect_faces(im)) else (),
         message="expected a list of boxes"),
    Case("detect_faces", "cascade path wrong", lambda im: detect_faces(im, "frontalface.xml"), message="raised"),

    Case("face_to_input", "not equalized", lambda im, box, size=48: _face(im, box, size, equalize=False),
         message="cv2.equalizeHist", mistake="face_to_input.not_equalized"),
    Case("face_to_input", "values left in 0-255", lambda im, box, size=48: _face(im, box, size, scale=1.0),
         message="divide by 255"),
    Case("face_to_input", "no channel axis", lambda im, box, size=48: _face(im, box, size, channel=False),
         message="Add the channel axis"),
    Case("face_to_input", "INTER_LINEAR", lambda im, box, size=48: _face(im, box, size, interpolation=cv2.INTER_LINEAR),
         message="INTER_AREA", public=False, mistake="face_to_input.inter_linear"),
    Case("face_to_input", "converted as RGB", lambda im, box, size=48: _face(im, box, size, code=cv2.COLOR_RGB2GRAY),
         message="OpenCV images are BGR", public=False, mistake="face_to_input.bgr_as_rgb"),
    Case("face_to_input", "x and y swapped when cropping", lambda im, box, size=48: _face(im, box, size, swap=True),
         message="rows are y", mistake="face_to_input.crop_swapped"),
    Case("face_to_input", "equalized after resizing", _face_equalized_late, message="Equalized after resizing",
         public=False, mistake="face_to_input.equalized_after_resize"),
]

ALTERNATIVES = [
    Case("preprocess_sheet", "reference: CLAHE, adaptive Gaussian, opening", preprocess_sheet),
    Case("preprocess_sheet", "global equalization, adaptive mean", lambda im: _opened(_adaptive(
        cv2.equalizeHist(_gray(im)), C=12, method=cv2.ADAPTIVE_THRESH_MEAN_C), 3)),
    Case("preprocess_sheet", "even light, then Otsu", _other_pipeline),
    Case("preprocess_sheet", "adaptive without contrast step, smaller C",
         lambda im: _opened(_adaptive(_gray(im), C=7))),

    Case("find_digit_boxes", "reference: gaps between centres", find_digit_boxes),
    Case("find_digit_boxes", "components and rows by projection", lambda b: _rows_by_profile(b, _component_boxes(b))),
    Case("find_digit_boxes", "rows around their mean centre", lambda b: _rows_by_mean(_contour_boxes(b))),

    Case("to_mnist", "reference: sub-pixel shift", to_mnist),
    Case("to_mnist", "whole-pixel shift with np.roll", _to_mnist_rolled),
    Case("to_mnist", "padded to a square first", _to_mnist_square),
    Case("to_mnist", "scipy.ndimage.shift", _to_mnist_shifted),

    Case("build_model", "reference", lambda *a: _ref().build_model(*a)),
    Case("build_model", "functional API, separate softmax, loss and metric objects", _functional),
    Case("build_model", "notebook 04's CNN, loss as a function", lambda *a: _cnn(
        *a, hidden=0, loss=_keras().losses.sparse_categorical_crossentropy, metrics=("acc",))),

    Case("train_model", "reference", lambda *a, **k: _ref().train_model(*a, **k)),
    Case("train_model", "seeded by hand, batches of 32", _fit_seeded_by_hand),
    Case("train_model", "validation measured by hand after each epoch", _fit_validation_by_hand),

    Lazy("trained_model", "reference, trained", make=trained),
    Lazy("trained_model", "the same layers as a functional model", make=_functional_clone),
    Lazy("trained_model", "softmax as a layer of its own", make=_separate_softmax),

    Lazy("read_sheet", "reference", make=lambda: (_ref().read_sheet, trained()[0])),
    Lazy("read_sheet", "one digit at a time", make=_with_model(_read_one_by_one)),
    Lazy("read_sheet", "predict_on_batch", make=_with_model(_read_predict_on_batch)),

    Lazy("whole_pipeline", "reference", make=lambda: (_ref().read_sheet, trained()[0])),
    Lazy("whole_pipeline", "a reader of its own", make=_with_model(_read_other_pipeline)),

    Case("detect_faces", "reference", lambda im: _ref().detect_faces(im)),
    Case("detect_faces", "finer scales, fewer neighbours, equalized, an array",
         lambda im: detect_faces(im, scale=1.05, neighbours=5, equalize=True)),
    Case("detect_faces", "coarser scales, a list of tuples",
         lambda im: [tuple(map(int, b)) for b in detect_faces(im, scale=1.2, neighbours=6)]),

    Case("face_to_input", "reference", lambda *a: _ref().face_to_input(*a)),
    Case("face_to_input", "gray first, then crop; float64", _face_gray_first),
    Case("face_to_input", "float32 and reshape", lambda im, box, size=48: _face(im, box, size).reshape(size, size, 1)),
]
