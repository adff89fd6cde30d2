"""Figures for 04-layers: a kernel sliding over an image, padding and strides, image kernels,
pooling, and what the layers of a small CNN cost."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from numpy.lib.stride_tricks import sliding_window_view


def _grid(ax, values, title, box=None, color="tab:red", cmap="Greys", vmin=None, vmax=None):
    """A matrix drawn as cells with their numbers; ``box`` = (row, col, height, width) is outlined."""
    values = np.asarray(values, float)
    ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, alpha=0.45)
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=9)
    if box is not None:
        r, c, h, w = box
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, ec=color, lw=3))
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="k", lw=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_title(title, fontsize=10)


def sliding_window(image, kernel, row, col):
    """Input with the kernel's window at (row, col), the kernel, and the output cell it makes."""
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    out = np.einsum("ijuv,uv->ij", sliding_window_view(image, kernel.shape), kernel)
    kh, kw = kernel.shape
    window = image[row:row + kh, col:col + kw]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6),
                             gridspec_kw={"width_ratios": [image.shape[1], kw + 1, out.shape[1]]})
    _grid(axes[0], image, "input image", box=(row, col, kh, kw))
    _grid(axes[1], kernel, "kernel", cmap="coolwarm", vmin=-2, vmax=2)
    _grid(axes[2], out, "output (feature map)", box=(row, col, 1, 1), cmap="coolwarm",
          vmin=-np.abs(out).max(), vmax=np.abs(out).max())
    terms = " + ".join(f"{v:g}·{k:g}" for v, k in zip(window.ravel(), kernel.ravel(), strict=False) if k != 0)
    fig.suptitle(f"output[{row}, {col}] = {terms} = {out[row, col]:g}", fontsize=10, y=0.05)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def padding_diagram(cases):
    """One row per (n, k, stride, padding, outputs): pixels, TensorFlow's padding zeros (hatched) and
    every window."""
    fig, axes = plt.subplots(len(cases), 1, figsize=(8, 1.1 * len(cases) + 0.3))
    right = max(n for n, *_ in cases) + 2
    for ax, (n, k, stride, padding, out) in zip(np.atleast_1d(axes), cases, strict=False):
        total = max((out - 1) * stride + k - n, 0) if padding == "same" else 0
        before, after = total // 2, total - total // 2
        for i in range(-before, n + after):
            real = 0 <= i < n
            used = any(j * stride - before <= i < j * stride - before + k for j in range(out))
            ax.add_patch(Rectangle((i, 0), 0.95, 0.95, fc="0.75" if real else "white", ec="k",
                                   hatch=None if real else "//", alpha=1 if used or not real else 0.35))
            if real:
                ax.text(i + 0.47, 0.45, str(i), ha="center", va="center", fontsize=8)
        for j in range(out):
            start, y = j * stride - before, -0.35 - 0.28 * (j % 3)
            ax.plot([start + 0.08, start + k - 0.13], [y, y], lw=4, color=plt.cm.tab10(j % 10), solid_capstyle="butt")
        label = f'n={n}, k={k}, stride={stride}, "{padding}": {out} outputs'
        if padding == "same":
            label += f"; padding {before} before, {after} after"
        ax.set_title(label, fontsize=9, loc="left")
        ax.set(xlim=(-2.5, right), ylim=(-1.1, 1.05))
        ax.axis("off")
    fig.tight_layout()
    return fig


def kernel_gallery(photo, kernels, conv2d, columns=4):
    """Every kernel applied to the photo with ``conv2d``, shown like setosa.io: clipped to 0..255."""
    fig, axes = plt.subplots(-(-(len(kernels) + 1) // columns), columns, figsize=(2.7 * columns, 8.4))
    axes = axes.ravel()
    axes[0].imshow(photo, cmap="gray", vmin=0, vmax=255)
    axes[0].set_title("the photo", fontsize=10)
    for ax, (name, kernel) in zip(axes[1:], kernels.items(), strict=False):
        ax.imshow(np.clip(conv2d(photo, kernel, padding="same"), 0, 255), cmap="gray", vmin=0, vmax=255)
        ax.set_title(name, fontsize=10)
        inset = ax.inset_axes([0.0, 0.0, 0.36, 0.36])
        inset.imshow(np.asarray(kernel, float), cmap="coolwarm", vmin=-2, vmax=2)
        for (r, c), v in np.ndenumerate(np.asarray(kernel, float)):
            inset.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=6)
        inset.set_xticks([]), inset.set_yticks([])
    for ax in axes:
        ax.axis("off") if ax.images == [] else ax.set(xticks=[], yticks=[])
    fig.tight_layout()
    return fig


def pooled_maps(rows):
    """Rows of feature maps (1, H, W, 1) of shrinking size, on one gray scale set by the first map."""
    columns = max(len(maps) for maps in rows.values())
    fig, axes = plt.subplots(len(rows), columns, figsize=(2.6 * columns, 2.7 * len(rows)), squeeze=False)
    top = np.percentile(next(iter(rows.values()))[0], 99.5)
    for ax_row, (name, maps) in zip(axes, rows.items(), strict=False):
        for ax, feature_map in zip(ax_row, maps, strict=False):
            ax.imshow(np.asarray(feature_map)[0, :, :, 0], cmap="gray", vmin=0, vmax=top)
            ax.set_title(f"{name}: {feature_map.shape[1]} × {feature_map.shape[2]}", fontsize=9)
            ax.axis("off")
    fig.tight_layout()
    return fig


def dense_cost(dense_params, conv_params=None, units=128):
    """Parameters of a Dense layer of ``units`` neurons on a flattened image, against the image's side."""
    sides = np.arange(8, 257, 8)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(sides, [dense_params(int(s) ** 2, units) for s in sides], label=f"Dense({units}) on a gray s × s image")
    ax.plot(sides, [dense_params(3 * int(s) ** 2, units) for s in sides],
            label=f"Dense({units}) on a color s × s image")
    if conv_params is not None:
        ax.plot(sides, [conv_params(3, 3, 1, units)] * len(sides), label=f"Conv2D({units}, 3 × 3) on a gray image")
    ax.axvline(28, color="0.5", ls=":")
    ax.annotate(f"28 × 28: {dense_params(784, units):,}", (28, dense_params(784, units)), xytext=(45, 2e4),
                arrowprops={"arrowstyle": "->"}, fontsize=9)
    ax.set(yscale="log", xlabel="image side s (pixels)", ylabel="trainable parameters",
           title="What one layer costs")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def pooling_idea(x, size=2):
    """A small grid split into size × size windows, and what max and average pooling keep of each."""
    x = np.asarray(x, float)
    h, w = x.shape[0] // size, x.shape[1] // size
    blocks = x[:h * size, :w * size].reshape(h, size, w, size)
    colors = plt.cm.Pastel1(np.arange(h * w) % 9).reshape(h, w, 4)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), gridspec_kw={"width_ratios": [x.shape[1], w, w]})
    shade = np.kron(colors, np.ones((size, size, 1)))
    for ax, values, cells, title in ((axes[0], x, shade, f"input, {size} × {size} windows"),
                                     (axes[1], blocks.max(axis=(1, 3)), colors, "max pooling"),
                                     (axes[2], blocks.mean(axis=(1, 3)), colors, "average pooling")):
        ax.imshow(cells)
        for (r, c), v in np.ndenumerate(values):
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=10)
        ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
        ax.grid(which="minor", color="k", lw=0.5)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def network(rows):
    """The feature maps of a CNN as boxes: ``rows`` of (layer, output shape, parameters)."""
    fig, ax = plt.subplots(figsize=(10, 3.2))
    x = 0.0
    for name, shape, params in rows:
        side = shape[0] if len(shape) == 3 else 2
        depth = shape[-1] if len(shape) == 3 else shape[0]
        height = 0.6 + 2.4 * side / 28 if len(shape) == 3 else 2.6
        width = 0.25 + 0.02 * depth if len(shape) == 3 else 0.35
        ax.add_patch(Rectangle((x, -height / 2), width, height, fc="tab:blue" if len(shape) == 3 else "tab:orange",
                               alpha=0.5, ec="k"))
        ax.text(x + width / 2, 1.75, name, ha="center", fontsize=8, rotation=20)
        ax.text(x + width / 2, -1.75, "×".join(map(str, shape)), ha="center", fontsize=8)
        ax.text(x + width / 2, -2.15, f"{params:,} params" if params else "", ha="center", fontsize=7, color="0.3")
        x += width + 1.1
    ax.set(xlim=(-0.5, x), ylim=(-2.5, 2.3))
    ax.axis("off")
    ax.set_title("Feature maps through the CNN (height ∝ image side, width ∝ channels)", fontsize=10)
    fig.tight_layout()
    return fig


def timings(seconds):
    """A bar per implementation: how long one call took, on a log scale."""
    fig, ax = plt.subplots(figsize=(7, 2.4))
    names = list(seconds)
    ax.barh(names, [seconds[n] * 1e3 for n in names], color="tab:green")
    for i, n in enumerate(names):
        ax.text(seconds[n] * 1e3 * 1.1, i, f"{seconds[n] * 1e3:.2g} ms", va="center", fontsize=9)
    ax.set(xscale="log", xlabel="milliseconds per call (log scale)")
    ax.invert_yaxis()
    fig.tight_layout()
    return fig
