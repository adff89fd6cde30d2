"""Hidden checks for 02-activations: questions for the kernel, judged here.

The ``*_mistakes`` helpers compute what the classic slips return for the
grader's inputs, by mistake id (the public checks hold their diagnoses, and
their outputs for the hand cases written down as numbers).
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


# ---- what known mistakes return, by mistake id (public.MISTAKES has their diagnoses) ----------

@quiet
def identity_mistakes(x):
    return {"identity.derivative_instead": np.ones_like(_float(x))}


@quiet
def identity_derivative_mistakes(x):
    return {"identity_derivative.function_itself": _float(x), "identity_derivative.zero": np.zeros_like(_float(x))}


@quiet
def binary_step_mistakes(x):
    x = _float(x)
    return {"binary_step.strict_at_zero": np.where(x > 0, 1.0, 0.0), "binary_step.sign": np.sign(x),
            "binary_step.upside_down": np.where(x >= 0, 0.0, 1.0)}


@quiet
def binary_step_derivative_mistakes(x):
    x = _float(x)
    return {"binary_step_derivative.function_itself": np.where(x >= 0, 1.0, 0.0),
            "binary_step_derivative.one": np.ones_like(x)}


@quiet
def sigmoid_mistakes(x):
    x = _float(x)
    return {"sigmoid.sign_flipped": _sigmoid(-x), "sigmoid.tanh_instead": np.tanh(x),
            "sigmoid.reciprocal_missing": 1 + np.exp(-x)}


@quiet
def sigmoid_derivative_mistakes(x):
    x, s = _float(x), _sigmoid(x)
    return {"sigmoid_derivative.applied_to_x": x * (1 - x), "sigmoid_derivative.function_itself": s,
            "sigmoid_derivative.factor_missing": 1 - s, "sigmoid_derivative.sign_inside": s * (1 + s),
            "sigmoid_derivative.tanh_derivative": 1 - np.tanh(x) ** 2}


@quiet
def tanh_mistakes(x):
    x = _float(x)
    return {"tanh.half_argument": np.tanh(x / 2), "tanh.sigmoid_instead": _sigmoid(x), "tanh.sinh": np.sinh(x)}


@quiet
def tanh_derivative_mistakes(x):
    x, t = _float(x), np.tanh(_float(x))
    return {"tanh_derivative.applied_to_x": 1 - x ** 2, "tanh_derivative.square_missing": 1 - t,
            "tanh_derivative.function_itself": t, "tanh_derivative.sign_flipped": 1 + t ** 2}


@quiet
def softsign_mistakes(x):
    x = _float(x)
    return {"softsign.abs_missing": x / (1 + x), "softsign.derivative_instead": 1 / (1 + np.abs(x)) ** 2,
            "softsign.tanh_instead": np.tanh(x)}


@quiet
def softsign_derivative_mistakes(x):
    x = _float(x)
    return {"softsign_derivative.square_missing": 1 / (1 + np.abs(x)),
            "softsign_derivative.abs_missing": 1 / (1 + x) ** 2,
            "softsign_derivative.function_itself": x / (1 + np.abs(x))}


def _sqnl_from(neg, pos, low=-1.0, high=1.0):
    return lambda x: np.where(x > 2, high, np.where(x >= 0, pos(x), np.where(x >= -2, neg(x), low)))


def _minus(v):
    return v - v ** 2 / 4


def _plus(v):
    return v + v ** 2 / 4


@quiet
def sqnl_mistakes(x):
    x = _float(x)
    return {"sqnl.middle_pieces_swapped": _sqnl_from(_minus, _plus)(x),
            "sqnl.outer_pieces_swapped": _sqnl_from(_plus, _minus, 1, -1)(x),
            "sqnl.clipping_missing": x - x * np.abs(x) / 4, "sqnl.one_piece_both_sides": _sqnl_from(_minus, _minus)(x)}


@quiet
def sqnl_derivative_mistakes(x):
    x = _float(x)
    inside = np.abs(x) <= 2
    return {"sqnl_derivative.slopes_swapped": np.where(inside, 1 + np.abs(x) / 2, 0.0),
            "sqnl_derivative.not_zero_outside": 1 - np.abs(x) / 2,
            "sqnl_derivative.one_slope_both_sides": np.where(inside, 1 - x / 2, 0.0),
            "sqnl_derivative.function_itself": _sqnl_from(_plus, _minus)(x)}


@quiet
def relu_mistakes(x):
    x = _float(x)
    return {"relu.minimum": np.minimum(x, 0), "relu.abs": np.abs(x), "relu.derivative_instead": _relu_slope(x)}


@quiet
def relu_derivative_mistakes(x):
    x = _float(x)
    return {"relu_derivative.zero_at_zero": np.where(x > 0, 1.0, 0.0),
            "relu_derivative.function_itself": np.maximum(x, 0)}


@quiet
def leaky_relu_mistakes(x):
    x = _float(x)
    return {"leaky_relu.wrong_slope": np.where(x < 0, 0.1 * x, x), "leaky_relu.plain_relu": np.maximum(x, 0),
            "leaky_relu.slope_both_sides": 0.01 * x, "leaky_relu.sides_swapped": np.where(x < 0, x, 0.01 * x)}


@quiet
def leaky_relu_derivative_mistakes(x):
    x = _float(x)
    return {"leaky_relu_derivative.wrong_slope": np.where(x < 0, 0.1, 1.0),
            "leaky_relu_derivative.relu_derivative": _relu_slope(x),
            "leaky_relu_derivative.slope_at_zero": np.where(x > 0, 1.0, 0.01),
            "leaky_relu_derivative.function_itself": np.where(x < 0, 0.01 * x, x)}


@quiet
def prelu_mistakes(x, alpha):
    x = _float(x)
    return {"prelu.maximum_trick": np.maximum(x, alpha * x), "prelu.fixed_slope": np.where(x < 0, 0.01 * x, x),
            "prelu.sides_swapped": np.where(x < 0, x, alpha * x), "prelu.plain_relu": np.maximum(x, 0)}


@quiet
def prelu_derivative_mistakes(x, alpha):
    x = _float(x)
    return {"prelu_derivative.function_itself": np.where(x < 0, alpha * x, x),
            "prelu_derivative.fixed_slope": np.where(x < 0, 0.01, 1.0),
            "prelu_derivative.relu_derivative": _relu_slope(x),
            "prelu_derivative.alpha_at_zero": np.where(x > 0, 1.0, alpha)}


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
    return {"brelu.parity_swapped": swapped,
            "brelu.outer_minus_missing": np.where(public.odd_positions(x), np.maximum(-x, 0), relu),
            "brelu.plain_relu": relu, "brelu.first_axis": first_axis, "brelu.flattened": flat}


@quiet
def brelu_derivative_mistakes(x):
    x = _float(x)
    even, odd = _relu_slope(x), _relu_slope(-x)
    odd_at = public.odd_positions(x)
    swapped, first_axis, flat = _by_position(x, even, odd)
    return {"brelu_derivative.slide_sign_slip": np.where(odd_at, -odd, even),
            "brelu_derivative.odd_slope_of_x": even,
            "brelu_derivative.zero_at_odd_zero": np.where(odd_at, np.where(x < 0, 1.0, 0.0), even),
            "brelu_derivative.parity_swapped": swapped, "brelu_derivative.first_axis": first_axis,
            "brelu_derivative.flattened": flat}


@quiet
def softmax_mistakes(z, axis=-1):
    z = _float(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    e_all, e_last = np.exp(z - z.max()), np.exp(z - z.max(axis=-1, keepdims=True))
    try:
        unkept = e / e.sum(axis=axis)
    except ValueError:
        unkept = None
    return {"softmax.whole_array": e_all / e_all.sum(),
            "softmax.last_axis": e_last / e_last.sum(axis=-1, keepdims=True),
            "softmax.sigmoid_instead": _sigmoid(z), "softmax.exp_missing": z / z.sum(axis=axis, keepdims=True),
            "softmax.keepdims_missing": unkept}


@quiet
def numerical_derivative_mistakes(f, x, h=1e-5):
    x = _float(x)
    f_plus, f_x, f_minus = (_float(f(v)) for v in (x + h, x, x - h))
    one_by_one = None
    if x.ndim:
        one_by_one = np.reshape([(_float(f(v + h)) - _float(f(v - h))) / (2 * h) for v in x.ravel()], x.shape)
    return {"numerical_derivative.forward_difference": (f_plus - f_x) / h,
            "numerical_derivative.backward_difference": (f_x - f_minus) / h,
            "numerical_derivative.divided_by_h": (f_plus - f_minus) / h,
            "numerical_derivative.no_division": f_plus - f_minus,
            "numerical_derivative.divided_by_2h_squared": (f_plus - f_minus) / (2 * h * h),
            "numerical_derivative.h_ignored": (_float(f(x + 1e-5)) - _float(f(x - 1e-5))) / 2e-5,
            "numerical_derivative.one_element_at_a_time": one_by_one}


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
                public.expect_output(got, getattr(_ref(), name)(*args), where,
                                     mistakes=public.diagnosed(name, args, mistakes(*args)), **kwargs)
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
