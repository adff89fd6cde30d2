"""Hidden checks for 02-activations: questions for the kernel, judged here.

The ``*_mistakes`` helpers compute what the classic slips return for the
grader's inputs (the public checks carry the same diagnoses, with their
outputs for the hand cases written down as numbers).
"""
import functools

import numpy as np

from autograder.judging.answered import answered, calls, elementwise_inputs, tolerance_for
from autograder.judging.most_telling import judge_each
from autograder.judging.questions import Check
from autograder.judging.reference import reference
from course.answering.wire import Function
from course.checking import CheckFailed
from course.checks import activations as public


def _ref():
    return reference("02-activations")


def _float(x):
    return np.asarray(x, dtype=float)


def _sigmoid(x):
    e = np.exp(-np.abs(_float(x)))
    return np.where(_float(x) >= 0, 1 / (1 + e), e / (1 + e))


def _relu_slope(x):
    return np.where(_float(x) >= 0, 1.0, 0.0)


def _parity_on(x, axis):
    """Odd positions counted along ``axis`` ("flat": in the flattened array)."""
    x = np.asarray(x)
    if axis == "flat":
        return (np.arange(x.size) % 2 == 1).reshape(x.shape)
    index = np.arange(x.shape[axis]) % 2 == 1
    return np.broadcast_to(np.expand_dims(index, tuple(range(1, x.ndim))), x.shape)


def quiet(helper):
    """Compute a mistake's output without NumPy warnings (it may overflow on purpose)."""
    @functools.wraps(helper)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return helper(*args, **kwargs)
    return wrapper


def _known(name, *outputs, alpha=None):
    return public.known_mistakes(name, outputs, alpha)


# ---- what known mistakes return, keyed by their diagnosis (in public.MISTAKES order) --------

@quiet
def identity_mistakes(x):
    return _known("identity", np.ones_like(_float(x)))


@quiet
def identity_derivative_mistakes(x):
    return _known("identity_derivative", _float(x), np.zeros_like(_float(x)))


@quiet
def binary_step_mistakes(x):
    x = _float(x)
    return _known("binary_step", np.where(x > 0, 1.0, 0.0), np.sign(x), np.where(x >= 0, 0.0, 1.0))


@quiet
def binary_step_derivative_mistakes(x):
    x = _float(x)
    return _known("binary_step_derivative", np.where(x >= 0, 1.0, 0.0), np.ones_like(x))


@quiet
def sigmoid_mistakes(x):
    x = _float(x)
    return _known("sigmoid", _sigmoid(-x), np.tanh(x), 1 + np.exp(-x))


@quiet
def sigmoid_derivative_mistakes(x):
    x, s = _float(x), _sigmoid(x)
    return _known("sigmoid_derivative", x * (1 - x), s, 1 - s, s * (1 + s), 1 - np.tanh(x) ** 2)


@quiet
def tanh_mistakes(x):
    x = _float(x)
    return _known("tanh", np.tanh(x / 2), _sigmoid(x), np.sinh(x))


@quiet
def tanh_derivative_mistakes(x):
    x, t = _float(x), np.tanh(_float(x))
    return _known("tanh_derivative", 1 - x ** 2, 1 - t, t, 1 + t ** 2)


@quiet
def softsign_mistakes(x):
    x = _float(x)
    return _known("softsign", x / (1 + x), 1 / (1 + np.abs(x)) ** 2, np.tanh(x))


@quiet
def softsign_derivative_mistakes(x):
    x = _float(x)
    return _known("softsign_derivative", 1 / (1 + np.abs(x)), 1 / (1 + x) ** 2, x / (1 + np.abs(x)))


def _sqnl_from(neg, pos, low=-1.0, high=1.0):
    return lambda x: np.where(x > 2, high, np.where(x >= 0, pos(x), np.where(x >= -2, neg(x), low)))


def _minus(v):
    return v - v ** 2 / 4


def _plus(v):
    return v + v ** 2 / 4


@quiet
def sqnl_mistakes(x):
    x = _float(x)
    return _known("sqnl", _sqnl_from(_minus, _plus)(x), _sqnl_from(_plus, _minus, 1, -1)(x), x - x * np.abs(x) / 4,
                  _sqnl_from(_minus, _minus)(x))


@quiet
def sqnl_derivative_mistakes(x):
    x = _float(x)
    inside = np.abs(x) <= 2
    return _known("sqnl_derivative", np.where(inside, 1 + np.abs(x) / 2, 0.0), 1 - np.abs(x) / 2,
                  np.where(inside, 1 - x / 2, 0.0), _sqnl_from(_plus, _minus)(x))


@quiet
def relu_mistakes(x):
    x = _float(x)
    return _known("relu", np.minimum(x, 0), np.abs(x), _relu_slope(x))


@quiet
def relu_derivative_mistakes(x):
    x = _float(x)
    return _known("relu_derivative", np.where(x > 0, 1.0, 0.0), np.maximum(x, 0))


@quiet
def leaky_relu_mistakes(x):
    x = _float(x)
    return _known("leaky_relu", np.where(x < 0, 0.1 * x, x), np.maximum(x, 0), 0.01 * x, np.where(x < 0, x, 0.01 * x))


@quiet
def leaky_relu_derivative_mistakes(x):
    x = _float(x)
    return _known("leaky_relu_derivative", np.where(x < 0, 0.1, 1.0), _relu_slope(x), np.where(x > 0, 1.0, 0.01),
                  np.where(x < 0, 0.01 * x, x))


@quiet
def prelu_mistakes(x, alpha):
    x = _float(x)
    return _known("prelu", np.maximum(x, alpha * x), np.where(x < 0, 0.01 * x, x), np.where(x < 0, x, alpha * x),
                  np.maximum(x, 0), alpha=alpha)


@quiet
def prelu_derivative_mistakes(x, alpha):
    x = _float(x)
    return _known("prelu_derivative", np.where(x < 0, alpha * x, x), np.where(x < 0, 0.01, 1.0), _relu_slope(x),
                  np.where(x > 0, 1.0, alpha), alpha=alpha)


def _by_position(x, even, odd):
    """The right pieces at the wrong positions: swapped, along the first axis, in the flattened array."""
    swapped = np.where(public.odd_positions(x), even, odd)
    if x.ndim < 2:
        return swapped, None, None
    return swapped, np.where(_parity_on(x, 0), odd, even), np.where(_parity_on(x, "flat"), odd, even)


@quiet
def brelu_mistakes(x):
    x = _float(x)
    relu, odd_piece = np.maximum(x, 0), np.minimum(x, 0)
    swapped, first_axis, flat = _by_position(x, relu, odd_piece)
    return _known("brelu", swapped, np.where(public.odd_positions(x), np.maximum(-x, 0), relu), relu,
                  first_axis, flat)


@quiet
def brelu_derivative_mistakes(x):
    x = _float(x)
    even, odd = _relu_slope(x), _relu_slope(-x)
    odd_at = public.odd_positions(x)
    return _known("brelu_derivative", np.where(odd_at, -odd, even), even,
                  np.where(odd_at, np.where(x < 0, 1.0, 0.0), even), *_by_position(x, even, odd))


@quiet
def softmax_mistakes(z, axis=-1):
    z = _float(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    e_all, e_last = np.exp(z - z.max()), np.exp(z - z.max(axis=-1, keepdims=True))
    try:
        unkept = e / e.sum(axis=axis)
    except ValueError:
        unkept = None
    return _known("softmax", e_all / e_all.sum(), e_last / e_last.sum(axis=-1, keepdims=True), _sigmoid(z),
                  z / z.sum(axis=axis, keepdims=True), unkept)


@quiet
def numerical_derivative_mistakes(f, x, h=1e-5):
    x = _float(x)
    f_plus, f_x, f_minus = (_float(f(v)) for v in (x + h, x, x - h))
    one_by_one = None
    if x.ndim:
        one_by_one = np.reshape([(_float(f(v + h)) - _float(f(v - h))) / (2 * h) for v in x.ravel()], x.shape)
    return _known("numerical_derivative", (f_plus - f_x) / h, (f_x - f_minus) / h, (f_plus - f_minus) / h,
                  f_plus - f_minus, (f_plus - f_minus) / (2 * h * h),
                  (_float(f(x + 1e-5)) - _float(f(x - 1e-5))) / 2e-5, one_by_one)


# ---- questions and judgements ------------------------------------------------------------------

def _seed(rng):
    return int(rng.integers(2 ** 31))


def _with_boundaries(seed):
    """The contract's inputs plus the points where a piecewise function changes its formula."""
    yield from elementwise_inputs(seed)
    yield np.array([-2.5, -2.0, -1e-9, 0.0, 1e-9, 2.0, 2.5])


def _with_positions(seed):
    """Inputs with at least one axis, some with an odd last axis so that parity is easy to miscount."""
    rng = np.random.default_rng(seed)
    yield from (x for x in elementwise_inputs(seed) if np.ndim(x) > 0)
    yield [[-2.0, -1.0, 0.0, 1.0, 2.0], [2.0, 1.0, 0.0, -1.0, -2.0]]
    yield np.array([[0.0, 0.0, 0.0, 0.0], [-1.0, -1.0, 1.0, 1.0]])     # 0 at odd positions too
    for shape in [(3, 5), (2, 3), (4, 3, 5), (1, 1)]:
        yield rng.normal(0.0, 3.0, size=shape)


def _judge(name, mistakes, elementwise=True, **options):
    """Each answer against the reference, with every diagnosis ``expect_output`` has."""
    def one(questions, records):
        try:
            for args, _, where, got in answered(questions, records):
                rtol, atol = tolerance_for(*args)
                kwargs = {"rtol": rtol, "atol": atol, **options}
                if elementwise:
                    kwargs["x"] = args[0]
                public.expect_output(got, getattr(_ref(), name)(*args), where, mistakes=mistakes(*args), **kwargs)
        except CheckFailed as failure:
            raise public.advised(failure, name) from None
    return lambda questions, records: judge_each(questions, records, one)


def _elementwise(name, inputs=elementwise_inputs, alphas=(), builds_on=None, **options):
    """A check of an elementwise function on the contract's inputs (each with every alpha, for PReLU).

    A derivative written with its function (``builds_on``, as f(x)(1 - f(x))) gets the reference's
    values of that function for these inputs, so a mistake there costs that function's points only.
    """
    def ask(rng):
        xs = list(inputs(_seed(rng)))
        steps = {}
        if builds_on:
            reference_values = [((x,), getattr(_ref(), builds_on)(x)) for x in xs]
            steps = {"globals": {builds_on: Function(builds_on, table=reference_values)}}
        return calls(name, [(x, *alpha) for alpha in (alphas or [()]) for x in xs], **steps)
    return Check(ask, _judge(name, globals()[f"{name}_mistakes"], **options))


def _ask_softmax(rng):
    yield [1.0, 2.0, 3.0],
    yield np.arange(5),                                              # integers
    yield np.linspace(-2, 2, 6).astype(np.float32),                  # float32
    yield np.array([7.0]),                                           # one class
    yield np.array([1000.0, 0.0, -1000.0]),                          # no overflow
    yield np.array([[1000.0, 999.0, 998.0], [-1000.0, -999.0, -1001.0]]),  # each row its own maximum
    square = rng.normal(0.0, 2.0, size=(3, 3))                       # keepdims matters
    yield from ((square,), (square, 0), (square, 1), (square + 100.0, -1))
    matrix = rng.normal(0.0, 3.0, size=(4, 6))
    yield from ((matrix,), (matrix, 0), (matrix, 1), (matrix - 50.0, 1))  # invariant to a constant
    cube = rng.normal(0.0, 3.0, size=(2, 3, 4))
    yield from ((cube, 0), (cube, 1), (cube, 2), (cube, -2))


def _ask_numerical_derivative(rng):
    away_from_zero = rng.choice([-1.0, 1.0], size=(2, 5)) * rng.uniform(0.5, 3.0, size=(2, 5))
    return calls("numerical_derivative", [
        (Function("cube"), np.array([-1.0, 0.0, 2.0]), 0.5),
        (Function("cube"), [[-2.0, 1.0], [0.5, 3.0]], 0.1),          # a list of lists
        (Function("sin"), np.arange(-3, 4), 1e-3),                   # integers
        (Function("exp"), rng.normal(size=(3, 4)), 0.01),
        (Function("sin"), 0.3),                                      # a scalar, default h
        (Function("tanh"), rng.normal(0.0, 3.0, size=8)),            # default h
        (Function("square"), rng.normal(size=5), 0.2),
        (Function("alternating"), away_from_zero, 0.1),              # depends on the position
        (Function("alternating"), rng.normal(size=7), 0.25),
    ])


SIGNS, PIECES, PLACES = public.SIGNS, public.SQNL_PIECES, public.BRELU_PLACES
ALPHAS = [(0.25,), (0.0,), (1.5,), (-0.5,)]

CHECKS = {
    "test_identity": _elementwise("identity"),
    "test_identity_derivative": _elementwise("identity_derivative"),
    "test_numerical_derivative": Check(_ask_numerical_derivative,
                                       _judge("numerical_derivative", numerical_derivative_mistakes,
                                              elementwise=False, atol=1e-7)),
    "test_binary_step": _elementwise("binary_step", regions=SIGNS),
    # the table's "?": any value at exactly 0 is accepted
    "test_binary_step_derivative": _elementwise("binary_step_derivative", regions=SIGNS, ungraded=lambda x: x == 0),
    "test_sigmoid": _elementwise("sigmoid"),
    "test_sigmoid_derivative": _elementwise("sigmoid_derivative", builds_on="sigmoid"),
    "test_tanh": _elementwise("tanh"),
    "test_tanh_derivative": _elementwise("tanh_derivative", builds_on="tanh"),
    "test_softsign": _elementwise("softsign"),
    "test_softsign_derivative": _elementwise("softsign_derivative", builds_on="softsign"),
    "test_sqnl": _elementwise("sqnl", inputs=_with_boundaries, regions=PIECES),
    "test_sqnl_derivative": _elementwise("sqnl_derivative", inputs=_with_boundaries, regions=PIECES),
    "test_relu": _elementwise("relu", regions=SIGNS),
    "test_relu_derivative": _elementwise("relu_derivative", regions=SIGNS),
    "test_leaky_relu": _elementwise("leaky_relu", regions=SIGNS),
    "test_leaky_relu_derivative": _elementwise("leaky_relu_derivative", regions=SIGNS),
    "test_prelu": _elementwise("prelu", alphas=ALPHAS, regions=SIGNS),
    "test_prelu_derivative": _elementwise("prelu_derivative", alphas=ALPHAS, regions=SIGNS),
    "test_brelu": _elementwise("brelu", inputs=_with_positions, regions=PLACES),
    "test_brelu_derivative": _elementwise("brelu_derivative", inputs=_with_positions, regions=PLACES),
    "test_softmax": Check(lambda rng: calls("softmax", _ask_softmax(rng)),
                          _judge("softmax", softmax_mistakes, elementwise=False)),
}
