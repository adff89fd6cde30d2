"""Figures for the notebooks; one module per assignment, shared basics here."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def show_images(images, titles=None, cmap="gray", size=2.6, columns=None):
    """Show images side by side (gray or BGR/RGB) with optional titles."""
    images = list(images)
    columns = columns or len(images)
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, size * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, title in zip(axes.flat, images, titles or [None] * len(images)):
        image = np.asarray(image)
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None)
        if title:
            ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig
