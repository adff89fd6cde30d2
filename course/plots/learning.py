"""Figures for 03-learning: losses, gradient descent on a line, and a network learning XOR."""
import matplotlib.pyplot as plt
import numpy as np

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
XOR_Y = np.array([0, 1, 1, 0])


def losses_vs_prediction(mse, mse_gradient, cross_entropy):
    """MSE and cross-entropy of one prediction p for a true answer 1, and their slopes."""
    p = np.linspace(0.005, 1.0, 200)
    squared = [mse([1.0], [q]) for q in p]
    entropy = [cross_entropy([[0.0, 1.0]], [[1.0 - q, q]]) for q in p]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.plot(p, squared, label="MSE  $(1 - p)^2$")
    left.plot(p, entropy, label="cross-entropy  $-\\log p$")
    left.set(xlabel="predicted probability p of the true class", ylabel="loss", ylim=(0, 5),
             title="The loss of one prediction (true answer: 1)")
    right.plot(p, [float(np.ravel(mse_gradient([1.0], [q]))[0]) for q in p], label="MSE: $2(p - 1)$")
    right.plot(p, -1 / p, label="cross-entropy: $-1/p$")
    right.set(xlabel="predicted probability p of the true class", ylabel="slope d loss / d p", ylim=(-10, 0.5),
              title="Its slope: how hard the gradient pushes")
    for ax in (left, right):
        ax.axvline(1.0, color="gray", lw=0.8, ls=":")
        ax.legend()
    fig.tight_layout()
    return fig


def first_steps(x, y, lines):
    """The data, and the line after each of the first steps of gradient descent."""
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.scatter(x[:, 0], y, s=18, color="k", label="data")
    xs = np.array([x.min(), x.max()])
    for k, (w, b) in enumerate(lines):
        ax.plot(xs, w[0] * xs + b, color=plt.cm.viridis(k / max(len(lines) - 1, 1)), label=f"after {k} steps")
    ax.set(xlabel="x", ylabel="y", title="The first steps of gradient descent from w = 0, b = 0")
    ax.legend(fontsize=8)
    return fig


def fit_result(x, y, w, b, losses, w_ls, b_ls):
    """The loss per epoch, and the fitted line against the least-squares line."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.semilogy(losses)
    left.set(xlabel="epoch", ylabel="mse (log scale)", title="The loss, measured before each step")
    right.scatter(x[:, 0], y, s=18, color="k", label="data")
    xs = np.array([x.min(), x.max()])
    right.plot(xs, w[0] * xs + b, lw=3, alpha=0.6, label=f"gradient descent: {w[0]:.3f} x {b:+.3f}")
    right.plot(xs, w_ls[0] * xs + b_ls, "r--", label=f"least squares: {w_ls[0]:.3f} x {b_ls:+.3f}")
    right.set(xlabel="x", ylabel="y", title="The fitted line")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


def loss_landscape(x, y, path):
    """Contours of the mse over (w, b) for a one-input neuron, and the path gradient descent took."""
    path = np.asarray(path, float)
    ws = np.linspace(min(path[:, 0].min(), 0) - 0.5, path[:, 0].max() + 0.8, 120)
    bs = np.linspace(path[:, 1].min() - 1.5, max(path[:, 1].max(), 0) + 1.5, 120)
    W, B = np.meshgrid(ws, bs)
    loss = np.mean((W[..., None] * x[:, 0] + B[..., None] - y) ** 2, axis=-1)
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    ax.contourf(W, B, np.log10(loss), levels=25, cmap="Blues_r")
    ax.plot(path[:, 0], path[:, 1], "o-", color="orange", ms=3, lw=1, label="gradient descent")
    ax.plot(*path[-1], "r*", ms=14, label="where it ends")
    ax.set(xlabel="w", ylabel="b", title="The loss over (w, b) (darker = lower) and the path")
    ax.legend(fontsize=8)
    return fig


def learning_rates(curves):
    """One loss curve per learning rate, on a log scale."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for label, losses in curves.items():
        ax.semilogy(losses, label=label)
    ax.set(xlabel="epoch", ylabel="mse (log scale)", title="Three learning rates")
    ax.legend(fontsize=8)
    return fig


def decision_surfaces(panels, losses=None):
    """The network's output over the input plane, one panel per ``title: predict``, then a loss curve."""
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 120), np.linspace(-0.5, 1.5, 120)), -1).reshape(-1, 2)
    count = len(panels) + (losses is not None)
    fig, axes = plt.subplots(1, count, figsize=(3.8 * count, 3.5))
    for ax, (title, predict) in zip(axes, panels.items(), strict=False):
        out = np.asarray(predict(grid), float).reshape(120, 120)
        image = ax.contourf(grid[:, 0].reshape(120, 120), grid[:, 1].reshape(120, 120), out,
                            levels=np.linspace(0, 1, 41), cmap="coolwarm")
        ax.contour(grid[:, 0].reshape(120, 120), grid[:, 1].reshape(120, 120), out, levels=[0.5], colors="k")
        ax.scatter(*XOR_X.T, c=XOR_Y, cmap="coolwarm", s=120, edgecolors="k", vmin=0, vmax=1)
        ax.set(xticks=[0, 1], yticks=[0, 1], xlabel="$x_1$", ylabel="$x_2$", title=title)
    fig.colorbar(image, ax=axes[len(panels) - 1], label="network output", ticks=np.linspace(0, 1, 6))
    if losses is not None:
        axes[-1].semilogy(losses)
        axes[-1].set(xlabel="epoch", ylabel="mse (log scale)", title="The loss while training")
    fig.tight_layout()
    return fig
