"""Figures for 01-neurons: a gate's decision line, and why XOR has none."""
import matplotlib.pyplot as plt
import numpy as np

TRUTH_TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def decision_lines(gates, predict):
    """One panel per gate: the truth table coloured by ``predict(x, w, b)`` and the line w·x + b = 0."""
    fig, axes = plt.subplots(1, len(gates), figsize=(3.2 * len(gates), 3.2))
    for ax, (name, (w, b)) in zip(np.atleast_1d(axes), gates.items(), strict=False):
        out = np.asarray(predict(TRUTH_TABLE, np.asarray(w, float), b))
        ax.scatter(*TRUTH_TABLE.T, c=out, cmap="coolwarm", vmin=0, vmax=1, s=160, edgecolors="k")
        xs = np.linspace(-0.5, 1.5, 2)
        w1, w2 = np.asarray(w, float)
        if abs(w2) > 1e-12:
            ax.plot(xs, -(w1 * xs + b) / w2, "k--", lw=1)
        elif abs(w1) > 1e-12:
            ax.axvline(-b / w1, color="k", ls="--", lw=1)
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 1], yticks=[0, 1], title=name,
               xlabel="$x_1$", ylabel="$x_2$")
    fig.tight_layout()
    return fig


def xor_problem(xor=None):
    """The XOR truth table: no single line separates the 1s from the 0s."""
    fig, ax = plt.subplots(figsize=(3.4, 3.4))
    target = np.array([0, 1, 1, 0])
    ax.scatter(*TRUTH_TABLE.T, c=target, cmap="coolwarm", s=160, edgecolors="k")
    if xor is not None:  # shade the plane by the learner's network
        grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 200), np.linspace(-0.5, 1.5, 200)), -1)
        zone = np.asarray(xor(grid.reshape(-1, 2))).reshape(200, 200)
        ax.contourf(grid[..., 0], grid[..., 1], zone, levels=[-0.5, 0.5, 1.5], cmap="coolwarm", alpha=0.25)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 1], yticks=[0, 1], title="XOR",
           xlabel="$x_1$", ylabel="$x_2$")
    fig.tight_layout()
    return fig
