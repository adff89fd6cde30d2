"""Figures for 06-pipeline: every stage from photo to digits, the training, and faces."""
from __future__ import annotations

import cv2
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from scipy import ndimage

from course.checks.pipeline import blobs
from course.digits import match_boxes


def _rgb(image):
    """A BGR photo as RGB for matplotlib; gray images pass through."""
    image = np.asarray(image)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if image.ndim == 3 else image


def _grid(count, columns, size=2.4, height=None):
    rows = -(-count // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, (height or size) * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes.flat


def show_bgr(image, title=""):
    """One photo, in its true colours."""
    fig, ax = plt.subplots(figsize=(7, 5.3))
    ax.imshow(_rgb(image), cmap="gray")
    ax.set_title(title)
    ax.axis("off")
    return fig


def digits(images, labels, title=""):
    """A row of 28 × 28 digits with their labels."""
    fig, axes = _grid(len(images), len(images), size=1.1, height=1.35)
    for ax, image, label in zip(axes, images, labels, strict=False):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.set_title(str(label), fontsize=10)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def stages(images):
    """The pipeline's stages side by side, titled by name."""
    fig, axes = _grid(len(images), 3, size=4.2, height=3.4)
    for ax, (name, image) in zip(axes, images.items(), strict=False):
        ax.imshow(_rgb(image), cmap="gray", vmin=0, vmax=255)
        ax.set_title(name)
    fig.tight_layout()
    return fig


def _score(binary, sheet):
    """Digits found as separate blobs, and blobs of digit size that are no digit."""
    boxes = blobs(binary)
    matched = match_boxes(boxes, sheet.boxes)
    found = sum(m is not None for m in matched)
    return found, len(boxes) - len({m for m in matched if m is not None})


def compare_thresholds(variants, sheet, sheets, preprocess_sheet):
    """Each way of thresholding one sheet, with how many digits it finds on many sheets."""
    variants = dict(variants, **{"your preprocess_sheet": None})
    total = sum(len(s.labels) for s in sheets)
    fig, axes = _grid(len(variants), 3, size=4.2, height=3.6)
    for ax, (name, variant) in zip(axes, variants.items(), strict=False):
        run = preprocess_sheet if variant is None else (
            lambda image, f=variant: f(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)))
        scores = np.array([_score(run(s.image), s) for s in sheets]).sum(axis=0)
        ax.imshow(run(sheet.image), cmap="gray")
        ax.set_title(f"{name}\nfound {scores[0]}/{total}, extra {scores[1]}", fontsize=10,
                     color="green" if scores[0] >= 0.95 * total else "red")
    fig.tight_layout()
    return fig


def contours_and_boxes(image, contours, boxes):
    """Left: all contours in OpenCV's order; right: the digit boxes in reading order."""
    left, right = _rgb(image).copy(), _rgb(image).copy()
    cv2.drawContours(left, contours, -1, (255, 0, 0), 2)
    for i, contour in enumerate(contours):
        x, y, _, _ = cv2.boundingRect(contour)
        cv2.putText(left, str(i), (x, y - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (200, 0, 0), 1)
    for i, (x, y, w, h) in enumerate(boxes):
        cv2.rectangle(right, (x, y), (x + w, y + h), (0, 160, 0), 2)
        cv2.putText(right, str(i), (x, y - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 120, 0), 2)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    for ax, picture, title in zip(axes, (left, right), (f"cv2.findContours: {len(contours)} outlines",
                                                         f"your find_digit_boxes: {len(boxes)} digits"), strict=False):
        ax.imshow(picture)
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig


def crops_and_inputs(crops, inputs, examples):
    """Crops, the learner's 28 × 28 inputs with their centre of mass, and real MNIST digits."""
    columns = max(len(crops), len(examples))
    fig, axes = plt.subplots(3, columns, figsize=(1.45 * columns, 4.8), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, crop in zip(axes[0], crops, strict=False):
        ax.imshow(crop, cmap="gray")
        ax.set_title(f"{crop.shape[0]}×{crop.shape[1]}", fontsize=9)
    for ax, image in zip(axes[1], inputs, strict=False):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        if np.asarray(image).ndim == 2 and np.sum(image) > 0:
            row, col = ndimage.center_of_mass(np.asarray(image, float))
            ax.plot(col, row, "r+", ms=9)
        ax.axis("on")
        ax.set(xticks=[], yticks=[])
    for ax, image in zip(axes[2], examples, strict=False):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    for row, label in zip(axes[:, 0], ("crops", "to_mnist", "MNIST"), strict=False):
        row.text(-0.15, 0.5, label, transform=row.transAxes, ha="right", va="center", fontsize=10)
    fig.tight_layout()
    return fig


def confusion(y_true, y_pred, classes=10):
    """The confusion matrix: rows are the true digits, columns the answers."""
    counts = np.zeros((classes, classes), int)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    ax.imshow(np.log1p(counts), cmap="Blues")
    for (r, c), n in np.ndenumerate(counts):
        if n:
            ax.text(c, r, str(n), ha="center", va="center", fontsize=8, color="white" if r == c else "black")
    ax.set(xticks=range(classes), yticks=range(classes), xlabel="answer", ylabel="true digit",
           title=f"confusion matrix: {np.trace(counts)} of {counts.sum()} right")
    return fig


def misclassified(x, y_true, probabilities, limit=16):
    """The held-out digits the model got wrong, with its answer and confidence."""
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)[:limit]
    if not len(wrong):
        print("no mistakes on these digits")
        return None
    fig, axes = _grid(len(wrong), 8, size=1.3, height=1.6)
    for ax, i in zip(axes, wrong, strict=False):
        ax.imshow(x[i], cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"{y_true[i]} → {predicted[i]} ({probabilities[i].max():.0%})", fontsize=8, color="red")
    fig.suptitle("misclassified held-out digits: true → answer (confidence)", fontsize=10)
    fig.tight_layout()
    return fig


def reading(sheet, got):
    """The photo with what was read written over each digit: green right, red wrong."""
    picture = _rgb(sheet.image).copy()
    for i, (x, y, w, h) in enumerate(sheet.boxes):
        answer = got[i] if i < len(got) else None
        right = answer == sheet.labels[i]
        colour = (0, 150, 0) if right else (220, 0, 0)
        cv2.rectangle(picture, (x, y), (x + w, y + h), colour, 2)
        text = str(answer) if right else f"{answer} ({sheet.labels[i]})"
        cv2.putText(picture, text, (x, y - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.7, colour, 2)
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.imshow(picture)
    score = sum(a == b for a, b in zip(got, sheet.labels, strict=False))
    ax.set_title(f"read {len(got)} digits, {score} of {len(sheet.labels)} right (in order)")
    ax.axis("off")
    return fig


def sheet_table(rows, sheets="digit_sheet"):
    """A Markdown table of (seed, digits on the sheet, digits read, reading accuracy)."""
    lines = ["| sheet | digits | read | right |", "|---|---|---|---|"]
    lines += [f"| `{sheets}({seed})` | {n} | {k} | {score:.0%} |" for seed, n, k, score in rows]
    overall = sum(score * max(n, k) for _, n, k, score in rows) / sum(max(n, k) for _, n, k, _ in rows)
    lines.append(f"| **all** | | | **{overall:.1%}** |")
    return Markdown("\n".join(lines))


def faces(photos, found):
    """Each photo with the boxes found in it; the largest box is drawn thicker."""
    fig, axes = _grid(len(photos), len(photos), size=3.6, height=3.8)
    for ax, (name, image) in zip(axes, photos.items(), strict=False):
        picture = _rgb(image).copy()
        boxes = list(found.get(name) or [])
        largest = max(boxes, key=lambda b: b[2] * b[3]) if boxes else None
        for box in boxes:
            x, y, w, h = box
            cv2.rectangle(picture, (x, y), (x + w, y + h), (0, 255, 0), 6 if box == largest else 2)
        ax.imshow(picture, cmap="gray")
        ax.set_title(f"{name}: {len(boxes)} face{'s' * (len(boxes) != 1)}")
    fig.tight_layout()
    return fig


def face_inputs(items):
    """For each face: the plain gray crop and the network's equalized 48 × 48 input."""
    fig, axes = _grid(2 * len(items), 2 * len(items), size=2.4, height=2.7)
    for name, (image, box, network_input) in items.items():
        x, y, w, h = box
        plain, network = next(axes), next(axes)
        plain.imshow(cv2.cvtColor(image[y:y + h, x:x + w], cv2.COLOR_BGR2GRAY), cmap="gray", vmin=0, vmax=255)
        plain.set_title(f"{name}: gray crop", fontsize=9)
        network.imshow(np.asarray(network_input)[..., 0], cmap="gray", vmin=0, vmax=1)
        network.set_title(f"face_to_input {np.asarray(network_input).shape}", fontsize=9)
    fig.tight_layout()
    return fig


# --- what the learner's own steps did ----------------------------------------------------

class _Recorder:
    """cv2 as the learner's function sees it, keeping every image of the photo's size a call returned."""

    def __init__(self, target, size, log, prefix=""):
        self._target, self._size, self._log, self._prefix = target, size, log, prefix

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if not callable(value) or isinstance(value, type):
            return value

        def recorded(*args, **kwargs):
            result = value(*args, **kwargs)
            for part in result if isinstance(result, tuple) else (result,):
                if isinstance(part, np.ndarray) and part.shape[:2] == self._size:
                    self._log.append((f"{self._prefix}{name}", part.copy()))
            if type(result).__module__.startswith("cv2") and not isinstance(result, (np.ndarray, tuple)):
                return _Recorder(result, self._size, self._log, f"{type(result).__name__}.")
            return result
        return recorded


def own_stages(preprocess_sheet, image):
    """The photo, every image of its size that the learner's preprocess_sheet made with OpenCV on the way
    (titled by the call), and what it returned."""
    from course.answering.answers import replaced

    log = []
    names = [name for name, value in getattr(preprocess_sheet, "__globals__", {}).items() if value is cv2]
    with replaced(preprocess_sheet, {name: _Recorder(cv2, image.shape[:2], log) for name in names or ["cv2"]}):
        binary = preprocess_sheet(image.copy())
    stages = {"photo": image}
    for number, (name, picture) in enumerate(log, 1):
        stages[f"{number}. {name}"] = picture
    stages["your preprocess_sheet"] = binary
    return stages


# --- training as practitioners do ----------------------------------------------------------

def training_curves(history, target=0.97):
    """Loss and accuracy per epoch, each on the training digits and on the validation digits."""
    curves = history.history
    epochs = np.arange(1, len(curves["loss"]) + 1)
    fig, (loss, accuracy) = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, metric, label in ((loss, "loss", "cross-entropy"), (accuracy, "accuracy", "accuracy")):
        ax.plot(epochs, curves[metric], "o-", label="training")
        if f"val_{metric}" in curves:
            ax.plot(epochs, curves[f"val_{metric}"], "s-", label="validation")
        ax.set(xlabel="epoch", ylabel=label, title=f"{metric} per epoch")
        ax.set_xticks(epochs)
    accuracy.axhline(target, color="gray", ls=":", label=f"target {target:.0%}")
    for ax in (loss, accuracy):
        ax.legend()
    fig.tight_layout()
    return fig


def _first_kernels(model):
    """The first convolution's kernels as (k, kh, kw), its input channel 0."""
    for layer in model.layers:
        weights = layer.get_weights()
        if weights and np.ndim(weights[0]) == 4:
            return np.moveaxis(np.asarray(weights[0])[:, :, 0, :], -1, 0)
    raise ValueError("the model has no Conv2D layer")


def feature_map(kernel, digit, conv2d_layer=None):
    """ReLU of one 3 × 3 kernel run over a digit ("same" padding), and who computed it.

    With the learner's ``conv2d_layer`` of notebook 04 when it runs; else with ``cv2.filter2D``,
    the same cross-correlation with zero padding.
    """
    digit, kernel = np.asarray(digit, np.float32), np.asarray(kernel, np.float32)
    computed = "cv2.filter2D"
    if conv2d_layer is not None:
        try:
            out = np.asarray(conv2d_layer(digit[None, :, :, None], kernel[:, :, None, None], np.zeros(1),
                                          padding="same"), dtype=np.float32)[0, :, :, 0]
            if out.shape == digit.shape:
                return np.maximum(out, 0), "your conv2d_layer of notebook 04"
            computed += f" (your conv2d_layer gave shape {out.shape})"
        except Exception as error:  # noqa: BLE001 - the learner's 04 code, whatever it raises
            computed += f" (your conv2d_layer raised {type(error).__name__})"
    return np.maximum(cv2.filter2D(digit, -1, kernel, borderType=cv2.BORDER_CONSTANT), 0), computed


def learned_kernels(model, hand_made, digit, conv2d_layer=None):
    """The first layer's learned kernels beside hand-made ones, and the learned kernel most like a
    hand-made one run over a digit (by the learner's conv2d_layer of 04 where given: ``feature_map``)."""
    learned = _first_kernels(model)
    similarity = [[abs(np.corrcoef(k.ravel(), h.ravel())[0, 1]) for h in hand_made.values()] for k in learned]
    best, partner = np.unravel_index(np.nanargmax(similarity), np.shape(similarity))
    name = list(hand_made)[partner]
    columns = max(len(learned) // 2, len(hand_made) + 3)
    fig, axes = plt.subplots(3, columns, figsize=(1.25 * columns, 4.6), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (number, kernel) in zip(np.concatenate([axes[0], axes[1]]), enumerate(learned), strict=False):
        limit = np.abs(kernel).max() or 1.0
        ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"learned {number}", fontsize=8, color="purple" if number == best else "black")
    row = axes[2]
    for ax, (label, kernel) in zip(row, hand_made.items(), strict=False):
        limit = np.abs(kernel).max() or 1.0
        ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"04: {label}", fontsize=8, color="purple" if label == name else "black")
    feature, computed = feature_map(learned[best], digit, conv2d_layer)
    row[len(hand_made) + 1].imshow(digit, cmap="gray", vmin=0, vmax=1)
    row[len(hand_made) + 1].set_title("a digit", fontsize=8)
    row[len(hand_made) + 2].imshow(feature, cmap="gray")
    row[len(hand_made) + 2].set_title(f"ReLU(learned {best})", fontsize=8)
    fig.suptitle(f"rows 1-2: your network's first-layer kernels (red +, blue −); row 3: notebook 04's. "
                 f"Learned kernel {best} is the most like {name} (|correlation| {similarity[best][partner]:.2f});\n"
                 f"its feature map on the digit, computed by {computed}.", fontsize=9)
    fig.tight_layout()
    return fig


def dense_comparison(rows):
    """A Markdown table of (network, parameters, training seconds, validation accuracy)."""
    lines = ["| network | parameters | training time | validation accuracy |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {params:,} | {seconds:.1f} s | {accuracy:.1%} |" for name, params, seconds, accuracy in rows]
    return Markdown("\n".join(lines))
