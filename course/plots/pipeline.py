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
    for ax, image, label in zip(axes, images, labels):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.set_title(str(label), fontsize=10)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def stages(images):
    """The pipeline's stages side by side, titled by name."""
    fig, axes = _grid(len(images), 3, size=4.2, height=3.4)
    for ax, (name, image) in zip(axes, images.items()):
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
    for ax, (name, variant) in zip(axes, variants.items()):
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
                                                         f"your find_digit_boxes: {len(boxes)} digits")):
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
    for ax, crop in zip(axes[0], crops):
        ax.imshow(crop, cmap="gray")
        ax.set_title(f"{crop.shape[0]}×{crop.shape[1]}", fontsize=9)
    for ax, image in zip(axes[1], inputs):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        if np.asarray(image).ndim == 2 and np.sum(image) > 0:
            row, col = ndimage.center_of_mass(np.asarray(image, float))
            ax.plot(col, row, "r+", ms=9)
        ax.axis("on")
        ax.set(xticks=[], yticks=[])
    for ax, image in zip(axes[2], examples):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    for row, label in zip(axes[:, 0], ("crops", "to_mnist", "MNIST")):
        row.text(-0.15, 0.5, label, transform=row.transAxes, ha="right", va="center", fontsize=10)
    fig.tight_layout()
    return fig


def training_curves(history, test_accuracy=None):
    """Loss and accuracy per epoch, with the held-out accuracy for comparison."""
    epochs = np.arange(1, len(history.history["loss"]) + 1)
    fig, (loss, accuracy) = plt.subplots(1, 2, figsize=(10, 3.4))
    loss.plot(epochs, history.history["loss"], "o-")
    loss.set(xlabel="epoch", ylabel="cross-entropy", title="training loss")
    accuracy.plot(epochs, history.history["accuracy"], "o-", label="training digits")
    if test_accuracy is not None:
        accuracy.axhline(test_accuracy, color="green", ls="--", label=f"held-out digits: {test_accuracy:.1%}")
    accuracy.axhline(0.97, color="gray", ls=":", label="target 97 %")
    accuracy.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    accuracy.legend()
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
    for ax, i in zip(axes, wrong):
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
    score = sum(a == b for a, b in zip(got, sheet.labels))
    ax.set_title(f"read {len(got)} digits, {score} of {len(sheet.labels)} right (in order)")
    ax.axis("off")
    return fig


def sheet_table(rows):
    """A Markdown table of (seed, digits on the sheet, digits read, reading accuracy)."""
    lines = ["| sheet | digits | read | right |", "|---|---|---|---|"]
    lines += [f"| `digit_sheet({seed})` | {n} | {k} | {score:.0%} |" for seed, n, k, score in rows]
    overall = sum(score * max(n, k) for _, n, k, score in rows) / sum(max(n, k) for _, n, k, _ in rows)
    lines.append(f"| **all** | | | **{overall:.1%}** |")
    return Markdown("\n".join(lines))


def faces(photos, found):
    """Each photo with the boxes found in it; the largest box is drawn thicker."""
    fig, axes = _grid(len(photos), len(photos), size=3.6, height=3.8)
    for ax, (name, image) in zip(axes, photos.items()):
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
