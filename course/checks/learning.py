"""Public checks for 03-learning: losses, gradient descent and backpropagation
on small cases you can verify by hand, or against a numerical gradient."""
import contextlib

import numpy as np

from course.checking import CheckFailed, call, describe, expect_array, expect_equal, learner_facing, passed

KEYS = ("W1", "b1", "W2", "b2")
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])
LOG_ZERO = ("probs holds a 0 here and log(0) = -inf (and 0 · log 0 = nan): clip probs to [eps, 1] "
            "with np.clip before taking the log.")


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, float)))


def _forward(params, x, output_sigmoid=True, hidden_sigmoid=True, biases=True):
    """The two-layer net's output, optionally without a piece, as the classic mistakes compute it."""
    hidden_act = _sigmoid if hidden_sigmoid else (lambda z: z)
    output_act = _sigmoid if output_sigmoid else (lambda z: z)
    x = np.asarray(x, float)
    a1 = hidden_act(x @ params["W1"] + (params["b1"] if biases else 0))
    return output_act(a1 @ params["W2"] + (params["b2"] if biases else 0)), a1


# --- the classic mistakes, computed for the same inputs (shared with the hidden checks) ---

def mse_mistakes(y_true, y_pred):
    error = np.asarray(y_true, float) - np.asarray(y_pred, float)
    mistakes = {"The squared errors are summed, not averaged: divide by n (np.mean does it).": np.sum(error ** 2),
                "That is the root of the MSE: the cost is the mean of the squares, with no square root.":
                    np.sqrt(np.mean(error ** 2)),
                "That is the mean absolute error: square each difference instead of taking abs.":
                    np.mean(np.abs(error)),
                "The differences are not squared, so positive and negative errors cancel.": np.mean(error)}
    if error.ndim > 1:
        mistakes["Each row is summed and the rows averaged; the slide's n counts every element: average over "
                 "all of them."] = np.mean(np.sum(error ** 2, axis=-1))
    return mistakes


def mse_gradient_mistakes(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    n = y_pred.size
    mistakes = {"The sign is flipped: d/dŷ (y - ŷ)^2 = -2 (y - ŷ) = 2 (ŷ - y).": 2 * (y_true - y_pred) / n,
                "The factor 2 from the square is missing.": (y_pred - y_true) / n,
                "The 1/n of the mean is missing: each element's share of the mean is 1/n.": 2 * (y_pred - y_true)}
    if y_pred.ndim > 1:
        mistakes["Divided by the number of rows; n counts every element of y_pred (y_pred.size)."] = \
            2 * (y_pred - y_true) / len(y_pred)
    return mistakes


def cross_entropy_mistakes(y_true, probs, eps=1e-12):
    y_true = np.asarray(y_true, float)
    log_p = np.log(np.clip(np.asarray(probs, float), eps, 1.0))
    per_sample = -np.sum(y_true * log_p, axis=-1)
    with np.errstate(all="ignore"):
        fixed_eps = -np.mean(np.sum(y_true * np.log(np.clip(np.asarray(probs, float), 1e-12, 1.0)), axis=-1))
    return {"The losses of the samples are summed; average them over the samples (the rows).": np.sum(per_sample),
            "Averaged over all m × k entries; sum over the classes first, then average over the samples.":
                -np.mean(y_true * log_p),
            "The eps argument is ignored: clip with the eps you are given.": fixed_eps,
            "The log is not the natural one: use np.log.": np.mean(per_sample) / np.log(10)}


def gradient_descent_step_mistakes(w, b, x, y, learning_rate):
    x, y, w = np.asarray(x, float), np.asarray(y, float), np.asarray(w, float)
    error, m = x @ w + b - y, len(y)
    grad_w, grad_b = 2 * x.T @ error / m, 2 * np.sum(error) / m
    return {"The bias is not updated: b must take a step too.": (w - learning_rate * grad_w, b),
            "The step goes uphill: subtract learning_rate × gradient (the sign is flipped).":
                (w + learning_rate * grad_w, b + learning_rate * grad_b),
            "The gradient misses the factor 2 of the square.": (w - learning_rate * grad_w / 2,
                                                                b - learning_rate * grad_b / 2),
            "The gradient misses the 1/m: average over the samples, do not sum.": (w - learning_rate * grad_w * m,
                                                                                    b - learning_rate * grad_b * m),
            "The learning rate is not applied to the step.": (w - grad_w, b - grad_b)}


def _descend(x, y, learning_rate, epochs, after=False, update_bias=True):
    """fit_linear's loop, optionally with one of its classic mistakes."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    w, b, losses = np.zeros(x.shape[1]), 0.0, []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            if not after:
                losses.append(np.mean((x @ w + b - y) ** 2))
            error = x @ w + b - y
            w = w - learning_rate * 2 * x.T @ error / len(y)
            b = b - learning_rate * 2 * np.sum(error) / len(y) * update_bias
            if after:
                losses.append(np.mean((x @ w + b - y) ** 2))
    return w, b, np.array(losses)


def fit_linear_mistakes(x, y, learning_rate, epochs):
    return {"The losses are measured after each step; record the loss before the step, so that losses[0] "
            "is the loss of the starting point w = 0, b = 0.": _descend(x, y, learning_rate, epochs, after=True),
            "The bias never moves from 0: update b at every step too.":
                _descend(x, y, learning_rate, epochs, update_bias=False)}


def two_layer_forward_mistakes(params, x):
    return {"The output sigmoid is missing: y_hat = sigmoid(a1 @ W2 + b2).":
                _forward(params, x, output_sigmoid=False)[0],
            "The hidden layer has no sigmoid: a1 = sigmoid(x @ W1 + b1).": _forward(params, x, hidden_sigmoid=False)[0],
            "The biases b1 and b2 are not added.": _forward(params, x, biases=False)[0]}


def _backprop(params, x, y, output_derivative=True, derivative_at_z=False):
    """The gradients of mse, or what a classic slip in the chain rule gives."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    y_hat, a1 = _forward(params, x)
    slope = (lambda a, z: z * (1 - z)) if derivative_at_z else (lambda a, z: a * (1 - a))
    z2 = a1 @ params["W2"] + params["b2"]
    d2 = 2 * (y_hat - y) / y_hat.size * (slope(y_hat, z2) if output_derivative else 1)
    d1 = d2 @ params["W2"].T * slope(a1, x @ params["W1"] + params["b1"])
    return {"W1": x.T @ d1, "b1": d1.sum(axis=0), "W2": a1.T @ d2, "b2": d2.sum(axis=0)}


def two_layer_gradients_mistakes(params, x, y):
    right = _backprop(params, x, y)
    n, rows = np.size(y), len(y)
    scaled = lambda factor: {k: v * factor for k, v in right.items()}  # noqa: E731
    mistakes = {"The gradient points uphill: it is d mse / d parameter, with (ŷ - y), not (y - ŷ).": scaled(-1),
                "The factor 2 of the squared error is missing.": scaled(0.5),
                "The 1/n of the mean is missing: mse averages over every element of y.": scaled(n),
                "The output sigmoid's derivative ŷ(1 - ŷ) is missing from the chain rule.":
                    _backprop(params, x, y, output_derivative=False),
                "The sigmoid's derivative is taken at z, not at the activation: σ'(z) = a(1 - a) with a = σ(z).":
                    _backprop(params, x, y, derivative_at_z=True)}
    if n != rows:
        mistakes["Divided by the number of samples only; mse averages over all m × n_out elements."] = scaled(n / rows)
    return mistakes


# --- comparisons of tuple and dict results, shared with the hidden checks ---

def expect_tuple(got, where, names):
    """A tuple (or list) of the contract's length."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        what = f"a dict with keys {', '.join(map(str, got))}" if isinstance(got, dict) else describe(got)
        raise CheckFailed(f"{where} returned {what}; expected a tuple ({', '.join(names)}), "
                          f"e.g. `return {', '.join(names)}`.")
    return got


def expect_params(got, where, shapes):
    """A dict with keys W1, b1, W2, b2 holding arrays of the given shapes."""
    if not isinstance(got, dict):
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a dict with keys {', '.join(KEYS)}.")
    missing = [k for k in KEYS if k not in got]
    if missing:
        raise CheckFailed(f"{where} returned a dict without the key(s) {', '.join(missing)}; expected the keys "
                          f"{', '.join(KEYS)}.")
    for key, shape in shapes.items():
        value = got[key]
        if not isinstance(value, np.ndarray):
            raise CheckFailed(f"{where}['{key}'] is a {type(value).__name__}; expected a NumPy array of shape {shape}.")
        if value.shape != shape:
            raise CheckFailed(f"{where}['{key}'] has shape {value.shape}; expected {shape}." + _shape_hint(
                key, value.shape, shape))
    return got


def _shape_hint(key, got, expected):
    if got == expected[::-1]:
        return " The axes are swapped: check the order of the matrix product, or a transpose."
    if key.startswith("b") and len(got) == 2 and got[1:] == expected:
        return (" A bias has one entry per neuron: sum its gradient over the samples (axis=0), without "
                "keepdims." if got[0] != 1 else " Drop the extra axis (keepdims=True, or a (1, n) array).")
    return ""


def shapes_text(params):
    return ", ".join(f"{k} {np.shape(params[k])}" for k in KEYS)


def compare_step(got, expected, where, mistakes):
    """(w_new, b_new) against the expected pair, with the diagnoses of ``mistakes``."""
    w_new, b_new = expect_tuple(got, where, ("w_new", "b_new"))
    expect_array(w_new, expected[0], f"{where}[0] (w_new)", mistakes={k: v[0] for k, v in mistakes.items()})
    expect_array(b_new, expected[1], f"{where}[1] (b_new)", allow_scalar=True,
                 mistakes={k: v[1] for k, v in mistakes.items()})


def compare_fit(got, expected, where, mistakes, **tolerance):
    """(w, b, losses) against the expected triple; losses may be a list."""
    w, b, losses = expect_tuple(got, where, ("w", "b", "losses"))
    hint = "fit_linear starts from w = 0, b = 0 and repeats your gradient_descent_step (check it passes)."
    expect_array(w, expected[0], f"{where}[0] (w)", hint=hint, mistakes={k: v[0] for k, v in mistakes.items()},
                 **tolerance)
    expect_array(b, expected[1], f"{where}[1] (b)", hint=hint, allow_scalar=True,
                 mistakes={k: v[1] for k, v in mistakes.items()}, **tolerance)
    losses = np.asarray(losses, float) if isinstance(losses, list) else losses
    expect_array(losses, expected[2], f"{where}[2] (losses)", mistakes={k: v[2] for k, v in mistakes.items()},
                 hint="losses[k] is mse(y, x @ w + b) just before step k + 1.", **tolerance)


def compare_gradients(got, expected, where, mistakes, rtol=1e-6, atol=1e-8, what=""):
    """A dict of gradients against the expected dict, key by key."""
    expect_params(got, where, {k: np.shape(v) for k, v in expected.items()})
    for key in KEYS:
        expect_array(got[key], expected[key], f"{where}['{key}']", rtol=rtol, atol=atol, hint=what,
                     mistakes={diagnosis: wrong[key] for diagnosis, wrong in mistakes.items()})


def numerical_gradients(loss, params, h=1e-6):
    """Central differences (loss(p + h) - loss(p - h)) / 2h for every entry of every parameter."""
    grads = {}
    for key in KEYS:
        grads[key] = np.zeros(np.shape(params[key]))
        for index in np.ndindex(grads[key].shape):
            shifted = {k: np.array(v, float) for k, v in params.items()}
            shifted[key][index] += h
            up = loss(shifted)
            shifted[key][index] -= 2 * h
            grads[key][index] = (up - loss(shifted)) / (2 * h)
    return grads


@contextlib.contextmanager
def explain_log_zero():
    """Add the clipping diagnosis to a failure caused by log(0)."""
    try:
        yield
    except CheckFailed as error:
        text = str(error)
        if any(s in text for s in ("divide by zero", "invalid value", "returned inf", "returned -inf", "returned nan")):
            raise CheckFailed(f"{text} {LOG_ZERO}") from None
        raise


def expect_xor(train_xor, epochs, learning_rate, seed, forward):
    """train_xor's result: params of the right form, one falling loss per epoch, predictions that round to XOR."""
    where = f"train_xor(epochs={epochs}, learning_rate={learning_rate}, seed={seed})"
    params, losses = expect_tuple(call(train_xor, epochs=epochs, learning_rate=learning_rate, seed=seed),
                                  where, ("params", "losses"))
    hidden = np.shape(params.get("W1", np.zeros((2, 0))))[-1] if isinstance(params, dict) else 0
    expect_params(params, f"{where}[0] (params)", {"W1": (2, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)})
    losses = np.asarray(losses, float)
    expect_equal(losses.shape, (epochs,), f"the shape of {where}[1] (losses)", "One loss per epoch.")
    if not np.all(np.isfinite(losses)):
        raise CheckFailed(f"{where} recorded a loss of {losses[~np.isfinite(losses)][0]}: the training blew up.")
    uses = " train_xor uses your two_layer_forward and two_layer_gradients: make sure their checks pass."
    if np.isclose(losses[-1], losses[0], rtol=1e-9, atol=1e-12):
        raise CheckFailed(f"{where}: the loss stayed at {losses[0]:.4g} for all {epochs} epochs, so the parameters "
                          "never changed. Keep the updated arrays: params = {k: params[k] - ... for k in params}.")
    if losses[-1] > losses[0]:
        raise CheckFailed(f"{where}: the loss grew from {losses[0]:.4g} to {losses[-1]:.4g}. Step against the "
                          "gradient: params[k] - learning_rate * grads[k]." + uses)
    rounded = np.round(np.asarray(forward(params, XOR_X)[0], float)).ravel()
    if not np.array_equal(rounded, XOR_Y) or losses[-1] > losses[0] / 2:
        names = {(0, 1, 1, 1): " That is OR: train on the XOR targets Y_XOR.",
                 (0, 0, 0, 1): " That is AND: train on the XOR targets Y_XOR."}
        small = " Use 4 hidden neurons, as the task says; with 2, training often gets stuck." if hidden < 3 else ""
        raise CheckFailed(f"{where}: the trained network answers {rounded.astype(int).tolist()} for the truth "
                          f"table (XOR is [0, 1, 1, 0]); the loss went from {losses[0]:.4g} to {losses[-1]:.4g}."
                          + names.get(tuple(rounded.astype(int)), "") + small + uses)


# --- the public checks ---

@learner_facing
def mse(mse):
    y, y_hat = [1.0, 0.0, 1.0], [0.8, 0.3, 0.4]
    got = call(mse, y, y_hat)
    expect_array(got, 0.49 / 3, "mse([1, 0, 1], [0.8, 0.3, 0.4])", mistakes=mse_mistakes(y, y_hat),
                 hint="The errors are 0.2, -0.3, 0.6; their squares 0.04, 0.09, 0.36; their mean 0.1633.")
    y, y_hat = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 0.5], [0.2, 1.0]])
    expect_array(call(mse, y, y_hat), 0.135, "mse([[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 1]])",
                 mistakes=mse_mistakes(y, y_hat))
    expect_array(call(mse, y, y), 0.0, "mse(y, y) for a perfect prediction")
    passed("mse")


@learner_facing
def mse_gradient(mse_gradient):
    y, y_hat = np.array([1.0, 0.0, 1.0]), np.array([0.8, 0.3, 0.4])
    got = call(mse_gradient, y, y_hat)
    expect_array(got, 2 * (y_hat - y) / 3, "mse_gradient([1, 0, 1], [0.8, 0.3, 0.4])",
                 mistakes=mse_gradient_mistakes(y, y_hat))
    y, y_hat = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 0.5], [0.2, 1.0]])
    expect_array(call(mse_gradient, y, y_hat), [[-0.25, 0.25], [0.1, 0.0]],
                 "mse_gradient([[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 1]])", mistakes=mse_gradient_mistakes(y, y_hat))
    passed("mse_gradient")


@learner_facing
def cross_entropy(cross_entropy):
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    expect_array(call(cross_entropy, y, p, name="cross_entropy"), -(np.log(0.7) + np.log(0.8)) / 2,
                 "cross_entropy(y, [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]) with y the classes 0 and 1",
                 mistakes=cross_entropy_mistakes(y, p), hint="It is -(log 0.7 + log 0.8) / 2 = 0.2899.")
    with explain_log_zero():
        expect_array(call(cross_entropy, y, y, name="cross_entropy"), 0.0,
                     "cross_entropy(y, y) for a certain, correct prediction")
        wrong = np.array([[0.0, 1.0]])
        expect_array(call(cross_entropy, [[1.0, 0.0]], wrong, name="cross_entropy"), -np.log(1e-12),
                     "cross_entropy([[1, 0]], [[0, 1]]) for a certain, wrong prediction",
                     mistakes=cross_entropy_mistakes([[1.0, 0.0]], wrong), hint="It is -log(eps) = 27.63.")
    passed("cross_entropy")


@learner_facing
def gradient_descent_step(gradient_descent_step):
    w, b, x, y = np.zeros(1), 0.0, np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    got = call(gradient_descent_step, w, b, x, y, 0.1)
    compare_step(got, (np.array([28 / 15]), 0.8), "gradient_descent_step(w=[0], b=0, x=[[1], [2], [3]], y=[2, 4, 6], "
                 "learning_rate=0.1)", gradient_descent_step_mistakes(w, b, x, y, 0.1))
    w, b = np.array([2.0]), 0.0
    compare_step(call(gradient_descent_step, w, b, x, y, 0.1), (w, b),
                 "gradient_descent_step(w=[2], b=0, ...) where the line already fits", {})
    passed("gradient_descent_step")


@learner_facing
def fit_linear(fit_linear):
    x, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    where = "fit_linear(x=[[0], [1], [2], [3]], y=[1, 3, 5, 7], learning_rate=0.1, epochs={})"
    compare_fit(call(fit_linear, x, y, 0.1, 1), (np.array([1.7]), 0.8, np.array([21.0])), where.format(1),
                fit_linear_mistakes(x, y, 0.1, 1))
    w, b, losses = expect_tuple(call(fit_linear, x, y, 0.1, 500), where.format(500), ("w", "b", "losses"))
    expect_array(np.asarray(losses, float)[:1], [21.0], f"{where.format(500)}[2][:1] (the first loss)")
    expect_array(w, [2.0], f"{where.format(500)}[0] (w)", atol=1e-6, hint="The data lie on y = 2x + 1.")
    expect_array(b, 1.0, f"{where.format(500)}[1] (b)", atol=1e-6, hint="The data lie on y = 2x + 1.")
    passed("fit_linear")


def expect_init(init_two_layer, n_in, n_hidden, n_out, seed):
    """init_two_layer's contract: shapes, zero biases, small weights that differ between neurons and seeds."""
    where = f"init_two_layer({n_in}, {n_hidden}, {n_out}, seed={seed})"
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    params = expect_params(call(init_two_layer, n_in, n_hidden, n_out, seed), where, shapes)
    for key in ("b1", "b2"):
        expect_array(params[key], np.zeros(shapes[key]), f"{where}['{key}']",
                     hint="The biases start at zero (np.zeros); only the weights are random.")
    for key in ("W1", "W2"):
        largest = np.max(np.abs(params[key]))
        if largest > 5:
            raise CheckFailed(f"{where}['{key}'] holds a weight of size {largest:.3g}: too large. Large weights "
                              "saturate the sigmoids, whose slope is then ~0; draw small ones, e.g. "
                              "rng.normal(0, 0.5, size=...).")
    alike = np.allclose(params["W1"], params["W1"][:, :1]) and np.allclose(params["W2"], params["W2"][:1])
    if n_hidden > 1 and alike:
        raise CheckFailed(f"{where} gives every hidden neuron the same weights ({describe(params['W1'][:, 0])}). "
                          "Identical neurons get identical gradients and stay identical forever (symmetry): "
                          "draw the weights at random.")
    again = call(init_two_layer, n_in, n_hidden, n_out, seed)
    if not all(np.array_equal(params[k], again[k]) for k in ("W1", "W2")):
        raise CheckFailed(f"Two calls of {where} gave different weights: create the generator from the seed, "
                          "rng = np.random.default_rng(seed), so that a seed reproduces the same network.")
    other = call(init_two_layer, n_in, n_hidden, n_out, seed + 1)
    if all(np.array_equal(params[k], other[k]) for k in ("W1", "W2")):
        raise CheckFailed(f"init_two_layer gave the same weights for seed={seed} and seed={seed + 1}: use the seed "
                          "argument, rng = np.random.default_rng(seed).")


@learner_facing
def init_two_layer(init_two_layer):
    expect_init(init_two_layer, 2, 4, 1, seed=0)
    passed("init_two_layer")


EXAMPLE = {"W1": np.array([[1.0, -1.0], [2.0, 0.0]]), "b1": np.array([0.0, 1.0]),
           "W2": np.array([[1.0], [-1.0]]), "b2": np.array([0.5])}
EXAMPLE_TEXT = "EXAMPLE = {W1: [[1, -1], [2, 0]], b1: [0, 1], W2: [[1], [-1]], b2: [0.5]}"


@learner_facing
def two_layer_forward(two_layer_forward):
    zero = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 1)), "b2": np.zeros(1)}
    where = "two_layer_forward(params with all weights 0, x = the XOR truth table)"
    y_hat, _ = expect_tuple(call(two_layer_forward, zero, XOR_X), where, ("y_hat", "cache"))
    expect_array(y_hat, np.full((4, 1), 0.5), f"{where}[0] (y_hat)", mistakes=two_layer_forward_mistakes(zero, XOR_X),
                 hint="With zero weights every z is 0 and sigmoid(0) = 0.5.")
    x = np.array([[1.0, 0.0]])
    where = f"two_layer_forward({EXAMPLE_TEXT}, [[1, 0]])"
    y_hat, _ = expect_tuple(call(two_layer_forward, EXAMPLE, x), where, ("y_hat", "cache"))
    expect_array(y_hat, _forward(EXAMPLE, x)[0], f"{where}[0] (y_hat)", mistakes=two_layer_forward_mistakes(EXAMPLE, x),
                 hint="z1 = [1, 0], a1 = [0.7311, 0.5], z2 = 0.7311, y_hat = sigmoid(0.7311) = 0.675.")
    passed("two_layer_forward")


@learner_facing
def two_layer_gradients(two_layer_gradients):
    x, y = XOR_X, XOR_Y[:, None]
    got = call(two_layer_gradients, EXAMPLE, x, y)
    loss = lambda p: np.mean((_forward(p, x)[0] - y) ** 2)  # noqa: E731
    compare_gradients(got, numerical_gradients(loss, EXAMPLE), "two_layer_gradients(EXAMPLE, XOR x, XOR y)",
                      two_layer_gradients_mistakes(EXAMPLE, x, y), rtol=1e-5, atol=1e-8,
                      what="(expected: the slope measured numerically by central differences)")
    passed("two_layer_gradients")


@learner_facing
def train_xor(train_xor):
    expect_xor(train_xor, 2000, 10.0, 0, _forward)
    passed("train_xor")
