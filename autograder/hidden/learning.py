"""Hidden checks for 03-learning: questions for the kernel, judged here.

The ``*_mistakes`` helpers compute what the classic slips return for the
grader's inputs; the forward pass, gradient descent and backpropagation they
need live here, on the grader's side, never in ``course``.
"""
import numpy as np

from autograder.judging.answered import against_reference, answered, calls
from autograder.judging.most_telling import judge_each
from autograder.judging.questions import Check
from autograder.judging.reference import reference
from course.checking import CheckFailed, describe, expect_array
from course.checks import learning as public

XOR_EPOCHS, XOR_RATE = 2000, 10.0


def _ref():
    return reference("03-learning")


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, float)))


def _forward(params, x, output_sigmoid=True, hidden_sigmoid=True, biases=True):
    """The two-layer net's output, optionally without a piece, as the classic mistakes compute it."""
    hidden_act = _sigmoid if hidden_sigmoid else (lambda z: z)
    output_act = _sigmoid if output_sigmoid else (lambda z: z)
    x = np.asarray(x, float)
    a1 = hidden_act(x @ params["W1"] + (params["b1"] if biases else 0))
    return output_act(a1 @ params["W2"] + (params["b2"] if biases else 0)), a1


# --- the classic mistakes for the grader's inputs, by mistake id (public.MISTAKES has their diagnoses) ---

def mse_mistakes(y_true, y_pred):
    error = np.asarray(y_true, float) - np.asarray(y_pred, float)
    mistakes = {"mse.summed": np.sum(error ** 2), "mse.root": np.sqrt(np.mean(error ** 2)),
                "mse.absolute": np.mean(np.abs(error)), "mse.not_squared": np.mean(error)}
    if error.ndim > 1:
        mistakes["mse.per_row"] = np.mean(np.sum(error ** 2, axis=-1))
    return mistakes


def mse_gradient_mistakes(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    n = y_pred.size
    mistakes = {"mse_gradient.sign_flipped": 2 * (y_true - y_pred) / n,
                "mse_gradient.factor_two_missing": (y_pred - y_true) / n,
                "mse_gradient.mean_missing": 2 * (y_pred - y_true)}
    if y_pred.ndim > 1:
        mistakes["mse_gradient.divided_by_rows"] = 2 * (y_pred - y_true) / len(y_pred)
    return mistakes


def cross_entropy_mistakes(y_true, probs, eps=1e-12):
    y_true = np.asarray(y_true, float)
    log_p = np.log(np.clip(np.asarray(probs, float), eps, 1.0))
    per_sample = -np.sum(y_true * log_p, axis=-1)
    with np.errstate(all="ignore"):
        fixed_eps = -np.mean(np.sum(y_true * np.log(np.clip(np.asarray(probs, float), 1e-12, 1.0)), axis=-1))
    return {"cross_entropy.summed": np.sum(per_sample), "cross_entropy.all_entries": -np.mean(y_true * log_p),
            "cross_entropy.eps_ignored": fixed_eps, "cross_entropy.log10": np.mean(per_sample) / np.log(10)}


def gradient_descent_step_mistakes(w, b, x, y, learning_rate):
    x, y, w = np.asarray(x, float), np.asarray(y, float), np.asarray(w, float)
    error, m = x @ w + b - y, len(y)
    grad_w, grad_b = 2 * x.T @ error / m, 2 * np.sum(error) / m
    step_w, step_b = learning_rate * grad_w, learning_rate * grad_b
    return {"gradient_descent_step.bias_not_updated": (w - step_w, b),
            "gradient_descent_step.uphill": (w + step_w, b + step_b),
            "gradient_descent_step.factor_two_missing": (w - step_w / 2, b - step_b / 2),
            "gradient_descent_step.mean_missing": (w - step_w * m, b - step_b * m),
            "gradient_descent_step.rate_missing": (w - grad_w, b - grad_b)}


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
    return {"fit_linear.loss_after_step": _descend(x, y, learning_rate, epochs, after=True),
            "fit_linear.bias_frozen": _descend(x, y, learning_rate, epochs, update_bias=False)}


def two_layer_forward_mistakes(params, x):
    return {"two_layer_forward.output_sigmoid_missing": _forward(params, x, output_sigmoid=False)[0],
            "two_layer_forward.hidden_sigmoid_missing": _forward(params, x, hidden_sigmoid=False)[0],
            "two_layer_forward.biases_missing": _forward(params, x, biases=False)[0]}


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

    def scaled(factor):
        return {k: v * factor for k, v in right.items()}

    mistakes = {"two_layer_gradients.uphill": scaled(-1), "two_layer_gradients.factor_two_missing": scaled(0.5),
                "two_layer_gradients.mean_missing": scaled(n),
                "two_layer_gradients.output_derivative_missing": _backprop(params, x, y, output_derivative=False),
                "two_layer_gradients.derivative_at_z": _backprop(params, x, y, derivative_at_z=True)}
    if n != rows:
        mistakes["two_layer_gradients.divided_by_rows"] = scaled(n / rows)
    return mistakes



def numerical_gradients(loss, params, h=1e-6):
    """Central differences (loss(p + h) - loss(p - h)) / 2h for every entry of every parameter."""
    grads = {}
    for key in public.KEYS:
        grads[key] = np.zeros(np.shape(params[key]))
        for index in np.ndindex(grads[key].shape):
            shifted = {k: np.array(v, float) for k, v in params.items()}
            shifted[key][index] += h
            up = loss(shifted)
            shifted[key][index] -= 2 * h
            grads[key][index] = (up - loss(shifted)) / (2 * h)
    return grads


# --- questions and judgements ---

def _pairs(rng):
    """(y_true, y_pred) of every form the contract allows."""
    yield [1.0, 0.0, 1.0, 1.0], [0.9, 0.2, 0.4, 1.3]                     # lists
    yield 3.0, 1.0                                                        # scalars
    yield np.array([2, 0, -1]), np.array([1, 1, 1])                       # integers
    yield np.zeros(5), np.zeros(5)                                        # perfect
    for shape in [(7,), (4, 3), (2, 3, 2), (1, 1)]:
        yield rng.normal(size=shape), rng.normal(size=shape)
    yield rng.random(6).astype(np.float32), rng.random(6).astype(np.float32)


def _one_hot(labels, k):
    return np.eye(k)[labels]


def _classifications(rng):
    """(y one-hot, probs[, eps]): random softmax outputs, then certain answers with zeros in them."""
    for m, k in [(5, 3), (1, 4), (12, 10)]:
        logits = rng.normal(0, 2, size=(m, k))
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        yield _one_hot(rng.integers(0, k, m), k), probs
    yield [[0, 1, 0], [1, 0, 0]], [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]      # lists
    y = _one_hot([0, 2, 1], 3)
    yield y, y                                                           # certain and right: 0
    yield y, y[::-1]                                                     # certain, one wrong: -log(eps) / 3
    yield y, y[[1, 2, 0]], 1e-7                                          # all wrong, Keras's eps


def _judge_mse(questions, records):
    against_reference(questions, records, _ref().mse, mistakes=mse_mistakes, diagnosed=public.diagnosed)


def _judge_mse_gradient(questions, records):
    against_reference(questions, records, _ref().mse_gradient, mistakes=mse_gradient_mistakes,
                      diagnosed=public.diagnosed)


def _judge_cross_entropy(questions, records):
    with public.explain_log_zero():
        against_reference(questions, records, _ref().cross_entropy, mistakes=cross_entropy_mistakes,
                          diagnosed=public.diagnosed)


def _each_alone(judge):
    """``judge`` on every answer alone, reporting the most telling failure (see ``judge_each``)."""
    return lambda questions, records: judge_each(questions, records, judge)


def _steps(rng):
    """(w, b, x, y, learning_rate) for one step of gradient descent."""
    yield np.zeros(1), 0.0, np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0]), 0.1
    for m, n in [(5, 1), (10, 3), (30, 2)]:
        yield rng.normal(size=n), float(rng.normal()), rng.normal(size=(m, n)), rng.normal(size=m), 0.05
    yield [0.5, -0.5], 1, [[1, 2], [3, 4], [0, 1]], [1, 0, 2], 0.01     # lists and integers
    yield np.array([1.0]), 0.5, np.array([[2.0]]), np.array([1.0]), 0.3  # one sample
    yield rng.normal(size=2), 0.2, rng.normal(size=(4, 2)), rng.normal(size=4), 0.0  # no step at all


def _judge_step(questions, records):
    for args, _, where, got in answered(questions, records, opaque=True):
        public.expect_step(got, _ref().gradient_descent_step(*args), where,
                           public.diagnosed(gradient_descent_step_mistakes(*args)))


def _line_data(rng, m, n):
    x = rng.normal(size=(m, n))
    return x, x @ rng.normal(size=n) + rng.normal() + rng.normal(0, 0.1, size=m)


def _ask_fit(rng):
    x1, y1 = _line_data(rng, 20, 1)
    x3, y3 = _line_data(rng, 30, 3)
    x, y = _line_data(rng, 60, 2)
    return calls("fit_linear", [(x1, y1, 0.05, 1), (x1, y1, 0.05, 15), (x3, y3, 0.1, 200),
                                (np.array([[0], [1], [2], [4]]), [1, 2, 2, 5], 0.02, 40),  # integers and a list
                                (x, y, 0.1, 300)])                       # long enough to reach least squares


def _judge_fit(questions, records):
    answers = list(answered(questions, records, opaque=True))
    for args, _, where, got in answers[:-1]:
        public.expect_fit(got, _ref().fit_linear(*args), where, public.diagnosed(fit_linear_mistakes(*args)),
                          rtol=1e-6, atol=1e-8)
    (x, y, _, _), _, where, got = answers[-1]
    w, b, _ = public.expect_tuple(got, where, ("w", "b", "losses"))
    solution = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)[0]
    try:
        w, b = np.asarray(w, dtype=float), float(b)
    except (TypeError, ValueError):
        raise CheckFailed(f"{where} returned w = {describe(w)}, b = {describe(b)}; expected an array w of "
                          f"shape {solution[:-1].shape} and a number b.") from None
    if not (w.shape == solution[:-1].shape and np.allclose(w, solution[:-1], atol=1e-5)
            and np.isclose(b, solution[-1], atol=1e-5)):
        raise CheckFailed(f"fit_linear(x (60, 2), y, 0.1, 300) ends at w = {describe(np.round(w, 4))}, "
                          f"b = {b:.4f}; the least-squares line (np.linalg.lstsq) is "
                          f"w = {np.round(solution[:-1], 4).tolist()}, b = {solution[-1]:.4f}, "
                          "which gradient descent reaches long before 300 epochs.")


def _ask_init(rng):
    questions = []
    for n_in, n_hidden, n_out in [(2, 4, 1), (3, 5, 2), (8, 16, 3), (1, 1, 1)]:
        seed = int(rng.integers(10_000))
        questions += calls("init_two_layer", [(n_in, n_hidden, n_out, s) for s in (seed, seed, seed + 1)])
    return questions


def _judge_init(questions, records):
    answers = list(answered(questions, records, opaque=True))
    for first in range(0, len(answers), 3):
        (args, _, _, params), (_, _, _, again), (_, _, _, other) = answers[first:first + 3]
        public.expect_init(params, again, other, *args)


def _networks(rng):
    """(params, x, y): random parameters (not an initialisation) and data, XOR first."""
    for m, n_in, n_hidden, n_out in [(4, 2, 4, 1), (5, 3, 3, 2), (1, 2, 2, 1), (6, 4, 5, 3)]:
        params = {"W1": rng.normal(size=(n_in, n_hidden)), "b1": rng.normal(size=n_hidden),
                  "W2": rng.normal(size=(n_hidden, n_out)), "b2": rng.normal(size=n_out)}
        x = public.XOR_X if m == 4 else rng.normal(size=(m, n_in))
        y = public.XOR_Y[:, None] if m == 4 else rng.random(size=(m, n_out))
        yield params, x, y


def _ask_forward(rng):
    cases = [(p, x) for p, x, _ in _networks(rng)]
    return calls("two_layer_forward", cases + [(cases[0][0], [[0, 1], [1, 1]])])  # a list of integers


def _network_text(name):
    """How a question about the network ``name`` is described: the shapes of its parameters and data."""
    def where(params, *data):
        return (f"{name}(params ({public.shapes_text(params)}), "
                + ", ".join(f"{n} {np.shape(a)}" for n, a in zip(("x", "y"), data, strict=False)) + ")")
    return where


def _judge_forward(questions, records):
    for args, _, where, got in answered(questions, records, where=_network_text("two_layer_forward"), opaque=True):
        y_hat, _ = public.expect_tuple(got, where, ("y_hat", "cache"))
        expect_array(y_hat, _ref().two_layer_forward(*args)[0], f"{where}[0] (y_hat)",
                     mistakes=public.diagnosed(two_layer_forward_mistakes(*args)))


def _mse_of(x, y):
    """The loss of a network's parameters on (x, y), by the reference's forward pass."""
    ref = _ref()
    return lambda params: ref.mse(y, ref.two_layer_forward(params, x)[0])


def _judge_gradients(questions, records):
    ref = _ref()
    for (params, x, y), _, where, got in answered(questions, records, where=_network_text("two_layer_gradients"),
                                                  opaque=True):
        mistakes = public.diagnosed(two_layer_gradients_mistakes(params, x, y))
        public.expect_gradients(got, ref.two_layer_gradients(params, x, y), where, mistakes)
        public.expect_gradients(got, numerical_gradients(_mse_of(x, y), params), where, mistakes, rtol=1e-5,
                                atol=1e-8, what="(expected: the slope measured numerically by central differences)")


def _ask_xor(rng):
    return calls("train_xor", [((), {"epochs": XOR_EPOCHS, "learning_rate": XOR_RATE, "seed": int(seed)})
                               for seed in rng.choice(10_000, size=3, replace=False)], with_kwargs=True)


def _judge_xor(questions, records):
    """Falling losses, and the returned network, run here, answers XOR on the truth table."""
    for _, kwargs, where, got in answered(questions, records, opaque=True):
        params, losses, hidden = public.expect_training(got, where, kwargs["epochs"])
        with np.errstate(all="ignore"):
            rounded = np.round(np.asarray(_ref().two_layer_forward(params, public.XOR_X)[0], float)).ravel()
        public.expect_xor(rounded, losses, where, hidden)


CHECKS = {
    "test_mse": Check(lambda rng: calls("mse", _pairs(rng)), _each_alone(_judge_mse)),
    "test_mse_gradient": Check(lambda rng: calls("mse_gradient", _pairs(rng)), _each_alone(_judge_mse_gradient)),
    "test_cross_entropy": Check(lambda rng: calls("cross_entropy", _classifications(rng)),
                                _each_alone(_judge_cross_entropy)),
    "test_gradient_descent_step": Check(lambda rng: calls("gradient_descent_step", _steps(rng)),
                                        _each_alone(_judge_step)),
    "test_fit_linear": Check(_ask_fit, _judge_fit),
    "test_init_two_layer": Check(_ask_init, _judge_init),
    "test_two_layer_forward": Check(_ask_forward, _each_alone(_judge_forward)),
    "test_two_layer_gradients": Check(lambda rng: calls("two_layer_gradients", _networks(rng)),
                                      _each_alone(_judge_gradients)),
    "test_train_xor": Check(_ask_xor, _judge_xor),
}
