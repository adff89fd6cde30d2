"""Figures and tables for 05-equalization, drawn with the learner's own functions."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown


def _rgb(image):
    """A gray image as is, a BGR image as RGB for matplotlib."""
    image = np.asarray(image)
    return image[..., ::-1] if image.ndim == 3 else image


def levels(images, titles, levels=8, size=2.8):
    """Small integer images with each pixel's level written in it (0 is black, levels - 1 white)."""
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size), squeeze=False)
    for ax, image, title in zip(axes.flat, images, titles, strict=False):
        image = np.asarray(image)
        ax.imshow(image, cmap="gray", vmin=0, vmax=levels - 1)
        for (row, col), value in np.ndenumerate(image):
            ax.text(col, row, int(value), ha="center", va="center", fontsize=11,
                    color="white" if value < levels / 2 else "black")
        ax.set(xticks=[], yticks=[], title=title)
    fig.tight_layout()
    return fig


def pdf_cdf(hist, pdf, cdf, title=""):
    """The pdf as bars and the cdf as a step line, one value per gray level."""
    hist = np.asarray(hist)
    k = np.arange(len(hist))
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(k, pdf(hist), color="tab:blue", alpha=0.7, label="pdf  p(k) = n / N")
    ax.step(k, cdf(hist), where="mid", color="tab:red", label="cdf  c(k)")
    ax.set(xlabel="gray level k", xticks=k if len(k) <= 16 else None, ylim=(0, 1.05), title=title)
    ax.legend(loc="upper left")
    return fig


def _number(value):
    return f"{np.round(float(value), 4):g}"


def slide_table(image, levels, histogram, pdf, cdf, equalization_map):
    """The slide's table (level, n, PDF, CDF, CDF × (levels - 1), new level), computed by the learner's functions."""
    hist = np.asarray(histogram(image, levels))
    p, c, lut = np.asarray(pdf(hist)), np.asarray(cdf(hist)), np.asarray(equalization_map(hist))
    total = int(hist.sum())
    top = levels - 1
    rows = [f"| Gray level | No. of pixels (n) | PDF (n / sum) | CDF | CDF × {top} (max gray) | Equalized |",
            "|---:|---:|---:|---:|---:|---:|"]
    for k in range(levels):
        share = f"{hist[k]}/{total} = {_number(p[k])}" if hist[k] else _number(p[k])
        rows.append(f"| {k} | {hist[k]} | {share} | {_number(c[k])} | {_number(c[k] * top)} | **{lut[k]}** |")
    return Markdown("\n".join(rows))


def before_after(pairs, histogram, cdf, size=3.0):
    """One column per image: the photo, then its histogram (bars) with its cdf (red line)."""
    fig, axes = plt.subplots(2, len(pairs), figsize=(size * len(pairs), 2 * size),
                             gridspec_kw={"height_ratios": [3, 2]}, squeeze=False)
    for (title, image), top, bottom in zip(pairs.items(), axes[0], axes[1], strict=False):
        image = np.asarray(image)
        top.imshow(_rgb(image), cmap="gray", vmin=0, vmax=255)
        top.set(xticks=[], yticks=[], title=title)
        hist = np.asarray(histogram(image, 256))
        bottom.stairs(hist / hist.max(), np.arange(257) - 0.5, fill=True, color="0.3")
        bottom.plot(np.arange(256), cdf(hist), color="tab:red", lw=1.5)
        used = np.count_nonzero(hist)
        bottom.set(xlim=(-2, 257), ylim=(0, 1.05), yticks=[], xlabel=f"gray level ({used} levels used)")
    fig.tight_layout()
    return fig


def lookup_tables(image, functions, histogram):
    """Each function's mapping, input level → output level, read off ``function(image)``; the histogram behind."""
    image = np.asarray(image)
    used = np.unique(image)
    hist = np.asarray(histogram(image, 256), float)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.fill_between(np.arange(256), 255 * hist / hist.max(), step="mid", color="0.85", label="histogram of the input")
    for (name, fn), style in zip(functions.items(), ("o-", "s--", "x:"), strict=False):
        out = np.asarray(fn(image))
        ax.plot(used, [out[image == level][0] for level in used], style, ms=4, lw=1.5, label=name)
    ax.set(xlabel="input level", ylabel="output level", xlim=(-1, used.max() + 2), ylim=(-5, 260))
    ax.legend(fontsize=8, loc="lower right")
    return fig


def photos(images, size=3.2):
    """Photos side by side (BGR or gray), titled by their keys."""
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size), squeeze=False)
    for ax, (title, image) in zip(axes.flat, images.items(), strict=False):
        ax.imshow(_rgb(image), cmap="gray", vmin=0, vmax=255)
        ax.set(xticks=[], yticks=[], title=title)
    fig.tight_layout()
    return fig


def faces(images, detect, size=3.2):
    """Each gray image with the boxes ``detect(image)`` finds, and how many."""
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size), squeeze=False)
    for ax, (title, image) in zip(axes.flat, images.items(), strict=False):
        boxes = detect(image)
        ax.imshow(image, cmap="gray", vmin=0, vmax=255)
        for x, y, w, h in boxes:
            ax.add_patch(plt.Rectangle((x, y), w, h, fill=False, color="lime", lw=2))
        ax.set(xticks=[], yticks=[], title=f"{title}\n{len(boxes)} face(s) found")
    fig.tight_layout()
    return fig
