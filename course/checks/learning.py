"""Public checks for 03-learning: losses, gradient descent and backpropagation
on small cases you can verify by hand.

The expected values, and what the classic mistakes return for the same inputs,
are written below as numbers. Also the comparisons of tuple and dict results
that the hidden checks reuse to phrase a verdict (``expect_*``).
"""
import contextlib

import numpy as np

from course.checking import CheckFailed, call, describe, diagnoses, expect_array, expect_equal, learner_facing, passed

KEYS = ("W1", "b1", "W2", "b2")
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])
LOG_ZERO = ("probs holds a 0 here and log(0) = -inf (and 0 · log 0 = nan): clip probs to [eps, 1] "
            "with np.clip before taking the log.")
# The diagnosis of each classic mistake, by id "<function>.<what>" (the hand cases below, the hidden checks
# and the catalogue name them).
MISTAKES = {
    "mse.summed": "The squared errors are summed, not averaged: divide by n (np.mean does it).",
    "mse.root": "That is the root of the MSE: the cost is the mean of the squares, with no square root.",
    "mse.absolute": "That is the mean absolute error: square each difference instead of taking abs.",
    "mse.not_squared": "The differences are not squared, so positive and negative errors cancel.",
    "mse.per_row": "Each row is summed and the rows averaged; the slide's n counts every element: average over all of "
        "them.",
    "mse_gradient.sign_flipped": "The sign is flipped: d/dŷ (y - ŷ)^2 = -2 (y - ŷ) = 2 (ŷ - y).",
    "mse_gradient.factor_two_missing": "The factor 2 from the square is missing.",
    "mse_gradient.mean_missing": "The 1/n of the mean is missing: each element's share of the mean is 1/n.",
    "mse_gradient.divided_by_rows": "Divided by the number of rows; n counts every element of y_pred (y_pred.size).",
    "cross_entropy.summed": "The losses of the samples are summed; average them over the samples (the rows).",
    "cross_entropy.all_entries": "Averaged over all m × k entries; sum over the classes first, then average over the "
        "samples.",
    "cross_entropy.eps_ignored": "The eps argument is ignored: clip with the eps you are given.",
    "cross_entropy.log10": "The log is not the natural one: use np.log.",
    "gradient_descent_step.bias_not_updated": "The bias is not updated: b must take a step too.",
    "gradient_descent_step.uphill": "The step goes uphill: subtract learning_rate × gradient (the sign is flipped).",
    "gradient_descent_step.factor_two_missing": "The gradient misses the factor 2 of the square.",
    "gradient_descent_step.mean_missing": "The gradient misses the 1/m: average over the samples, do not sum.",
    "gradient_descent_step.rate_missing": "The learning rate is not applied to the step.",
    "fit_linear.loss_after_step": "The losses are measured after each step; record the loss before the step, so that "
        "losses[0] is the loss of the starting point w = 0, b = 0.",
    "fit_linear.bias_frozen": "The bias never moves from 0: update b at every step too.",
    "two_layer_forward.output_sigmoid_missing": "The output sigmoid is missing: y_hat = sigmoid(a1 @ W2 + b2).",
    "two_layer_forward.hidden_sigmoid_missing": "The hidden layer has no sigmoid: a1 = sigmoid(x @ W1 + b1).",
    "two_layer_forward.biases_missing": "The biases b1 and b2 are not added.",
    "two_layer_gradients.uphill": "The gradient points uphill: it is d mse / d parameter, with (ŷ - y), not (y - ŷ).",
    "two_layer_gradients.factor_two_missing": "The factor 2 of the squared error is missing.",
    "two_layer_gradients.mean_missing": "The 1/n of the mean is missing: mse averages over every element of y.",
    "two_layer_gradients.output_derivative_missing": "The output sigmoid's derivative ŷ(1 - ŷ) is missing from the "
        "chain rule.",
    "two_layer_gradients.derivative_at_z": "The sigmoid's derivative is taken at z, not at the activation: σ'(z) = a(1 "
        "- a) with a = σ(z).",
    "two_layer_gradients.divided_by_rows": "Divided by the number of samples only; mse averages over all m × n_out "
        "elements.",
}


def diagnosed(outputs):
    """{diagnosis: output} for {mistake id: output}: ``mistakes`` for ``expect_array``."""
    return diagnoses(MISTAKES, outputs)


# --- comparisons of tuple and dict results, shared with the hidden checks ---

def expect_tuple(got, where, names):
    """A tuple (or list) of the contract's length."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        what = f"a dict with keys {', '.join(map(str, got))}" if isinstance(got, dict) else _describe(got)
        raise CheckFailed(f"{where} returned {what}; expected a tuple ({', '.join(names)}), "
                          f"e.g. `return {', '.join(names)}`.")
    return got


def _describe(value):
    """``describe``, or the shape and dtype of an array it cannot round (booleans, complex numbers)."""
    if isinstance(value, np.ndarray) and value.dtype.kind not in "iuf":
        return f"an array of shape {value.shape} ({value.dtype})"
    return describe(value)


def expect_params(got, where, shapes):
    """A dict with keys W1, b1, W2, b2 holding arrays of real numbers of the given shapes."""
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
        if value.dtype.kind not in "biuf":
            raise CheckFailed(f"{where}['{key}'] has dtype {value.dtype}; expected real numbers (floats).")
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


def expect_step(got, expected, where, mistakes):
    """(w_new, b_new) against the expected pair, with the diagnoses of ``mistakes``."""
    w_new, b_new = expect_tuple(got, where, ("w_new", "b_new"))
    expect_array(w_new, expected[0], f"{where}[0] (w_new)", mistakes={k: v[0] for k, v in mistakes.items()})
    expect_array(b_new, expected[1], f"{where}[1] (b_new)", allow_scalar=True,
                 mistakes={k: v[1] for k, v in mistakes.items()})


def expect_fit(got, expected, where, mistakes, **tolerance):
    """(w, b, losses) against the expected triple; losses may be a list."""
    w, b, losses = expect_tuple(got, where, ("w", "b", "losses"))
    hint = "fit_linear starts from w = 0, b = 0 and repeats your gradient_descent_step (check it passes)."
    expect_array(w, expected[0], f"{where}[0] (w)", hint=hint, mistakes={k: v[0] for k, v in mistakes.items()},
                 **tolerance)
    expect_array(b, expected[1], f"{where}[1] (b)", hint=hint, allow_scalar=True,
                 mistakes={k: v[1] for k, v in mistakes.items()}, **tolerance)
    losses = _as_floats(losses) if isinstance(losses, list) else losses
    expect_array(losses, expected[2], f"{where}[2] (losses)", mistakes={k: v[2] for k, v in mistakes.items()},
                 hint="losses[k] is mse(y, x @ w + b) just before step k + 1.", **tolerance)


def _as_floats(values):
    """A list of numbers as a float array; anything else unchanged (the comparison then says what it is)."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return values


def expect_gradients(got, expected, where, mistakes, rtol=1e-6, atol=1e-8, what=""):
    """A dict of gradients against the expected dict, key by key."""
    expect_params(got, where, {k: np.shape(v) for k, v in expected.items()})
    for key in KEYS:
        expect_array(got[key], expected[key], f"{where}['{key}']", rtol=rtol, atol=atol, hint=what,
                     mistakes={diagnosis: wrong[key] for diagnosis, wrong in mistakes.items()})


@contextlib.contextmanager
def explain_log_zero():
    """Add the clipping diagnosis to a failure caused by log(0)."""
    try:
        yield
    except CheckFailed as error:
        text = str(error)
        if any(s in text for s in ("divide by zero", "invalid value", "returned inf", "returned -inf", "returned nan")):
            raise CheckFailed(f"{text} {LOG_ZERO}", error.diagnosis) from None
        raise


def expect_init(params, again, other, n_in, n_hidden, n_out, seed):
    """init_two_layer's contract: shapes, zero biases, small weights that differ between neurons and seeds.

    ``again`` is a second call with the same seed, ``other`` a call with ``seed + 1``.
    """
    where = f"init_two_layer({n_in}, {n_hidden}, {n_out}, seed={seed})"
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    expect_params(params, where, shapes)
    for key in ("b1", "b2"):
        expect_array(params[key], np.zeros(shapes[key]), f"{where}['{key}']",
                     hint="The biases start at zero (np.zeros); only the weights are random.")
    for key in ("W1", "W2"):
        largest = np.max(np.abs(params[key]))
        if not largest <= 5:
            raise CheckFailed(f"{where}['{key}'] holds a weight of size {largest:.3g}: too large. Large weights "
                              "saturate the sigmoids, whose slope is then ~0; draw small ones, e.g. "
                              "rng.normal(0, 0.5, size=...).")
    alike = np.allclose(params["W1"], params["W1"][:, :1]) and np.allclose(params["W2"], params["W2"][:1])
    if n_hidden > 1 and alike:
        raise CheckFailed(f"{where} gives every hidden neuron the same weights ({_describe(params['W1'][:, 0])}). "
                          "Identical neurons get identical gradients and stay identical forever (symmetry): "
                          "draw the weights at random.")
    if not (isinstance(again, dict) and all(np.array_equal(params[k], again.get(k)) for k in ("W1", "W2"))):
        raise CheckFailed(f"Two calls of {where} gave different weights: create the generator from the seed, "
                          "rng = np.random.default_rng(seed), so that a seed reproduces the same network.")
    if isinstance(other, dict) and all(np.array_equal(params[k], other.get(k)) for k in ("W1", "W2")):
        raise CheckFailed(f"init_two_layer gave the same weights for seed={seed} and seed={seed + 1}: use the seed "
                          "argument, rng = np.random.default_rng(seed).")


USES = " train_xor uses your two_layer_forward and two_layer_gradients: make sure their checks pass."


def expect_training(got, where, epochs):
    """train_xor's result: params of the right form and one finite, falling loss per epoch.

    Returns (params, losses as floats, the number of hidden neurons).
    """
    params, losses = expect_tuple(got, where, ("params", "losses"))
    w1 = params.get("W1") if isinstance(params, dict) else None
    hidden = w1.shape[-1] if isinstance(w1, np.ndarray) and w1.ndim == 2 else 0
    expect_params(params, f"{where}[0] (params)", {"W1": (2, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)})
    losses = _as_floats(losses)
    if not isinstance(losses, np.ndarray) or losses.dtype.kind not in "biuf":
        raise CheckFailed(f"{where}[1] (losses) is {_describe(losses)}; expected one loss (a number) per epoch.")
    losses = losses.astype(float)
    expect_equal(losses.shape, (epochs,), f"the shape of {where}[1] (losses)", "One loss per epoch.")
    if not np.all(np.isfinite(losses)):
        raise CheckFailed(f"{where} recorded a loss of {losses[~np.isfinite(losses)][0]}: the training blew up.")
    if np.isclose(losses[-1], losses[0], rtol=1e-9, atol=1e-12):
        raise CheckFailed(f"{where}: the loss stayed at {losses[0]:.4g} for all {epochs} epochs, so the parameters "
                          "never changed. Keep the updated arrays: params = {k: params[k] - ... for k in params}.")
    if losses[-1] > losses[0]:
        raise CheckFailed(f"{where}: the loss grew from {losses[0]:.4g} to {losses[-1]:.4g}. Step against the "
                          "gradient: params[k] - learning_rate * grads[k]." + USES)
    return params, losses, hidden


def small_network(hidden):
    return " Use 4 hidden neurons, as the task says; with 2, training often gets stuck." if hidden < 3 else ""


def expect_xor(rounded, losses, where, hidden):
    """The trained network's rounded outputs on the truth table are XOR's, and the loss at least halved."""
    if not np.array_equal(rounded, XOR_Y) or losses[-1] > losses[0] / 2:
        names = {(0, 1, 1, 1): " That is OR: train on the XOR targets Y_XOR.",
                 (0, 0, 0, 1): " That is AND: train on the XOR targets Y_XOR."}
        answers = [int(v) if np.isfinite(v) else float(v) for v in rounded]
        raise CheckFailed(f"{where}: the trained network answers {answers} for the truth table (XOR is "
                          f"[0, 1, 1, 0]); the loss went from {losses[0]:.4g} to {losses[-1]:.4g}."
                          + names.get(tuple(answers), "") + small_network(hidden) + USES)


# --- the public checks ---

@learner_facing
def mse(mse):
    y, y_hat = [1.0, 0.0, 1.0], [0.8, 0.3, 0.4]
    expect_array(call(mse, y, y_hat), 0.1633333333, "mse([1, 0, 1], [0.8, 0.3, 0.4])",
                 mistakes=diagnosed({"mse.summed": 0.49, "mse.root": 0.4041451884,
                                               "mse.absolute": 0.3666666667, "mse.not_squared": 0.1666666667}),
                 hint="The errors are 0.2, -0.3, 0.6; their squares 0.04, 0.09, 0.36; their mean 0.1633.")
    y, y_hat = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 0.5], [0.2, 1.0]])
    expect_array(call(mse, y, y_hat), 0.135, "mse([[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 1]])",
                 mistakes=diagnosed({"mse.summed": 0.54, "mse.root": 0.3674234614, "mse.absolute": 0.3,
                                               "mse.not_squared": -0.05, "mse.per_row": 0.27}))
    expect_array(call(mse, y, y), 0.0, "mse(y, y) for a perfect prediction")
    passed("mse")


@learner_facing
def mse_gradient(mse_gradient):
    y, y_hat = np.array([1.0, 0.0, 1.0]), np.array([0.8, 0.3, 0.4])
    expect_array(call(mse_gradient, y, y_hat), [-0.1333333333, 0.2, -0.4], "mse_gradient([1, 0, 1], [0.8, 0.3, 0.4])",
                 mistakes=diagnosed({"mse_gradient.sign_flipped": [0.1333333333, -0.2, 0.4],
                                               "mse_gradient.factor_two_missing": [-0.06666666667, 0.1, -0.2],
                                               "mse_gradient.mean_missing": [-0.4, 0.6, -1.2]}))
    y, y_hat = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 0.5], [0.2, 1.0]])
    expect_array(call(mse_gradient, y, y_hat), [[-0.25, 0.25], [0.1, 0.0]],
                 "mse_gradient([[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 1]])",
                 mistakes=diagnosed({"mse_gradient.sign_flipped": [[0.25, -0.25], [-0.1, 0.0]],
                                               "mse_gradient.factor_two_missing": [[-0.125, 0.125], [0.05, 0.0]],
                                               "mse_gradient.mean_missing": [[-1.0, 1.0], [0.4, 0.0]],
                                               "mse_gradient.divided_by_rows": [[-0.5, 0.5], [0.2, 0.0]]}))
    passed("mse_gradient")


@learner_facing
def cross_entropy(cross_entropy):
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    expect_array(call(cross_entropy, y, p, name="cross_entropy"), 0.2899092476,
                 "cross_entropy(y, [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]) with y the classes 0 and 1",
                 mistakes=diagnosed({"cross_entropy.summed": 0.5798184953,
                                               "cross_entropy.all_entries": 0.09663641588,
                                               "cross_entropy.log10": 0.1259059865}),
                 hint="It is -(log 0.7 + log 0.8) / 2 = 0.2899.")
    with explain_log_zero():
        expect_array(call(cross_entropy, y, y, name="cross_entropy"), 0.0,
                     "cross_entropy(y, y) for a certain, correct prediction")
        expect_array(call(cross_entropy, [[1.0, 0.0]], np.array([[0.0, 1.0]]), name="cross_entropy"), 27.63102112,
                     "cross_entropy([[1, 0]], [[0, 1]]) for a certain, wrong prediction",
                     mistakes=diagnosed({"cross_entropy.all_entries": 13.81551056,
                                                   "cross_entropy.log10": 12.0}),
                     hint="It is -log(eps) = 27.63.")
    passed("cross_entropy")


@learner_facing
def gradient_descent_step(gradient_descent_step):
    w, b, x, y = np.zeros(1), 0.0, np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    got = call(gradient_descent_step, w, b, x, y, 0.1)
    expect_step(got, ([1.866666667], 0.8), "gradient_descent_step(w=[0], b=0, x=[[1], [2], [3]], y=[2, 4, 6], "
                "learning_rate=0.1)", diagnosed({
                    "gradient_descent_step.bias_not_updated": ([1.866666667], 0.0),
                    "gradient_descent_step.uphill": ([-1.866666667], -0.8),
                    "gradient_descent_step.factor_two_missing": ([0.9333333333], 0.4),
                    "gradient_descent_step.mean_missing": ([5.6], 2.4),
                    "gradient_descent_step.rate_missing": ([18.66666667], 8.0)}))
    w, b = np.array([2.0]), 0.0
    expect_step(call(gradient_descent_step, w, b, x, y, 0.1), ([2.0], 0.0),
                "gradient_descent_step(w=[2], b=0, ...) where the line already fits", {})
    passed("gradient_descent_step")


@learner_facing
def fit_linear(fit_linear):
    x, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    where = "fit_linear(x=[[0], [1], [2], [3]], y=[1, 3, 5, 7], learning_rate=0.1, epochs={})"
    expect_fit(call(fit_linear, x, y, 0.1, 1), ([1.7], 0.8, [21.0]), where.format(1),
               diagnosed({"fit_linear.loss_after_step": ([1.7], 0.8, [0.535]),
                                    "fit_linear.bias_frozen": ([1.7], 0.0, [21.0])}))
    w, b, losses = expect_tuple(call(fit_linear, x, y, 0.1, 500), where.format(500), ("w", "b", "losses"))
    expect_array(_as_floats(losses)[:1], [21.0], f"{where.format(500)}[2][:1] (the first loss)")
    expect_array(w, [2.0], f"{where.format(500)}[0] (w)", atol=1e-6, hint="The data lie on y = 2x + 1.")
    expect_array(b, 1.0, f"{where.format(500)}[1] (b)", atol=1e-6, hint="The data lie on y = 2x + 1.")
    passed("fit_linear")


@learner_facing
def init_two_layer(init_two_layer):
    expect_init(*(call(init_two_layer, 2, 4, 1, seed) for seed in (0, 0, 1)), 2, 4, 1, seed=0)
    passed("init_two_layer")


EXAMPLE = {"W1": np.array([[1.0, -1.0], [2.0, 0.0]]), "b1": np.array([0.0, 1.0]),
           "W2": np.array([[1.0], [-1.0]]), "b2": np.array([0.5])}
EXAMPLE_TEXT = "EXAMPLE = {W1: [[1, -1], [2, 0]], b1: [0, 1], W2: [[1], [-1]], b2: [0.5]}"
# two_layer_gradients(EXAMPLE, XOR_X, XOR_Y as a column), and what the classic slips give instead (by mistake id)
EXAMPLE_GRADIENTS = {"W1": [[-0.003733256152, -0.0092095574], [-0.0007841845382, -0.01051991889]],
                     "b1": [0.009605187027, -0.01529124336], "W2": [[0.04373265736], [0.0410325372]],
                     "b2": [0.06777066519]}
EXAMPLE_GRADIENT_MISTAKES = {
    "two_layer_gradients.uphill":
        {"W1": [[0.003733256152, 0.0092095574], [0.0007841845382, 0.01051991889]],
         "b1": [-0.009605187027, 0.01529124336], "W2": [[-0.04373265736], [-0.0410325372]], "b2": [-0.06777066519]},
    "two_layer_gradients.factor_two_missing":
        {"W1": [[-0.001866628076, -0.0046047787], [-0.0003920922691, -0.005259959446]],
         "b1": [0.004802593513, -0.007645621681], "W2": [[0.02186632868], [0.0205162686]], "b2": [0.0338853326]},
    "two_layer_gradients.mean_missing":
        {"W1": [[-0.01493302461, -0.0368382296], [-0.003136738153, -0.04207967557]],
         "b1": [0.03842074811, -0.06116497345], "W2": [[0.1749306294], [0.1641301488]], "b2": [0.2710826608]},
    "two_layer_gradients.output_derivative_missing":
        {"W1": [[-0.01564527566, -0.04958376104], [-0.00170847, -0.05648035884]],
         "b1": [0.03719990589, -0.07158311643], "W2": [[0.2155511592], [0.1809673255]], "b2": [0.3102273135]},
    "two_layer_gradients.derivative_at_z":
        {"W1": [[-0.09780284597, 0.0], [-0.01973243067, 0.0]], "b1": [-0.01973243067, 0.0],
         "W2": [[-0.01434736798], [0.004377164663]], "b2": [0.001042583358]},
}


@learner_facing
def two_layer_forward(two_layer_forward):
    zero = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 1)), "b2": np.zeros(1)}
    where = "two_layer_forward(params with all weights 0, x = the XOR truth table)"
    y_hat, _ = expect_tuple(call(two_layer_forward, zero, XOR_X), where, ("y_hat", "cache"))
    expect_array(y_hat, np.full((4, 1), 0.5), f"{where}[0] (y_hat)",
                 mistakes=diagnosed({"two_layer_forward.output_sigmoid_missing": np.zeros((4, 1))}),
                 hint="With zero weights every z is 0 and sigmoid(0) = 0.5.")
    where = f"two_layer_forward({EXAMPLE_TEXT}, [[1, 0]])"
    y_hat, _ = expect_tuple(call(two_layer_forward, EXAMPLE, np.array([[1.0, 0.0]])), where, ("y_hat", "cache"))
    expect_array(y_hat, [[0.6750375274]], f"{where}[0] (y_hat)",
                 mistakes=diagnosed({"two_layer_forward.output_sigmoid_missing": [[0.7310585786]],
                                               "two_layer_forward.hidden_sigmoid_missing": [[0.8175744762]],
                                               "two_layer_forward.biases_missing": [[0.6135163044]]}),
                 hint="z1 = [1, 0], a1 = [0.7311, 0.5], z2 = 0.7311, y_hat = sigmoid(0.7311) = 0.675.")
    passed("two_layer_forward")


@learner_facing
def two_layer_gradients(two_layer_gradients):
    got = call(two_layer_gradients, EXAMPLE, XOR_X, XOR_Y[:, None])
    expect_gradients(got, {k: np.array(v) for k, v in EXAMPLE_GRADIENTS.items()},
                     "two_layer_gradients(EXAMPLE, XOR x, XOR y)", diagnosed(EXAMPLE_GRADIENT_MISTAKES),
                     rtol=1e-5, atol=1e-8,
                     what="(expected: the slope measured numerically by central differences)")
    passed("two_layer_gradients")


@learner_facing
def train_xor(train_xor, two_layer_forward=None):
    """train_xor(2000, 10.0, seed=0) learns XOR: seen through your ``two_layer_forward`` when given."""
    where = "train_xor(epochs=2000, learning_rate=10.0, seed=0)"
    params, losses, hidden = expect_training(call(train_xor, epochs=2000, learning_rate=10.0, seed=0), where, 2000)
    if two_layer_forward is not None:
        y_hat, _ = expect_tuple(call(two_layer_forward, params, XOR_X), "two_layer_forward(trained params, X_XOR)",
                                ("y_hat", "cache"))
        y_hat = _as_floats(y_hat)
        if not isinstance(y_hat, np.ndarray) or y_hat.size != 4 or y_hat.dtype.kind not in "biuf":
            raise CheckFailed(f"two_layer_forward(trained params, X_XOR) returned {_describe(y_hat)}; expected "
                              "one output per row of the truth table.")
        expect_xor(np.round(y_hat.astype(float)).ravel(), losses, where, hidden)
    elif not losses[-1] < 1 / 16:  # then every prediction is within 0.5 of its target: it rounds to XOR
        raise CheckFailed(f"{where}: the loss went from {losses[0]:.4g} to {losses[-1]:.4g}; a network that has "
                          "learnt XOR ends below 0.0625, where every output is within 0.5 of its target."
                          + small_network(hidden) + USES)
    passed("train_xor")
