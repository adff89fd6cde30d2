"""Figures for 02-activations: each activation beside its slope, drawn from the learner's own functions."""
import matplotlib.pyplot as plt
import numpy as np

from course.plots import yours  # noqa: F401 - the demo cells call plots.yours(...)

LINE = np.linspace(-4, 4, 401)           # for curves
DOTS = np.linspace(-3.9, 3.9, 40)        # for numerical slopes: misses the kinks at 0 and ±2


def _finite(values):
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def random_weights(sizes, seed=0):
    """Weights and biases ``[(W1, b1), (W2, b2), ...]`` of a dense network with these layer sizes."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, 1.0, size=(n_in, n_out)), rng.normal(0.0, 1.0, size=n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False)]


def collapse(x, deep, single):
    """A deep network with linear activations and the single layer it collapses to."""
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(x, deep, lw=4, alpha=0.4, label="3 layers, identity activation")
    ax.plot(x, single, "k--", label="1 layer: W = W1 W2 W3")
    ax.set(xlabel="input x", ylabel="network output", title="Linear layers collapse into one")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def network_gallery(x, outputs):
    """One panel per activation: what the same random network computes with it."""
    rows = -(-len(outputs) // 3)
    fig, axes = plt.subplots(rows, 3, figsize=(7.5, 2.2 * rows), sharex=True, squeeze=False)
    for ax in axes.flat[len(outputs):]:
        ax.axis("off")
    for ax, (name, y) in zip(axes.flat, outputs.items(), strict=False):
        ax.plot(x, _finite(y), color="C1" if name != "identity" else "C0")
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle("The same random 3-layer network with different activations", fontsize=10)
    fig.tight_layout()
    return fig


def difference_errors(numerical_derivative, f=np.sin, slope=np.cos, x0=1.0):
    """Error of the forward and of your central difference against the true slope, for many h."""
    hs = np.logspace(-12, -1, 45)
    forward = [abs((f(x0 + h) - f(x0)) / h - slope(x0)) for h in hs]
    central = [abs(float(numerical_derivative(f, x0, h)) - slope(x0)) for h in hs]
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.loglog(hs, forward, "o-", ms=3, label="forward  (f(x+h) - f(x)) / h")
    ax.loglog(hs, central, "o-", ms=3, label="central  (f(x+h) - f(x-h)) / 2h  (yours)")
    ax.loglog(hs, hs / 2, "k:", lw=1, label="∝ h")
    ax.loglog(hs, hs ** 2 / 6, "k--", lw=1, label="∝ h²")
    ax.axvline(1e-5, color="gray", lw=0.8)
    ax.set(xlabel="step h", ylabel="|error|", ylim=(1e-17, 1), title="Slope of sin at x = 1")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def function_and_derivative(name, f, derivative, numerical_derivative, x=LINE, dots=DOTS):
    """The activation (left) and its slope (right): your formula as a line, numerical_derivative as dots."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.6))
    left.plot(x, _finite(f(x)))
    left.set_title(f"{name}(x)", fontsize=10)
    right.plot(x, _finite(derivative(x)), label="your derivative")
    right.plot(dots, _finite(numerical_derivative(f, dots)), "o", ms=3, label="numerical_derivative")
    right.set_title(f"{name}'(x)", fontsize=10)
    right.legend(fontsize=7)
    for ax in (left, right):
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set_xlabel("x")
    fig.tight_layout()
    return fig


def table_brelu_derivative(relu_derivative):
    """The slide's table's BReLU derivative, literally, slip included, built on the learner's relu_derivative.

    Kept here rather than in the notebook, so that the cell before the task does not hand over the
    task's code with one sign changed.
    """
    def as_printed(x):
        x = np.asarray(x, dtype=float)
        odd = np.arange(x.shape[-1]) % 2 == 1
        return np.where(odd, -np.asarray(relu_derivative(-x), float), np.asarray(relu_derivative(x), float))
    return as_printed


def brelu_figure(brelu, derivative, numerical_derivative, label="your derivative"):
    """BReLU at even and at odd positions (left), and both slopes against numerical_derivative (right)."""
    pairs, dots = np.stack([LINE, LINE], axis=-1), np.stack([DOTS, DOTS], axis=-1)
    values, slopes = np.asarray(brelu(pairs)), np.asarray(derivative(pairs))
    numerical = np.asarray(numerical_derivative(brelu, dots))
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.6))
    for i, (where, color) in enumerate((("even", "C0"), ("odd", "C3"))):
        left.plot(LINE, values[:, i], color=color, label=f"{where} position: " + ("ReLU(x)" if i == 0 else "-ReLU(-x)"))
        right.plot(LINE, slopes[:, i], color=color, label=f"{label}, {where}")
        right.plot(DOTS, numerical[:, i], "o", ms=3, color=color, mfc="none", label=f"numerical, {where}")
    left.set_title("brelu(x) at even and odd positions", fontsize=10)
    right.set_title("brelu'(x)", fontsize=10)
    right.set_ylim(-1.3, 1.3)
    for ax in (left, right):
        ax.axhline(0, color="gray", lw=0.5)
        ax.set_xlabel("x")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def audit(errors, tolerance=1e-6):
    """A bar per function: the largest gap between the analytic and the numerical derivative."""
    names, gaps = list(errors), np.array([float(e) for e in errors.values()])
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(names) + 1))
    colors = ["C3" if g > tolerance else "C2" for g in gaps]
    ax.barh(names, np.maximum(gaps, 1e-16), color=colors)
    for row, gap in enumerate(gaps):
        ax.text(max(gap, 1e-16) * 2, row, f"{gap:.0e}", va="center", fontsize=7)
    ax.axvline(tolerance, color="k", ls="--", lw=0.8)
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set(xlabel="max |analytic - numerical|  (red: above 1e-6)", xlim=(1e-16, 1e3))
    fig.tight_layout()
    table("function", "max |analytic - numerical|", [(n, f"{g:.1e}") for n, g in zip(names, gaps, strict=False)])
    return fig


def softmax_scores(softmax, z, scales=(0.5, 1.0, 2.0)):
    """Scores z (left) and softmax(scale * z) for a few scales (right)."""
    z = np.asarray(z, dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.6))
    left.bar(range(len(z)), z, color="gray")
    left.set(title="scores z (logits)", xlabel="class", xticks=range(len(z)))
    width = 0.8 / len(scales)
    for k, scale in enumerate(scales):
        right.bar(np.arange(len(z)) + (k - (len(scales) - 1) / 2) * width, softmax(scale * z), width,
                  label=f"softmax({scale:g}·z)")
    right.set(title="probabilities", xlabel="class", xticks=range(len(z)), ylim=(0, 1))
    right.legend(fontsize=7)
    fig.tight_layout()
    return fig


def table(*columns_and_rows):
    """Print a plain text table: column titles, then a list of rows."""
    *header, rows = columns_and_rows
    rows = [tuple(str(v) for v in row) for row in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    for row in [tuple(header), tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)))
