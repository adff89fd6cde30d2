"""Mistakes and alternatives for 03-learning."""
import numpy as np

from autograder.judging.reference import reference

from . import Case

A = np.asarray


def _f(v):
    return A(v, float)


def _sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def _step(w, b, x, y, lr, sign=1, factor=2.0, average=True, update_bias=True):
    """gradient_descent_step with switches for its classic mistakes."""
    x, y, w = _f(x), _f(y), _f(w)
    g = factor * (x @ w + b - y) / (len(y) if average else 1)
    return w - sign * lr * (x.T @ g), (b - sign * lr * g.sum()) if update_bias else b


def _step_in_place(w, b, x, y, lr):
    new_w, new_b = _step(w, b, x, y, lr)
    w -= w - new_w
    return w, new_b


def _step_loop(w, b, x, y, lr):
    """A loop over the samples, accumulating the gradient, then an update of a copy of w."""
    w_new, grad_w, grad_b = _f(w).copy(), np.zeros(len(w)), 0.0
    for xi, yi in zip(_f(x), _f(y), strict=False):
        error = xi @ _f(w) + b - yi
        grad_w += 2 * error * xi / len(y)
        grad_b += 2 * error / len(y)
    w_new -= lr * grad_w
    return w_new, b - lr * grad_b


def _fit_while(x, y, lr, epochs):
    w, b, losses = np.zeros(np.shape(x)[1]), 0.0, np.zeros(epochs)
    epoch = 0
    while epoch < epochs:
        losses[epoch] = np.mean((_f(x) @ w + b - _f(y)) ** 2)
        w, b = _step_loop(w, b, x, y, lr)
        epoch += 1
    return w, b, losses


def _fit(x, y, lr, epochs, after=False, start=0.0, update_bias=True, extra=0):
    """fit_linear with switches for its classic mistakes."""
    x = _f(x)
    w, b, losses = np.full(x.shape[1], start), 0.0, []
    for _ in range(epochs):
        if not after:
            losses.append(np.mean((x @ w + b - _f(y)) ** 2))
        w, b = _step(w, b, x, y, lr, update_bias=update_bias)
        if after:
            losses.append(np.mean((x @ w + b - _f(y)) ** 2))
    losses += losses[-1:] * extra
    return w, b, losses


def _init(n_in, n_hidden, n_out, seed, scale=0.5, rng=None, biases=False, transpose=False):
    """init_two_layer with switches for its classic mistakes."""
    rng = rng or np.random.default_rng(seed)
    W1, W2 = rng.normal(0, scale, (n_in, n_hidden)), rng.normal(0, scale, (n_hidden, n_out))
    if transpose:
        W1, W2 = W1.T, W2.T
    return {"W1": W1, "b1": rng.normal(size=n_hidden) if biases else np.zeros(n_hidden),
            "W2": W2, "b2": np.zeros(n_out)}


def _glorot(n_in, n_hidden, n_out, seed):
    rng = np.random.default_rng(seed)
    limit1, limit2 = np.sqrt(6 / (n_in + n_hidden)), np.sqrt(6 / (n_hidden + n_out))
    return {"W1": rng.uniform(-limit1, limit1, (n_in, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.uniform(-limit2, limit2, (n_hidden, n_out)), "b2": np.zeros(n_out)}


def _legacy_init(n_in, n_hidden, n_out, seed):
    np.random.seed(seed)
    return {"W1": np.random.randn(n_in, n_hidden) * 0.1, "b1": np.zeros(n_hidden),
            "W2": np.random.randn(n_hidden, n_out) * 0.1, "b2": np.zeros(n_out)}


def _forward(params, x, hidden=_sigmoid, output=_sigmoid, biases=True):
    a1 = hidden(_f(x) @ params["W1"] + (params["b1"] if biases else 0))
    y_hat = output(a1 @ params["W2"] + (params["b2"] if biases else 0))
    return y_hat, (a1, y_hat)


def _grads(params, x, y, scale=2.0, average="all", at_z=False, output_slope=True, transpose=False, keep_rows=False):
    """two_layer_gradients with switches for its classic mistakes."""
    x, y = _f(x), _f(y)
    a1 = _sigmoid(x @ params["W1"] + params["b1"])
    z2 = a1 @ params["W2"] + params["b2"]
    y_hat = _sigmoid(z2)
    n = {"all": y.size, "rows": len(y), "none": 1}[average]
    dz2 = scale * (y_hat - y) / n * ((z2 * (1 - z2) if at_z else y_hat * (1 - y_hat)) if output_slope else 1)
    z1 = x @ params["W1"] + params["b1"]
    dz1 = dz2 @ params["W2"].T * (z1 * (1 - z1) if at_z else a1 * (1 - a1))
    grads = {"W1": x.T @ dz1, "b1": dz1 if keep_rows else dz1.sum(0), "W2": a1.T @ dz2,
             "b2": dz2 if keep_rows else dz2.sum(0)}
    if transpose:
        grads["W1"], grads["W2"] = grads["W1"].T, grads["W2"].T
    return grads


def _grads_einsum(params, x, y):
    x, y = _f(x), _f(y)
    a1 = _sigmoid(np.einsum("mi,ih->mh", x, params["W1"]) + params["b1"])
    y_hat = _sigmoid(np.einsum("mh,ho->mo", a1, params["W2"]) + params["b2"])
    dz2 = 2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)
    dz1 = np.einsum("mo,ho->mh", dz2, params["W2"]) * a1 * (1 - a1)
    return {"W1": np.einsum("mi,mh->ih", x, dz1), "b1": np.einsum("mh->h", dz1),
            "W2": np.einsum("mh,mo->ho", a1, dz2), "b2": np.einsum("mo->o", dz2)}


def _grads_per_sample(params, x, y):
    """Backpropagation one sample at a time, accumulating."""
    x, y = _f(x), _f(y)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    for xi, yi in zip(x, y, strict=False):
        a1 = _sigmoid(xi @ params["W1"] + params["b1"])
        y_hat = _sigmoid(a1 @ params["W2"] + params["b2"])
        dz2 = 2 * (y_hat - yi) / y.size * y_hat * (1 - y_hat)
        dz1 = params["W2"] @ dz2 * a1 * (1 - a1)
        grads["W2"] += np.outer(a1, dz2)
        grads["b2"] += dz2
        grads["W1"] += np.outer(xi, dz1)
        grads["b1"] += dz1
    return grads


def _train(epochs, learning_rate, seed, sign=1, keep=True, targets=None, after=False, hidden=4):
    """train_xor on the reference's forward and gradients, with switches for its classic mistakes."""
    ref = reference("03-learning")
    x, y = ref.X_XOR, ref.Y_XOR if targets is None else _f(targets)[:, None]
    params, losses = ref.init_two_layer(2, hidden, 1, seed), []
    for _ in range(epochs):
        if not after:
            losses.append(ref.mse(y, ref.two_layer_forward(params, x)[0]))
        grads = ref.two_layer_gradients(params, x, y)
        updated = {k: params[k] - sign * learning_rate * grads[k] for k in params}
        params = updated if keep else params
        if after:
            losses.append(ref.mse(y, ref.two_layer_forward(params, x)[0]))
    return params, losses


def _train_in_place(epochs, learning_rate, seed):
    ref = reference("03-learning")
    params, losses = _glorot(2, 8, 1, seed), []
    for _ in range(epochs):
        y_hat, _ = ref.two_layer_forward(params, ref.X_XOR)
        losses.append(float(np.mean((y_hat - ref.Y_XOR) ** 2)))
        for key, grad in ref.two_layer_gradients(params, ref.X_XOR, ref.Y_XOR).items():
            params[key] -= learning_rate * grad
    return params, np.array(losses)


MUTANTS = [
    Case("mse", "summed, not averaged", lambda y, p: float(np.sum((_f(y) - _f(p)) ** 2)),
         message="summed, not averaged", mistake="mse.summed"),
    Case("mse", "root mean squared error", lambda y, p: float(np.sqrt(np.mean((_f(y) - _f(p)) ** 2))),
         message="no square root", mistake="mse.root"),
    Case("mse", "mean absolute error", lambda y, p: float(np.mean(np.abs(_f(y) - _f(p)))), message="absolute error",
         mistake="mse.absolute"),
    Case("mse", "not squared", lambda y, p: float(np.mean(_f(y) - _f(p))), message="not squared",
         mistake="mse.not_squared"),
    Case("mse", "divided by the number of rows", lambda y, p: float(np.sum((_f(y) - _f(p)) ** 2) / len(_f(y))),
         message="counts every element", mistake="mse.per_row"),
    Case("mse", "elementwise squares, no mean", lambda y, p: (_f(y) - _f(p)) ** 2, message="shape"),
    Case("mse_gradient", "sign flipped", lambda y, p: 2 * (_f(y) - _f(p)) / _f(p).size, message="sign is flipped",
         mistake="mse_gradient.sign_flipped"),
    Case("mse_gradient", "factor 2 missing", lambda y, p: (_f(p) - _f(y)) / _f(p).size, message="factor 2",
         mistake="mse_gradient.factor_two_missing"),
    Case("mse_gradient", "1/n missing", lambda y, p: 2 * (_f(p) - _f(y)), message="1/n",
         mistake="mse_gradient.mean_missing"),
    Case("mse_gradient", "divided by the rows", lambda y, p: 2 * (_f(p) - _f(y)) / len(_f(p)),
         message="number of rows", mistake="mse_gradient.divided_by_rows"),
    Case("cross_entropy", "not clipped: log(0)",
         lambda y, p, eps=1e-12: float(-np.mean(np.sum(_f(y) * np.log(_f(p)), axis=-1))), message="np.clip"),
    Case("cross_entropy", "summed over samples",
         lambda y, p, eps=1e-12: float(-np.sum(_f(y) * np.log(np.clip(_f(p), eps, 1)))), message="are summed",
         mistake="cross_entropy.summed"),
    Case("cross_entropy", "mean over all entries",
         lambda y, p, eps=1e-12: float(-np.mean(_f(y) * np.log(np.clip(_f(p), eps, 1)))),
         message="sum over the classes", mistake="cross_entropy.all_entries"),
    Case("cross_entropy", "eps ignored",
         lambda y, p, eps=1e-12: float(-np.mean(np.sum(_f(y) * np.log(np.clip(_f(p), 1e-12, 1)), -1))),
         message="eps", public=False, mistake="cross_entropy.eps_ignored"),
    Case("cross_entropy", "log10",
         lambda y, p, eps=1e-12: float(-np.mean(np.sum(_f(y) * np.log10(np.clip(_f(p), eps, 1)), -1))),
         message="np.log", mistake="cross_entropy.log10"),
    Case("gradient_descent_step", "sign flipped", lambda w, b, x, y, lr: _step(w, b, x, y, lr, sign=-1),
         message="uphill", mistake="gradient_descent_step.uphill"),
    Case("gradient_descent_step", "bias not updated", lambda w, b, x, y, lr: _step(w, b, x, y, lr, update_bias=False),
         message="bias is not updated", mistake="gradient_descent_step.bias_not_updated"),
    Case("gradient_descent_step", "factor 2 missing", lambda w, b, x, y, lr: _step(w, b, x, y, lr, factor=1.0),
         message="factor 2", mistake="gradient_descent_step.factor_two_missing"),
    Case("gradient_descent_step", "summed, not averaged", lambda w, b, x, y, lr: _step(w, b, x, y, lr, average=False),
         message="1/m", mistake="gradient_descent_step.mean_missing"),
    Case("gradient_descent_step", "learning rate not applied", lambda w, b, x, y, lr: _step(w, b, x, y, 1.0),
         message="learning rate is not applied", mistake="gradient_descent_step.rate_missing"),
    Case("gradient_descent_step", "w changed in place", _step_in_place, message="in place"),
    Case("fit_linear", "losses after the step", lambda x, y, lr, e: _fit(x, y, lr, e, after=True),
         message="after each step", mistake="fit_linear.loss_after_step"),
    Case("fit_linear", "bias frozen", lambda x, y, lr, e: _fit(x, y, lr, e, update_bias=False),
         message="bias never moves", mistake="fit_linear.bias_frozen"),
    Case("fit_linear", "not from zero", lambda x, y, lr, e: _fit(x, y, lr, e, start=1.0), message="starts from w = 0"),
    Case("fit_linear", "one loss too many", lambda x, y, lr, e: _fit(x, y, lr, e, extra=1), message="shape"),
    Case("init_two_layer", "all zeros", lambda i, h, o, s: _init(i, h, o, s, scale=0.0), message="symmetry"),
    Case("init_two_layer", "seed ignored", lambda i, h, o, s: _init(i, h, o, s, rng=np.random.default_rng()),
         message="Two calls"),
    Case("init_two_layer", "fixed seed", lambda i, h, o, s: _init(i, h, o, 42), message="same weights for seed"),
    Case("init_two_layer", "random biases", lambda i, h, o, s: _init(i, h, o, s, biases=True), message="start at zero"),
    Case("init_two_layer", "large weights", lambda i, h, o, s: _init(i, h, o, s, scale=10.0), message="too large"),
    Case("init_two_layer", "transposed weights", lambda i, h, o, s: _init(i, h, o, s, transpose=True),
         message="swapped"),
    Case("two_layer_forward", "no output sigmoid", lambda p, x: _forward(p, x, output=lambda z: z),
         message="output sigmoid is missing", mistake="two_layer_forward.output_sigmoid_missing"),
    Case("two_layer_forward", "no hidden sigmoid", lambda p, x: _forward(p, x, hidden=lambda z: z),
         message="hidden layer has no sigmoid", mistake="two_layer_forward.hidden_sigmoid_missing"),
    Case("two_layer_forward", "biases forgotten", lambda p, x: _forward(p, x, biases=False), message="biases",
         mistake="two_layer_forward.biases_missing"),
    Case("two_layer_forward", "y_hat only, no cache", lambda p, x: _forward(p, x)[0], message="expected a tuple"),
    Case("two_layer_gradients", "sign flipped", lambda p, x, y: _grads(p, x, y, scale=-2.0), message="uphill",
         mistake="two_layer_gradients.uphill"),
    Case("two_layer_gradients", "factor 2 missing", lambda p, x, y: _grads(p, x, y, scale=1.0), message="factor 2",
         mistake="two_layer_gradients.factor_two_missing"),
    Case("two_layer_gradients", "summed, not averaged", lambda p, x, y: _grads(p, x, y, average="none"),
         message="1/n", mistake="two_layer_gradients.mean_missing"),
    Case("two_layer_gradients", "averaged over rows only", lambda p, x, y: _grads(p, x, y, average="rows"),
         message="m × n_out", public=False, mistake="two_layer_gradients.divided_by_rows"),
    Case("two_layer_gradients", "sigmoid derivative at z", lambda p, x, y: _grads(p, x, y, at_z=True),
         message="taken at z", mistake="two_layer_gradients.derivative_at_z"),
    Case("two_layer_gradients", "output sigmoid derivative missing",
         lambda p, x, y: _grads(p, x, y, output_slope=False), message="output sigmoid's derivative",
         mistake="two_layer_gradients.output_derivative_missing"),
    Case("two_layer_gradients", "transposed weight gradients", lambda p, x, y: _grads(p, x, y, transpose=True),
         message="swapped"),
    Case("two_layer_gradients", "bias gradients not summed", lambda p, x, y: _grads(p, x, y, keep_rows=True),
         message="sum its gradient over the samples"),
    Case("train_xor", "gradient ascent",
         lambda epochs, learning_rate, seed: _train(epochs, learning_rate, seed, sign=-1),
         message="loss grew"),
    Case("train_xor", "updates thrown away", lambda epochs, learning_rate, seed: _train(epochs, learning_rate, seed,
                                                                                         keep=False),
         message="never changed"),
    Case("train_xor", "trained on OR", lambda epochs, learning_rate, seed: _train(epochs, learning_rate, seed,
                                                                                   targets=[0, 1, 1, 1]),
         message="That is OR", public=False),
    Case("train_xor", "returns the params only", lambda epochs, learning_rate, seed: _train(epochs, learning_rate,
                                                                                             seed)[0],
         message="expected a tuple"),
]

ALTERNATIVES = [
    Case("mse", "np.square and np.mean", lambda y, p: np.mean(np.square(np.subtract(y, p, dtype=float)))),
    Case("mse", "sum over size", lambda y, p: float(((_f(p) - _f(y)) ** 2).sum() / _f(p).size)),
    Case("mse", "Python loop",
         lambda y, p: sum((a - b) ** 2 for a, b in zip(_f(y).ravel(), _f(p).ravel(), strict=False)) / _f(y).size),
    Case("mse_gradient", "minus two times (y - p)", lambda y, p: -2 * (_f(y) - _f(p)) / np.size(p)),
    Case("mse_gradient", "mean-style", lambda y, p: 2 * np.subtract(p, y, dtype=float) / len(_f(p).ravel())),
    Case("cross_entropy", "np.maximum", lambda y, p, eps=1e-12: -np.sum(_f(y) * np.log(np.maximum(_f(p), eps)))
         / len(_f(y))),
    Case("cross_entropy", "clip to [eps, 1 - eps]",
         lambda y, p, eps=1e-12: float(-np.mean(np.sum(_f(y) * np.log(np.clip(_f(p), eps, 1 - eps)), axis=1)))),
    Case("cross_entropy", "true class only",
         lambda y, p, eps=1e-12: float(-np.mean(np.log(np.clip(_f(p)[np.arange(len(_f(y))), _f(y).argmax(1)],
                                                               eps, 1))))),
    Case("gradient_descent_step", "mean of per-sample gradients",
         lambda w, b, x, y, lr: (_f(w) - lr * np.mean(2 * (_f(x) @ _f(w) + b - _f(y))[:, None] * _f(x), axis=0),
                                 b - lr * np.mean(2 * (_f(x) @ _f(w) + b - _f(y))))),
    Case("gradient_descent_step", "loop over samples, update a copy", _step_loop),
    Case("fit_linear", "losses as a list", lambda x, y, lr, e: _fit(x, y, lr, e)),
    Case("fit_linear", "while loop, array losses", _fit_while),
    Case("init_two_layer", "Glorot uniform", _glorot),
    Case("init_two_layer", "np.random.seed and randn", _legacy_init),
    Case("init_two_layer", "standard normal", lambda i, h, o, s: _init(i, h, o, s, scale=1.0)),
    Case("two_layer_forward", "cache as a tuple", _forward),
    Case("two_layer_forward", "tanh form of the sigmoid, no cache",
         lambda p, x: (_forward(p, x, hidden=lambda z: 0.5 * (1 + np.tanh(z / 2)),
                                output=lambda z: 0.5 * (1 + np.tanh(z / 2)))[0], None)),
    Case("two_layer_gradients", "one sample at a time", _grads_per_sample),
    Case("two_layer_gradients", "einsum, own mean", _grads_einsum),
    Case("train_xor", "losses after the step", lambda epochs, learning_rate, seed: _train(epochs, learning_rate, seed,
                                                                                           after=True)),
    Case("train_xor", "in place, 8 hidden, Glorot", _train_in_place),
    Case("train_xor", "3 hidden neurons", lambda epochs, learning_rate, seed: _train(epochs, learning_rate, seed,
                                                                                      hidden=3)),
]
