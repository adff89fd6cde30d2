"""Hidden tests for 03-learning."""
import numpy as np

from course.checking import CheckFailed, call, expect_array, learner_facing, signature
from course.checks import learning as public

from ..reference import reference
from .common import against_reference

SEED = 303
XOR_SEEDS = (1, 2, 3)


def _ref():
    return reference("03-learning")


def _pairs(seed):
    """(y_true, y_pred) of every form the contract allows."""
    rng = np.random.default_rng(seed)
    yield [1.0, 0.0, 1.0, 1.0], [0.9, 0.2, 0.4, 1.3]                     # lists
    yield 3.0, 1.0                                                        # scalars
    yield np.array([2, 0, -1]), np.array([1, 1, 1])                       # integers
    yield np.zeros(5), np.zeros(5)                                        # perfect
    for shape in [(7,), (4, 3), (2, 3, 2), (1, 1)]:
        yield rng.normal(size=shape), rng.normal(size=shape)
    yield rng.random(6).astype(np.float32), rng.random(6).astype(np.float32)


@learner_facing
def mse(mse):
    against_reference(mse, _ref().mse, _pairs(SEED), "mse", mistakes=public.mse_mistakes)


@learner_facing
def mse_gradient(mse_gradient):
    against_reference(mse_gradient, _ref().mse_gradient, _pairs(SEED + 1), "mse_gradient",
                      mistakes=public.mse_gradient_mistakes)


def _one_hot(labels, k):
    return np.eye(k)[labels]


def _classifications(seed):
    """(y one-hot, probs[, eps]): random softmax outputs, then certain answers with zeros in them."""
    rng = np.random.default_rng(seed)
    for m, k in [(5, 3), (1, 4), (12, 10)]:
        logits = rng.normal(0, 2, size=(m, k))
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        yield _one_hot(rng.integers(0, k, m), k), probs
    yield [[0, 1, 0], [1, 0, 0]], [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]      # lists
    y = _one_hot([0, 2, 1], 3)
    yield y, y                                                           # certain and right: 0
    yield y, y[::-1]                                                     # certain, one wrong: -log(eps) / 3
    yield y, y[[1, 2, 0]], 1e-7                                          # all wrong, Keras's eps


@learner_facing
def cross_entropy(cross_entropy):
    with public.explain_log_zero():
        against_reference(cross_entropy, _ref().cross_entropy, _classifications(SEED + 2), "cross_entropy",
                          mistakes=public.cross_entropy_mistakes)


def _steps(seed):
    """(w, b, x, y, learning_rate) for one step of gradient descent."""
    rng = np.random.default_rng(seed)
    yield np.zeros(1), 0.0, np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0]), 0.1
    for m, n in [(5, 1), (10, 3), (30, 2)]:
        yield rng.normal(size=n), float(rng.normal()), rng.normal(size=(m, n)), rng.normal(size=m), 0.05
    yield [0.5, -0.5], 1, [[1, 2], [3, 4], [0, 1]], [1, 0, 2], 0.01     # lists and integers
    yield np.array([1.0]), 0.5, np.array([[2.0]]), np.array([1.0]), 0.3  # one sample
    yield rng.normal(size=2), 0.2, rng.normal(size=(4, 2)), rng.normal(size=4), 0.0  # no step at all


@learner_facing
def gradient_descent_step(gradient_descent_step):
    ref = _ref()
    for args in _steps(SEED + 3):
        where = signature("gradient_descent_step", args)
        public.compare_step(call(gradient_descent_step, *args), ref.gradient_descent_step(*args), where,
                            public.gradient_descent_step_mistakes(*args))


def _line_data(rng, m, n):
    x = rng.normal(size=(m, n))
    return x, x @ rng.normal(size=n) + rng.normal() + rng.normal(0, 0.1, size=m)


@learner_facing
def fit_linear(fit_linear):
    ref, rng = _ref(), np.random.default_rng(SEED + 4)
    x1, y1 = _line_data(rng, 20, 1)
    x3, y3 = _line_data(rng, 30, 3)
    cases = [(x1, y1, 0.05, 1), (x1, y1, 0.05, 15), (x3, y3, 0.1, 200),
             (np.array([[0], [1], [2], [4]]), [1, 2, 2, 5], 0.02, 40)]       # integers and a list
    for args in cases:
        public.compare_fit(call(fit_linear, *args), ref.fit_linear(*args), signature("fit_linear", args),
                           public.fit_linear_mistakes(*args), rtol=1e-6, atol=1e-8)
    x, y = _line_data(rng, 60, 2)
    w, b, _ = call(fit_linear, x, y, 0.1, 300)
    solution = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)[0]
    if not (np.allclose(w, solution[:-1], atol=1e-5) and np.isclose(b, solution[-1], atol=1e-5)):
        raise CheckFailed(f"fit_linear(x (60, 2), y, 0.1, 300) ends at w = {np.round(w, 4).tolist()}, "
                          f"b = {float(b):.4f}; the least-squares line (np.linalg.lstsq) is "
                          f"w = {np.round(solution[:-1], 4).tolist()}, b = {solution[-1]:.4f}, "
                          "which gradient descent reaches long before 300 epochs.")


@learner_facing
def init_two_layer(init_two_layer):
    for n_in, n_hidden, n_out, seed in [(2, 4, 1, 0), (3, 5, 2, 7), (8, 16, 3, 123), (1, 1, 1, 5)]:
        public.expect_init(init_two_layer, n_in, n_hidden, n_out, seed)


def _networks(seed):
    """(params, x, y): random parameters (not an initialisation) and data, XOR first."""
    rng = np.random.default_rng(seed)
    for m, n_in, n_hidden, n_out in [(4, 2, 4, 1), (5, 3, 3, 2), (1, 2, 2, 1), (6, 4, 5, 3)]:
        params = {"W1": rng.normal(size=(n_in, n_hidden)), "b1": rng.normal(size=n_hidden),
                  "W2": rng.normal(size=(n_hidden, n_out)), "b2": rng.normal(size=n_out)}
        x = public.XOR_X if m == 4 else rng.normal(size=(m, n_in))
        y = public.XOR_Y[:, None] if m == 4 else rng.random(size=(m, n_out))
        yield params, x, y


@learner_facing
def two_layer_forward(two_layer_forward):
    ref = _ref()
    cases = [(p, x) for p, x, _ in _networks(SEED + 5)] + [(next(_networks(SEED + 5))[0], [[0, 1], [1, 1]])]
    for params, x in cases:
        where = f"two_layer_forward(params ({public.shapes_text(params)}), x {np.shape(x)})"
        y_hat, _ = public.expect_tuple(call(two_layer_forward, params, x), where, ("y_hat", "cache"))
        expect_array(y_hat, ref.two_layer_forward(params, x)[0], f"{where}[0] (y_hat)",
                     mistakes=public.two_layer_forward_mistakes(params, x))


@learner_facing
def two_layer_gradients(two_layer_gradients):
    ref = _ref()
    for params, x, y in _networks(SEED + 6):
        where = f"two_layer_gradients(params ({public.shapes_text(params)}), x {np.shape(x)}, y {np.shape(y)})"
        got = call(two_layer_gradients, params, x, y)
        mistakes = public.two_layer_gradients_mistakes(params, x, y)
        public.compare_gradients(got, ref.two_layer_gradients(params, x, y), where, mistakes)
        loss = lambda p: ref.mse(y, ref.two_layer_forward(p, x)[0])  # noqa: E731
        public.compare_gradients(got, public.numerical_gradients(loss, params), where, mistakes, rtol=1e-5,
                                 atol=1e-8, what="(expected: the slope measured numerically by central differences)")


@learner_facing
def train_xor(train_xor):
    for seed in XOR_SEEDS:
        public.expect_xor(train_xor, 2000, 10.0, seed, _ref().two_layer_forward)
