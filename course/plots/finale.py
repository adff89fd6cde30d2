"""Figures for 06's finale: a model's preprocessing, faces with their emotions, where the model fails."""
from __future__ import annotations

import cv2
import matplotlib.pyplot as plt
import numpy as np

from course.answering.probes import predict
from course.emotions import EMOTIONS


def _rgb(image):
    image = np.asarray(image)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if image.ndim == 3 else image


def wrong_preprocessing(model, x, y):
    """The digit model's accuracy on held-out digits prepared as it was trained, and prepared otherwise."""
    x = np.asarray(x, np.float32)
    variants = {"as trained\n(white on black, [0, 1])": x, "black on white\n(1 - x)": 1 - x,
                "pixels 0-255\n(x * 255)": x * 255, "shifted 4 pixels\n(np.roll)": np.roll(x, 4, axis=2)}
    accuracy = {name: float(np.mean(predict(model, v).argmax(axis=1) == y)) for name, v in variants.items()}
    fig, (bars, *examples) = plt.subplots(1, 1 + len(variants), figsize=(13, 2.8),
                                         gridspec_kw={"width_ratios": [3] + [1] * len(variants)})
    bars.barh(list(accuracy)[::-1], list(accuracy.values())[::-1], color="tab:blue")
    bars.set_xlim(0, 1)
    bars.set_xlabel("accuracy on the held-out digits")
    bars.tick_params(labelsize=8)
    for ax, (name, v) in zip(examples, variants.items(), strict=False):
        ax.imshow(v[0], cmap="gray")
        ax.set_title(f"{accuracy[name]:.0%}", fontsize=9)
        ax.axis("off")
    fig.suptitle("the same model, the same digits, prepared four ways")
    fig.tight_layout()
    return fig


def _label(probabilities):
    p = np.asarray(probabilities, float).ravel()
    return f"{EMOTIONS[int(p.argmax())]} {p.max():.2f}"


def draw_emotions(image, readings, thickness=3):
    """An RGB copy of the photo with each face's box and its most likely emotion."""
    picture = _rgb(image).copy()
    scale = max(0.5, picture.shape[1] / 900)
    for box, probabilities in readings:
        x, y, w, h = (int(v) for v in box)
        cv2.rectangle(picture, (x, y), (x + w, y + h), (0, 255, 0), thickness)
        cv2.putText(picture, _label(probabilities), (x, max(12, y - 6)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (255, 255, 0), max(1, thickness - 1), cv2.LINE_AA)
    return picture


def emotions(photos, readings):
    """Each photo with its faces, their most likely emotion, and each face's 7 probabilities as bars."""
    faces = [(name, box, p) for name in photos for box, p in readings.get(name, [])]
    fig, axes = plt.subplots(2, max(len(photos), len(faces), 1), figsize=(3.6 * max(len(photos), len(faces)), 6.4),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (name, image) in zip(axes[0], photos.items(), strict=False):
        ax.imshow(draw_emotions(image, readings.get(name, [])))
        ax.set_title(f"{name}: {len(readings.get(name, []))} face(s)", fontsize=9)
    for ax, (name, _, p) in zip(axes[1], faces, strict=False):
        ax.axis("on")
        ax.barh(EMOTIONS[::-1], np.asarray(p, float).ravel()[::-1], color="tab:green")
        ax.set_xlim(0, 1)
        ax.set_title(f"{name}: {_label(p)}", fontsize=9)
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig


def rotated(image, degrees):
    """The photo turned about its centre, the corners filled gray."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), borderValue=(128, 128, 128))


def variants(image):
    """The photo as the emotion pipeline meets it in the wild: mirrored, turned, dim, far away."""
    return {"as it is": image, "mirrored": np.ascontiguousarray(image[:, ::-1]),
            "turned 20°": rotated(image, 20), "turned 45°": rotated(image, 45),
            "dim (× 0.25)": (image * 0.25).astype(np.uint8),
            "far away (× 0.12)": cv2.resize(image, None, fx=0.12, fy=0.12, interpolation=cv2.INTER_AREA)}


def mistakes(image, read_emotions, model):
    """``read_emotions`` on each variant of the photo: what it found, or that it found nothing."""
    photos = variants(image)
    fig, axes = plt.subplots(1, len(photos), figsize=(2.6 * len(photos), 3.0))
    for ax, (name, photo) in zip(axes, photos.items(), strict=False):
        found = read_emotions(photo, model)
        ax.imshow(draw_emotions(photo, found, thickness=2 if photo.shape[1] > 200 else 1))
        ax.set_title(f"{name}\n" + (", ".join(_label(p) for _, p in found) if found else "no face found"),
                     fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig


def frames(images, columns=3):
    """Frames of a video side by side."""
    images = list(images)
    rows = max(1, -(-len(images) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 2.4 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for number, (ax, image) in enumerate(zip(axes.flat, images, strict=False)):
        ax.imshow(_rgb(image))
        ax.set_title(f"frame {number}", fontsize=9)
    fig.tight_layout()
    return fig
