"""Mistakes and alternatives for 06's finale (faces → emotions, save_and_reload): a part of 06's
catalogue (``autograder.hidden.PARTS``), its checks in ``course.checks.finale``.

``read_emotions`` is judged with the learner's own ``emotion_input`` (the probe reads it from the
function's module): the functions below find ``detect_faces`` and ``emotion_input`` here, the reference's.
"""
from __future__ import annotations

import functools

import cv2
import numpy as np

from course.emotions import load_emotion_model
from course.fixtures import small_cnn

from . import Case
from .pipeline import Lazy, _ref


def detect_faces(image):
    return _ref().detect_faces(image)


def emotion_input(image, box, size=64):
    return _ref().emotion_input(image, box, size)


def _keras():
    import keras
    return keras


# --- emotion_input ---------------------------------------------------------------------

def _input(image, box, size=64, code=cv2.COLOR_BGR2GRAY, interpolation=cv2.INTER_AREA, resize=True,
           equalize=False, swap=False, scale=lambda face: (face / 255.0 - 0.5) * 2, dtype=np.float32):
    x, y, w, h = (int(v) for v in box)
    crop = image[x:x + w, y:y + h] if swap else image[y:y + h, x:x + w]
    face = cv2.cvtColor(crop, code)
    face = cv2.equalizeHist(face) if equalize else face
    face = cv2.resize(face, (size, size), interpolation=interpolation) if resize else face
    return scale(face.astype(dtype))[..., np.newaxis]


def _gray_first(image, box, size=64):
    x, y, w, h = (int(v) for v in box)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    face = cv2.resize(np.ascontiguousarray(gray[y:y + h, x:x + w]), (size, size))
    return np.expand_dims(face / 127.5 - 1.0, axis=-1)


# --- read_emotions ---------------------------------------------------------------------

def _emotions(image, model, boxes=None, prepare=None, after=lambda p: p, order=lambda b: b):
    """A read_emotions with its steps replaceable: the boxes, the preparation, what is done to the output."""
    boxes = detect_faces(image) if boxes is None else boxes(image)
    if not boxes:
        return []
    batch = np.stack([(prepare or emotion_input)(image, box) for box in boxes])
    return [(order(box), after(p)) for box, p in zip(boxes, model.predict(batch, verbose=0), strict=False)]


def _softmax(p):
    e = np.exp(p - p.max())
    return e / e.sum()


@functools.cache
def _logits_of(model):
    keras = _keras()
    return keras.Model(model.inputs, model.layers[-2].output)  # the scores before the final softmax


def _per_face(image, model):
    return [(box, np.asarray(model(emotion_input(image, box)[None], training=False))[0].tolist())
            for box in detect_faces(image)]


def _with_model(fn):
    return lambda: (fn, load_emotion_model())


# --- save_and_reload -------------------------------------------------------------------

def _saved(model, path):
    model.save(path)
    return _keras().models.load_model(path)


def _fresh_copy(model, path):
    """A copy of the architecture with new weights: what a model saved before training holds."""
    _keras().models.clone_model(model).save(path)
    return _keras().models.load_model(path)


def _weights_only(model, path):
    model.save_weights(str(path).replace(".keras", ".weights.h5"))
    return model


def _another_model(model, path):
    model.save(path)
    return small_cnn(seed=3)


def _with_cnn(fn):
    return lambda: (fn, small_cnn(seed=7))


# --- annotate_frame --------------------------------------------------------------------

def _annotate(frame, digit_model, emotion_model, digits=True, faces=True, in_place=False, swap=False, thickness=2,
              inside=False):
    ref = _ref()
    out = frame if in_place else frame.copy()

    def draw(box, text, colour):
        x, y, w, h = box
        x, y, w, h = (y, x, h, w) if swap else (x, y, w, h)
        cv2.rectangle(out, (x, y), (x + w, y + h), colour, thickness)
        cv2.putText(out, text, (x + 2, y + 14) if inside else (x, max(12, y - 4)), cv2.FONT_HERSHEY_PLAIN, 1.0,
                    colour, 1)

    binary = ref.preprocess_sheet(frame)
    boxes = ref.find_digit_boxes(binary) if digits else []
    if boxes:
        batch = np.stack([ref.to_mnist(binary[y:y + h, x:x + w]) for x, y, w, h in boxes])[..., None]
        for box, digit in zip(boxes, digit_model.predict(batch, verbose=0).argmax(axis=1), strict=False):
            draw(box, str(digit), (255, 0, 0))
    for box, p in (ref.read_emotions(frame, emotion_model) if faces else []):
        draw(box, "happy" if np.argmax(p) == 3 else "other", (0, 255, 0))
    return out


def _with_both(fn):
    return lambda: (fn, small_cnn(seed=7), load_emotion_model())


# --- to_tflite / tflite_predict ---------------------------------------------------------

def _convert(model):
    import tensorflow as tf
    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def _lite_predict(data, x, scale=1.0, resize=True):
    from course.lite import interpreter
    runner = interpreter(data)
    first, last = runner.get_input_details()[0], runner.get_output_details()[0]
    if resize:
        runner.resize_tensor_input(first["index"], x.shape)
    runner.allocate_tensors()
    runner.set_tensor(first["index"], np.asarray(x, np.float32) * scale)
    runner.invoke()
    return runner.get_tensor(last["index"])


def _lite_one_by_one(data, x):
    return np.concatenate([_lite_predict(data, x[i:i + 1], resize=False) for i in range(len(x))])


def _with_lite(convert, predict):
    return lambda: (convert, predict, small_cnn(seed=7))


MUTANTS = [
    Case("emotion_input", "scaled to [0, 1]", lambda im, box, size=64: _input(im, box, size, scale=lambda f: f / 255),
         message="trained on (x / 255 - 0.5) * 2", mistake="emotion_input.scaled_to_unit"),
    Case("emotion_input", "converted as RGB", lambda im, box, size=64: _input(im, box, size, code=cv2.COLOR_RGB2GRAY),
         message="OpenCV images are BGR", mistake="emotion_input.bgr_as_rgb"),
    Case("emotion_input", "equalized like face_to_input", lambda im, box, size=64: _input(im, box, size, equalize=True),
         message="without equalization", mistake="emotion_input.equalized"),
    Case("emotion_input", "no resize", lambda im, box, size=64: _input(im, box, size, resize=False),
         message="Resize the gray crop"),
    Case("emotion_input", "x and y swapped when cropping", lambda im, box, size=64: _input(im, box, size, swap=True),
         message="rows are y, columns x", mistake="emotion_input.crop_swapped"),
    Case("emotion_input", "x / 127.5 without - 1",
         lambda im, box, size=64: _input(im, box, size, scale=lambda f: f / 127.5), message="[-1, 1]",
         mistake="emotion_input.not_shifted"),
    Lazy("read_emotions", "a second softmax", make=_with_model(lambda im, m: _emotions(im, m, after=_softmax)),
         message="no second softmax"),
    Lazy("read_emotions", "scores before the softmax",
         make=_with_model(lambda im, m: _emotions(im, _logits_of(m))), message="sum to 1"),
    Lazy("read_emotions", "boxes as (y, x, h, w)",
         make=_with_model(lambda im, m: _emotions(im, m, order=lambda b: (b[1], b[0], b[3], b[2]))),
         message="looks like (y, x, h, w)"),
    Lazy("read_emotions", "its own preprocessing, scaled to [0, 1]",
         make=_with_model(lambda im, m: _emotions(im, m, prepare=lambda i, b: _input(i, b, scale=lambda f: f / 255))),
         message="differ by up to", public=False),
    Lazy("read_emotions", "the first face only",
         make=_with_model(lambda im, m: _emotions(im, m, boxes=lambda i: detect_faces(i)[:1])),
         message="faces; detect_faces finds", public=False),
    Lazy("save_and_reload", "returns the model given", make=_with_cnn(lambda m, p: (m.save(p), m)[1]),
         message="returned the model it was given"),
    Lazy("save_and_reload", "a model saved before training (new weights)", make=_with_cnn(_fresh_copy),
         message="saved before training"),
    Lazy("save_and_reload", "weights only", make=_with_cnn(_weights_only), message="wrote no file at the path"),
    Lazy("save_and_reload", "returns another model", make=_with_cnn(_another_model),
         message="returned a model whose predictions differ"),
    Lazy("to_tflite", "a fresh copy converted (new weights)",
         make=_with_lite(lambda m: _convert(_keras().models.clone_model(m)), _lite_predict),
         message="convert the model you were given"),
    Lazy("to_tflite", "the converter, not its bytes",
         make=_with_lite(lambda m: __import__("tensorflow").lite.TFLiteConverter.from_keras_model(m), _lite_predict),
         message="not the bytes of a .tflite"),
    Lazy("to_tflite", "input tensor never resized",
         make=_with_lite(_convert, functools.partial(_lite_predict, resize=False)), message="raised"),
    Lazy("to_tflite", "the input scaled by 255",
         make=_with_lite(_convert, functools.partial(_lite_predict, scale=255.0)),
         message="pass x as float32, unchanged"),
    Lazy("to_tflite", "labels instead of probabilities",
         make=_with_lite(_convert, lambda d, x: _lite_predict(d, x).argmax(axis=1)),
         message="one row of probabilities per image"),
    Lazy("annotate_frame", "draws on the frame given", make=_with_both(functools.partial(_annotate, in_place=True)),
         message="drew on the frame it was given"),
    Lazy("annotate_frame", "no faces", make=_with_both(functools.partial(_annotate, faces=False)),
         message="no box around the face"),
    Lazy("annotate_frame", "no digits", make=_with_both(functools.partial(_annotate, digits=False)),
         message="no box around"),
    Lazy("annotate_frame", "boxes drawn as (y, x, h, w)", make=_with_both(functools.partial(_annotate, swap=True)),
         message="no box around"),
    Lazy("annotate_frame", "the frame, not annotated", make=_with_both(lambda frame, *models: frame.copy()),
         message="no box around"),
]

ALTERNATIVES = [
    Case("emotion_input", "reference", lambda *a: _ref().emotion_input(*a)),
    Case("emotion_input", "INTER_LINEAR (cv2.resize's default)",
         lambda im, box, size=64: _input(im, box, size, interpolation=cv2.INTER_LINEAR)),
    Case("emotion_input", "gray first, then crop; x / 127.5 - 1 in float64", _gray_first),
    Lazy("read_emotions", "reference: one batch", make=_with_model(lambda *a: _ref().read_emotions(*a))),
    Lazy("read_emotions", "one face at a time, probabilities as lists", make=_with_model(_per_face)),
    Lazy("read_emotions", "boxes as lists, a tuple of pairs",
         make=_with_model(lambda im, m: tuple((list(b), p) for b, p in _emotions(im, m)))),
    Lazy("save_and_reload", "reference", make=_with_cnn(lambda *a: _ref().save_and_reload(*a))),
    Lazy("save_and_reload", "keras.saving, loaded without compiling",
         make=_with_cnn(lambda m, p: (_keras().saving.save_model(m, p),
                                      _keras().saving.load_model(p, compile=False))[1])),
    Lazy("save_and_reload", "model.save then keras.models.load_model", make=_with_cnn(_saved)),
    Lazy("to_tflite", "reference", make=lambda: (_ref().to_tflite, _ref().tflite_predict, small_cnn(seed=7))),
    Lazy("to_tflite", "one image at a time, no resizing", make=_with_lite(_convert, _lite_one_by_one)),
    Lazy("annotate_frame", "reference", make=_with_both(lambda *a: _ref().annotate_frame(*a))),
    Lazy("annotate_frame", "thin lines, labels inside the boxes",
         make=_with_both(functools.partial(_annotate, thickness=1, inside=True))),
]
