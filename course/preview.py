"""A first look at where the day ends: a finished digit reader on a photo of a digit sheet.

Notebook 01 opens with ``first_look()``. The reader is deliberately not the course's pipeline (that
is the participants' to write in 06): the digits' places come from the sheet's own layout, as
``course.digits.digit_sheet`` drew them, and each digit's ink is simply stretched to a 16 × 16
thumbnail and read by a small scikit-learn network trained here on the 4,000 bundled training
digits (about 12 CPU seconds, loading included). Nothing is downloaded, nothing comes from
``autograder``.
"""
from __future__ import annotations

import functools
import time
import warnings

import cv2
import matplotlib.pyplot as plt
import numpy as np

from course.digits import digit_sheet, load_digits_28

__all__ = ["first_look", "reader", "read_boxes"]

SIDE = 16  # each digit is read as a 16 × 16 thumbnail of its ink


def _thumbnail(ink: np.ndarray) -> np.ndarray:
    """The ink's bounding box stretched to SIDE × SIDE, scaled to [0, 1] (white ink on black)."""
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.25), np.flatnonzero(ink.max(axis=0) > 0.25)
    if len(rows) and len(cols):
        ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    small = cv2.resize(ink.astype(np.float32), (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    return small / max(float(small.max()), 1e-6)


@functools.cache
def reader():
    """A small multilayer perceptron trained on the bundled training digits (about ten seconds)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    x, y = load_digits_28("train")
    features = np.stack([_thumbnail(image) for image in x]).reshape(len(x), -1)
    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 40 passes are plenty for a preview
        model.fit(features, y)
    return model


def read_boxes(image_bgr: np.ndarray, boxes) -> list[int]:
    """The digit in each box of a sheet's photo, as the reader sees it."""
    gray = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    crops = []
    for x, y, w, h in boxes:
        crop = gray[max(y - 2, 0):y + h + 2, max(x - 2, 0):x + w + 2]
        paper = np.percentile(crop, 90)
        ink = np.clip((paper - crop) / max(paper - crop.min(), 1.0), 0, 1)
        crops.append(_thumbnail(ink).ravel())
    return [int(d) for d in reader().predict(np.stack(crops))] if crops else []


def first_look(seed: int = 7):
    """Train the reader, read a photo of a sheet, and show the photo with what was read."""
    start = time.perf_counter()
    sheet = digit_sheet(seed)
    read = read_boxes(sheet.image, sheet.boxes)
    right = sum(a == b for a, b in zip(read, sheet.labels, strict=False))
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.imshow(cv2.cvtColor(sheet.image, cv2.COLOR_BGR2RGB))
    for (x, y, w, h), digit, truth in zip(sheet.boxes, read, sheet.labels, strict=False):
        colour = "tab:green" if digit == truth else "tab:red"
        ax.add_patch(plt.Rectangle((x, y), w, h, fill=False, edgecolor=colour, linewidth=1.5))
        ax.text(x, y - 3, str(digit), color=colour, fontsize=13, fontweight="bold")
    ax.set_title(f"read {right} of {len(read)} handwritten digits right (red: misread)")
    ax.axis("off")
    print(f"trained a small network on 4,000 handwritten digits and read the sheet in "
          f"{time.perf_counter() - start:.1f} s")
    return fig
