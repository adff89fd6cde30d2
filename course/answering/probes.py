"""Measurements of the stateful things of 06-pipeline, as plain data.

A Keras model, a training run or a History cannot travel to the grader; what
they are and what they do can. These probes (registered with
``course.answering.answers.probe``; questions name them as ``"call": "probe:<name>"``)
describe a model's architecture and compile settings, run a short training,
report a History's content and a model's probabilities on the grader's inputs.
They measure and never judge: the grader computes losses and accuracies from
what they report, in its own process.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from course.answering.answers import probe, replaced
from course.fixtures import quiet, small_cnn

CHUNK = 250  # images per forward pass


def _keras():
    import keras  # imported on first use: answering 01's questions must stay light
    return keras


def _all_layers(model):
    """Every layer, including those of nested models."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _attempt(measure, default=None):
    """``measure()``, or ``default`` when the object cannot say."""
    try:
        return measure()
    except Exception:
        return default


def _shape(shape) -> Any:
    """A Keras shape as a tuple of ints and None, or its text when it is something else."""
    if isinstance(shape, (tuple, list)) and all(v is None or isinstance(v, (int, np.integer)) for v in shape):
        return tuple(None if v is None else int(v) for v in shape)
    return None if shape is None else str(shape)[:200]


def loss_name(loss) -> str:
    """A loss's name in a compile config: a string, a function's name, or a loss object's name."""
    if isinstance(loss, dict):
        config = loss.get("config")
        return str(config if isinstance(config, str) else (config or {}).get("name", loss.get("class_name", "")))
    return str(loss)


def kind(value) -> str:
    """"None", "Model", "History", or the name of the value's type."""
    keras = _keras()
    if value is None:
        return "None"
    if isinstance(value, keras.Model):
        return "Model"
    if isinstance(value, keras.callbacks.History):
        return "History"
    return type(value).__name__


def predict(model, x) -> np.ndarray:
    """The model's outputs on ``x`` (images of shape (28, 28), (28, 28, 1), ...), as one array."""
    x = np.asarray(x, np.float32)
    if x.ndim == 3:
        x = x[..., None]
    parts = [np.asarray(model(x[i:i + CHUNK], training=False)) for i in range(0, len(x), CHUNK)]
    return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)


def describe_model(model, batch=None) -> dict:
    """A model's architecture and compile settings, and its outputs on ``batch``, as plain data."""
    found = kind(model)
    if found != "Model":
        return {"kind": found}
    config = _attempt(model.get_compile_config, {}) if getattr(model, "compiled", False) else {}
    config = config if isinstance(config, dict) else {}
    loss = config.get("loss")
    last = model.layers[-1] if model.layers else None
    activation = getattr(last, "activation", None)
    description = {
        "kind": "Model",
        "input_shape": _shape(_attempt(lambda: model.input_shape)),
        "output_shape": _shape(_attempt(lambda: model.output_shape)),
        "layers": [type(layer).__name__ for layer in _all_layers(model)],
        "params": _attempt(lambda: int(model.count_params())),
        "compiled": bool(config),
        "loss": loss_name(loss) if config else None,
        "from_logits": bool(isinstance(loss, dict) and isinstance(loss.get("config"), dict)
                            and loss["config"].get("from_logits")),
        "metrics": str(config.get("metrics")) if config else None,
        "last_activation": getattr(activation, "__name__", None if activation is None else str(activation)),
    }
    if batch is not None:
        try:
            description["outputs"] = np.asarray(model(np.asarray(batch, np.float32), training=False))
        except Exception as error:
            description["outputs_error"] = f"{type(error).__name__}: {error}"[:300]
    return description


def history_content(history) -> dict:
    """What a History holds: its kind, ``history.history`` (lists of floats) and ``history.epoch``."""
    content: dict = {"kind": kind(history)}
    if content["kind"] == "History":
        content["history"] = _attempt(lambda: {str(k): [float(v) for v in values]
                                               for k, values in history.history.items()})
        content["epoch"] = _attempt(lambda: [int(e) for e in history.epoch])
    return content


@probe
def model_built(build_model, args, batch):
    """``build_model(*args)``, described, with its outputs on ``batch``."""
    return describe_model(build_model(*args), batch)


@probe
def model_learns(build_model, x, y, seed):
    """``build_model()`` fitted for one epoch on (x, y): its probabilities on x before and after."""
    model = build_model()
    _keras().utils.set_random_seed(seed)
    before = predict(model, x)
    with quiet():
        model.fit(np.asarray(x, np.float32), np.asarray(y), epochs=1, batch_size=128, verbose=0)
    return {"before": before, "after": predict(model, x)}


@probe
def training_run(train_model, x, y, epochs, seed, global_seed, validation=None):
    """``train_model`` on a fresh tiny CNN: what it returned, and the network before and after; with
    ``validation`` (x_val, y_val) passed as ``validation_data``, also its probabilities on x_val after."""
    model = small_cnn(seed=7)
    _keras().utils.set_random_seed(global_seed)  # only a train_model that seeds itself repeats a run
    before = predict(model, x)
    with quiet():
        if validation is None:
            returned = train_model(model, x, y, epochs, seed)
        else:
            returned = train_model(model, x, y, epochs, seed, validation_data=tuple(validation))
    report = {"returned": history_content(returned), "before": before, "after": predict(model, x),
              "weights": [np.asarray(w) for w in model.get_weights()]}
    if validation is not None:
        report["validation"] = predict(model, validation[0])
    return report


@probe
def model_described(model, batch):
    """The model, described, with its outputs on ``batch``."""
    return describe_model(model, batch)


@probe
def history_of(history):
    """The History's content."""
    return history_content(history)


@probe
def model_predictions(model, x):
    """The model's probabilities on the grader's images."""
    return predict(model, x)


_HELD: dict = {}


@probe
def hold_subject(subject):
    """Keep a subject (the model) for the questions after this one in the same cell."""
    _HELD["subject"] = subject


@probe
def read_with_held(read_sheet, image, steps=None):
    """``read_sheet(image, held model)``, with the grader's prepared steps in its namespace."""
    with replaced(read_sheet, steps or {}):
        return read_sheet(image, _HELD.get("subject"))
