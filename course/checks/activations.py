"""Public checks for 02-activations: small cases you can verify by hand.

Also the pieces the hidden checks reuse: ``compare`` (one call, one verdict),
the ``*_mistakes`` helpers (what a known slip returns, keyed by its diagnosis)
and the input regions a piecewise function is judged on.
"""
import functools

import numpy as np

from course.checking import ATOL, RTOL, CheckFailed, call, expect_array, learner_facing, passed, signature

LN2, LN3 = float(np.log(2.0)), float(np.log(3.0))


def _float(x):
    return np.asarray(x, dtype=float)


def _sigmoid(x):
    e = np.exp(-np.abs(_float(x)))
    return np.where(_float(x) >= 0, 1 / (1 + e), e / (1 + e))


def _relu_slope(x):
    return np.where(_float(x) >= 0, 1.0, 0.0)


def odd_positions(x):
    """True at odd positions along the last axis (a scalar counts as position 0)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return np.zeros((), bool)
    return np.broadcast_to(np.arange(x.shape[-1]) % 2 == 1, x.shape)


def _parity_on(x, axis):
    """Odd positions counted along ``axis`` ("flat": in the flattened array)."""
    x = np.asarray(x)
    if axis == "flat":
        return (np.arange(x.size) % 2 == 1).reshape(x.shape)
    index = np.arange(x.shape[axis]) % 2 == 1
    return np.broadcast_to(np.expand_dims(index, tuple(range(1, x.ndim))), x.shape)


# Regions of the input a piecewise function is judged on, for "wrong where ..." hints.
SIGNS = {"x < 0": lambda x: x < 0, "x = 0": lambda x: x == 0, "x > 0": lambda x: x > 0}
SQNL_PIECES = {"x < -2 (the piece -1)": lambda x: x < -2,
               "-2 <= x < 0 (the piece x + x²/4)": lambda x: (x >= -2) & (x < 0),
               "0 <= x <= 2 (the piece x - x²/4)": lambda x: (x >= 0) & (x <= 2),
               "x > 2 (the piece 1)": lambda x: x > 2}


def _place(odd, sign):
    return lambda x: (odd_positions(x) == odd) & SIGNS[sign](x)


BRELU_PLACES = {f"{parity} positions, {sign}": _place(odd, sign)
                for parity, odd in (("even", False), ("odd", True)) for sign in SIGNS}

WARNING_ADVICE = {
    "sigmoid": "exp(1000) overflows: exponentiate only -|x| (e = np.exp(-np.abs(x))) and pick 1/(1+e) or "
               "e/(1+e) by the sign of x. np.where evaluates both branches for every x, so each must be safe.",
    "tanh": "exp(1000) overflows: use np.tanh, or write tanh with e = np.exp(-2 * np.abs(x)) only.",
    "softmax": "Subtract the maximum along `axis` (np.max(z, axis=axis, keepdims=True)) before np.exp: "
               "softmax(z) = softmax(z - c) for any constant c, and then every exponent is <= 0.",
}
WARNING_ADVICE["sigmoid_derivative"] = ("Build it from a sigmoid that does not overflow: "
                                         "sigmoid(x) * (1 - sigmoid(x)). " + WARNING_ADVICE["sigmoid"])
WARNING_ADVICE["tanh_derivative"] = "Build it from np.tanh: 1 - np.tanh(x) ** 2."


def quiet(helper):
    """Compute a mistake's output without NumPy warnings (it may overflow on purpose)."""
    @functools.wraps(helper)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return helper(*args, **kwargs)
    return wrapper


def where_wrong(x, got, expected, regions, rtol=RTOL, atol=ATOL):
    """'Wrong only where ...': the input regions in which ``got`` differs from ``expected``."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return ""
    x, expected = _float(x), np.asarray(expected, float)
    if got.shape != expected.shape or x.shape != expected.shape:
        return ""
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    present = [name for name, region in regions.items() if np.any(region(x))]
    bad = [name for name in present if np.any(wrong & regions[name](x))]
    if not bad or len(bad) == len(present) or len(bad) > 3:  # no pattern worth a sentence
        return ""
    return f"Wrong only where {'; '.join(bad)}."


def _fill_ungraded(got, ungraded, expected):
    """``got`` with the values at ungraded inputs replaced by the expected ones."""
    if isinstance(got, np.ndarray) and got.shape == np.shape(expected) and np.any(ungraded):
        got = got.copy()
        got[ungraded] = np.asarray(expected)[ungraded]
    elif isinstance(got, (float, np.floating)) and np.ndim(expected) == 0 and np.all(ungraded):
        got = type(got)(expected)
    return got


def compare(fn, args, expected, name, *, x=None, mistakes=None, regions=None, ungraded=None,
            rtol=RTOL, atol=ATOL):
    """Call ``fn(*args)`` and check it against ``expected`` with every diagnosis we have.

    ``x`` is the elementwise input (for ``regions`` and ``ungraded``, a mask
    function of the inputs whose outputs are not graded); ``mistakes(*args)``
    maps diagnoses to what known slips return.
    """
    try:
        got = call(fn, *args, name=name)
    except CheckFailed as failure:
        advice = WARNING_ADVICE.get(name, "") if "RuntimeWarning" in str(failure) else ""
        raise CheckFailed(f"{failure} {advice}".strip()) from None
    known = mistakes(*args) if mistakes else {}
    if ungraded is not None:
        mask = ungraded(_float(x))
        got = _fill_ungraded(got, mask, expected)
        known = {why: _fill_ungraded(np.asarray(wrong, float), mask, expected) for why, wrong in known.items()}
    hint = where_wrong(x, got, expected, regions, rtol, atol) if regions else ""
    expect_array(got, expected, signature(name, args), rtol=rtol, atol=atol, mistakes=known, hint=hint)


# ---- what known mistakes return, keyed by their diagnosis ---------------------------------

@quiet
def identity_mistakes(x):
    return {"That is the derivative (1 everywhere); the identity returns x itself.": np.ones_like(_float(x))}


@quiet
def identity_derivative_mistakes(x):
    return {"That is the identity itself; its derivative is 1 everywhere.": _float(x),
            "The derivative of x is 1, not 0.": np.zeros_like(_float(x))}


@quiet
def binary_step_mistakes(x):
    x = _float(x)
    return {"At x = 0 the step is 1 (the case x >= 0); you used x > 0.": np.where(x > 0, 1.0, 0.0),
            "That is np.sign: the step is 0 (not -1) for x < 0, and 1 at x = 0.": np.sign(x),
            "The step is upside down: 1 for x >= 0, 0 for x < 0.": np.where(x >= 0, 0.0, 1.0)}


@quiet
def binary_step_derivative_mistakes(x):
    x = _float(x)
    return {"That is the step itself; its slope is 0 on both sides of the jump.": np.where(x >= 0, 1.0, 0.0),
            "The step is flat on both sides of 0: its derivative is 0 there, not 1.": np.ones_like(x)}


@quiet
def sigmoid_mistakes(x):
    x = _float(x)
    return {"You computed 1 / (1 + e^x), which is sigmoid(-x): the exponent is -x.": _sigmoid(-x),
            "That is tanh, not the sigmoid: the sigmoid's range is (0, 1).": np.tanh(x),
            "The reciprocal is missing: sigmoid(x) = 1 / (1 + e^-x).": 1 + np.exp(-x)}


@quiet
def sigmoid_derivative_mistakes(x):
    x, s = _float(x), _sigmoid(x)
    return {"You applied f(1 - f) to x itself: use sigmoid(x) * (1 - sigmoid(x)).": x * (1 - x),
            "That is sigmoid(x) itself, not its derivative.": s,
            "The factor f(x) is missing: the derivative is f(x) * (1 - f(x)).": 1 - s,
            "The sign inside is wrong: f(x) * (1 - f(x)), not f(x) * (1 + f(x)).": s * (1 + s),
            "That is the derivative of tanh, 1 - tanh(x)², not of the sigmoid.": 1 - np.tanh(x) ** 2}


@quiet
def tanh_mistakes(x):
    x = _float(x)
    return {"2·sigmoid(x) - 1 is tanh(x/2); the identity is tanh(x) = 2·sigmoid(2x) - 1.": np.tanh(x / 2),
            "That is the sigmoid, whose range is (0, 1); tanh's range is (-1, 1).": _sigmoid(x),
            "(e^x - e^-x) / 2 is sinh; tanh divides by (e^x + e^-x).": np.sinh(x)}


@quiet
def tanh_derivative_mistakes(x):
    x, t = _float(x), np.tanh(_float(x))
    return {"You used 1 - x²: the formula is 1 - f(x)² with f(x) = tanh(x).": 1 - x ** 2,
            "The square is missing: 1 - tanh(x)², not 1 - tanh(x).": 1 - t,
            "That is tanh(x) itself, not its derivative.": t,
            "The sign is wrong: 1 - tanh(x)², not 1 + tanh(x)².": 1 + t ** 2}


@quiet
def softsign_mistakes(x):
    x = _float(x)
    return {"The absolute value is missing: x / (1 + |x|), not x / (1 + x).": x / (1 + x),
            "That is the derivative 1 / (1 + |x|)², not softsign.": 1 / (1 + np.abs(x)) ** 2,
            "That is tanh: softsign approaches ±1 much more slowly.": np.tanh(x)}


@quiet
def softsign_derivative_mistakes(x):
    x = _float(x)
    return {"The square is missing: 1 / (1 + |x|)², not 1 / (1 + |x|).": 1 / (1 + np.abs(x)),
            "The absolute value is missing: 1 / (1 + |x|)², not 1 / (1 + x)².": 1 / (1 + x) ** 2,
            "That is softsign itself, not its derivative.": x / (1 + np.abs(x))}


def _sqnl_from(neg, pos, low=-1.0, high=1.0):
    return lambda x: np.where(x > 2, high, np.where(x >= 0, pos(x), np.where(x >= -2, neg(x), low)))


@quiet
def sqnl_mistakes(x):
    x = _float(x)
    minus, plus = (lambda v: v - v ** 2 / 4), (lambda v: v + v ** 2 / 4)
    return {"The two middle pieces are swapped: x - x²/4 is for 0 <= x <= 2, x + x²/4 for -2 <= x < 0.":
                _sqnl_from(minus, plus)(x),
            "The outer pieces are swapped: SQNL is 1 for x > 2 and -1 for x < -2.": _sqnl_from(plus, minus, 1, -1)(x),
            "The clipping is missing: SQNL is constant (±1) outside [-2, 2].": x - x * np.abs(x) / 4,
            "x - x²/4 was used on both sides of 0; for -2 <= x < 0 it is x + x²/4.": _sqnl_from(minus, minus)(x)}


@quiet
def sqnl_derivative_mistakes(x):
    x = _float(x)
    inside = np.abs(x) <= 2
    return {"The two slopes are swapped: 1 - x/2 on [0, 2], 1 + x/2 on [-2, 0).":
                np.where(inside, 1 + np.abs(x) / 2, 0.0),
            "Outside [-2, 2] SQNL is constant, so its derivative is 0 there.": 1 - np.abs(x) / 2,
            "1 - x/2 was used on both sides of 0; on [-2, 0) the slope is 1 + x/2.":
                np.where(inside, 1 - x / 2, 0.0),
            "That is SQNL itself, not its derivative.":
                _sqnl_from(lambda v: v + v ** 2 / 4, lambda v: v - v ** 2 / 4)(x)}


@quiet
def relu_mistakes(x):
    x = _float(x)
    return {"np.minimum keeps the negative part; ReLU keeps the positive part (np.maximum).": np.minimum(x, 0),
            "That is |x|: ReLU sets negative inputs to 0, it does not flip them.": np.abs(x),
            "That is the step function (ReLU's derivative), not ReLU.": _relu_slope(x)}


@quiet
def relu_derivative_mistakes(x):
    x = _float(x)
    return {"At x = 0 the table's ReLU' is 1 (the case x >= 0); you returned 0 there.": np.where(x > 0, 1.0, 0.0),
            "That is ReLU itself, not its derivative.": np.maximum(x, 0)}


@quiet
def leaky_relu_mistakes(x):
    x = _float(x)
    return {"The slope for x < 0 is 0.1; the table's leaky ReLU uses 0.01.": np.where(x < 0, 0.1 * x, x),
            "Negative inputs give 0: that is plain ReLU, leaky ReLU lets 0.01·x through.": np.maximum(x, 0),
            "0.01 was applied to positive inputs too: for x >= 0 leaky ReLU returns x.": 0.01 * x,
            "The two sides are swapped: 0.01·x is for x < 0, x for x >= 0.": np.where(x < 0, x, 0.01 * x)}


@quiet
def leaky_relu_derivative_mistakes(x):
    x = _float(x)
    return {"The slope for x < 0 is 0.1; the table's leaky ReLU uses 0.01.": np.where(x < 0, 0.1, 1.0),
            "That is ReLU's derivative: for x < 0 leaky ReLU's slope is 0.01, not 0.": _relu_slope(x),
            "At x = 0 the slope is 1 (the case x >= 0); you returned 0.01 there.": np.where(x > 0, 1.0, 0.01),
            "That is leaky ReLU itself, not its derivative.": np.where(x < 0, 0.01 * x, x)}


@quiet
def prelu_mistakes(x, alpha):
    x = _float(x)
    return {f"np.maximum(x, alpha·x) is PReLU only when alpha <= 1; for alpha = {alpha} it picks x for x < 0 "
            "and alpha·x for x > 0. Use np.where(x < 0, alpha * x, x).": np.maximum(x, alpha * x),
            "alpha was ignored: 0.01 is the leaky ReLU's fixed slope, PReLU uses the given alpha.":
                np.where(x < 0, 0.01 * x, x),
            "alpha was applied to the positive side: alpha·x is for x < 0, x for x >= 0.":
                np.where(x < 0, x, alpha * x),
            "alpha was ignored: negative inputs give alpha·x, not 0.": np.maximum(x, 0)}


@quiet
def prelu_derivative_mistakes(x, alpha):
    x = _float(x)
    return {"That is PReLU itself (alpha·x), not its derivative (alpha).": np.where(x < 0, alpha * x, x),
            "alpha was ignored: 0.01 is the leaky ReLU's fixed slope, PReLU's slope is alpha.":
                np.where(x < 0, 0.01, 1.0),
            "alpha was ignored: for x < 0 the slope is alpha, not 0.": _relu_slope(x),
            "At x = 0 the slope is 1 (the case x >= 0); you returned alpha there.": np.where(x > 0, 1.0, alpha)}


def _brelu_mistake_table(x, even, odd):
    """Diagnoses for a BReLU-like function: the right pieces at the wrong positions, and more."""
    x = _float(x)
    table = {"Even and odd positions are swapped: position 0 (even) gets the plain ReLU piece.":
                 np.where(odd_positions(x), even, odd)}
    if x.ndim >= 2:
        table["Positions were counted along the first axis; BReLU alternates along the last axis "
              "(x[..., 1::2])."] = np.where(_parity_on(x, 0), odd, even)
        table["Positions were counted in the flattened array; count them along the last axis."] = \
            np.where(_parity_on(x, "flat"), odd, even)
    return table


@quiet
def brelu_mistakes(x):
    x = _float(x)
    relu, odd_piece = np.maximum(x, 0), np.minimum(x, 0)
    table = _brelu_mistake_table(x, relu, odd_piece)
    table["At odd positions you returned ReLU(-x); the odd case is -ReLU(-x) (mind the outer minus)."] = \
        np.where(odd_positions(x), np.maximum(-x, 0), relu)
    table["That is plain ReLU everywhere; odd positions use -ReLU(-x)."] = relu
    return table


@quiet
def brelu_derivative_mistakes(x):
    x = _float(x)
    even, odd = _relu_slope(x), _relu_slope(-x)
    table = {"That is the slide's sign slip: the table prints -ReLU'(-x) for odd positions, but the "
             "derivative of -ReLU(-x) is +ReLU'(-x) (chain rule: the two minus signs cancel). "
             "numerical_derivative(brelu, x) shows it.": np.where(odd_positions(x), -odd, even),
             "At odd positions you used ReLU'(x); the odd case is ReLU'(-x), which is 1 for x <= 0.":
                 even,
             "At odd positions and x = 0 the slope is ReLU'(-0) = ReLU'(0) = 1; you returned 0 there.":
                 np.where(odd_positions(x), np.where(x < 0, 1.0, 0.0), even)}
    table.update(_brelu_mistake_table(x, even, odd))
    return table


@quiet
def softmax_mistakes(z, axis=-1):
    z = _float(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    e_all, e_last = np.exp(z - z.max()), np.exp(z - z.max(axis=-1, keepdims=True))
    table = {"You normalised over the whole array; softmax normalises along `axis` "
             "(np.sum(..., axis=axis, keepdims=True)).": e_all / e_all.sum(),
             "You normalised along the last axis; use the `axis` argument.":
                 e_last / e_last.sum(axis=-1, keepdims=True),
             "That is the sigmoid of each element; softmax divides e^z by its sum along `axis`.": _sigmoid(z),
             "np.exp is missing: softmax divides e^z (not z) by the sum of e^z.": z / z.sum(axis=axis, keepdims=True)}
    try:
        table["The sums were broadcast against the wrong axis: keep the summed axis with keepdims=True."] = \
            e / e.sum(axis=axis)
    except ValueError:
        pass
    return table


@quiet
def numerical_derivative_mistakes(f, x, h=1e-5):
    x = _float(x)
    f_plus, f_x, f_minus = (_float(f(v)) for v in (x + h, x, x - h))
    table = {"That is the forward difference (f(x + h) - f(x)) / h; use the central difference "
             "(f(x + h) - f(x - h)) / (2h), which is far more accurate.": (f_plus - f_x) / h,
             "That is the backward difference (f(x) - f(x - h)) / h; use the central difference "
             "(f(x + h) - f(x - h)) / (2h).": (f_x - f_minus) / h,
             "Twice too large: f(x + h) and f(x - h) are 2h apart, so divide by 2h, not h.": (f_plus - f_minus) / h,
             "The division by 2h is missing.": f_plus - f_minus,
             "Divided by 2·h² instead of 2·h.": (f_plus - f_minus) / (2 * h * h),
             "h was ignored: use the h you are given, not a fixed step.":
                 (_float(f(x + 1e-5)) - _float(f(x - 1e-5))) / 2e-5}
    if x.ndim:
        one_by_one = [(_float(f(v + h)) - _float(f(v - h))) / (2 * h) for v in x.ravel()]
        table["f was called one element at a time; call it on the whole shifted array (f(x + h)), since "
              "an activation such as BReLU depends on the position."] = np.reshape(one_by_one, x.shape)
    return table


# ---- public checks --------------------------------------------------------------------------

def _cases(fn, name, cases, **kwargs):
    """Compare ``fn(x)`` with each hand-made ``(x, expected)``; kwargs go to ``compare``."""
    mistakes = globals().get(f"{name}_mistakes")
    for x, expected in cases:
        compare(fn, (x,), expected, name, x=x, mistakes=mistakes, **kwargs)
    passed(name)


INTEGERS = np.array([-2, 0, 3])


def cube(x):
    """x³, whose central difference is exactly 3x² + h²."""
    return _float(x) ** 3


def alternating(x):
    """x at even positions along the last axis, 2x at odd ones: depends on the position, like BReLU."""
    return _float(x) * (1 + odd_positions(x))


@learner_facing
def numerical_derivative(numerical_derivative):
    grid = np.array([[0.0, 1.0], [2.0, -3.0]])
    for args, expected in (((cube, np.array([-1.0, 0.0, 2.0]), 0.5), [3.25, 0.25, 12.25]),
                           ((np.sin, [0.0, np.pi / 2]), [1.0, 0.0]),          # the default h
                           ((cube, grid, 0.5), 3 * grid ** 2 + 0.25),
                           ((alternating, np.array([1.0, 1.0, 1.0])), [1.0, 2.0, 1.0])):
        compare(numerical_derivative, args, expected, "numerical_derivative",
                mistakes=numerical_derivative_mistakes, atol=1e-7)
    passed("numerical_derivative")


@learner_facing
def identity(identity):
    _cases(identity, "identity", [(2.5, 2.5), ([-1.0, 0.0, 4.0], [-1.0, 0.0, 4.0]), (INTEGERS, [-2.0, 0.0, 3.0])])


@learner_facing
def identity_derivative(identity_derivative):
    _cases(identity_derivative, "identity_derivative", [(2.5, 1.0), ([-1.0, 0.0, 4.0], [1.0, 1.0, 1.0]),
                                                        (INTEGERS, [1.0, 1.0, 1.0])])


@learner_facing
def binary_step(binary_step):
    _cases(binary_step, "binary_step", [(-0.5, 0.0), (0.0, 1.0), ([-2.0, -0.1, 0.0, 0.1, 2.0], [0, 0, 1, 1, 1]),
                                        (INTEGERS, [0.0, 1.0, 1.0])], regions=SIGNS)


@learner_facing
def binary_step_derivative(binary_step_derivative):
    _cases(binary_step_derivative, "binary_step_derivative",
           [(-0.5, 0.0), ([-2.0, -0.1, 0.0, 0.1, 2.0], [0.0] * 5), (INTEGERS, [0.0, 0.0, 0.0])],
           regions=SIGNS, ungraded=lambda x: x == 0)


@learner_facing
def sigmoid(sigmoid):
    _cases(sigmoid, "sigmoid", [(0.0, 0.5), ([-LN3, 0.0, LN3], [0.25, 0.5, 0.75]), (INTEGERS, _sigmoid(INTEGERS)),
                                (np.array([-1000.0, 1000.0]), [0.0, 1.0])])


@learner_facing
def sigmoid_derivative(sigmoid_derivative):
    _cases(sigmoid_derivative, "sigmoid_derivative",
           [(LN3, 0.1875), ([-LN3, 0.0, LN3], [0.1875, 0.25, 0.1875]), (np.array([-1000.0, 1000.0]), [0.0, 0.0])])


@learner_facing
def tanh(tanh):
    _cases(tanh, "tanh", [(0.0, 0.0), ([-LN2, LN2], [-0.6, 0.6]), (INTEGERS, np.tanh(INTEGERS)),
                          (np.array([-1000.0, 1000.0]), [-1.0, 1.0])])


@learner_facing
def tanh_derivative(tanh_derivative):
    _cases(tanh_derivative, "tanh_derivative",
           [(0.0, 1.0), ([-LN2, 0.0, LN2], [0.64, 1.0, 0.64]), (np.array([-1000.0, 1000.0]), [0.0, 0.0])])


@learner_facing
def softsign(softsign):
    _cases(softsign, "softsign", [(1.0, 0.5), ([-3.0, -0.5, 0.0, 1.0, 3.0], [-0.75, -1 / 3, 0.0, 0.5, 0.75]),
                                  (INTEGERS, [-2 / 3, 0.0, 0.75])])


@learner_facing
def softsign_derivative(softsign_derivative):
    _cases(softsign_derivative, "softsign_derivative",
           [(3.0, 1 / 16), ([-3.0, -0.5, 0.0, 1.0, 3.0], [1 / 16, 4 / 9, 1.0, 0.25, 1 / 16]),
            (INTEGERS, [1 / 9, 1.0, 1 / 16])])


@learner_facing
def sqnl(sqnl):
    x = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
    _cases(sqnl, "sqnl", [(1.0, 0.75), (x, [-1.0, -1.0, -0.75, 0.0, 0.75, 1.0, 1.0]),
                          (INTEGERS, [-1.0, 0.0, 1.0])], regions=SQNL_PIECES)


@learner_facing
def sqnl_derivative(sqnl_derivative):
    x = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
    _cases(sqnl_derivative, "sqnl_derivative", [(1.0, 0.5), (x, [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0]),
                                                (INTEGERS, [0.0, 1.0, 0.0])], regions=SQNL_PIECES)


@learner_facing
def relu(relu):
    _cases(relu, "relu", [(-2.0, 0.0), ([-2.0, 0.0, 3.0], [0.0, 0.0, 3.0]), (INTEGERS, [0.0, 0.0, 3.0])],
           regions=SIGNS)


@learner_facing
def relu_derivative(relu_derivative):
    _cases(relu_derivative, "relu_derivative", [(-2.0, 0.0), ([-2.0, 0.0, 3.0], [0.0, 1.0, 1.0]),
                                                (INTEGERS, [0.0, 1.0, 1.0])], regions=SIGNS)


@learner_facing
def leaky_relu(leaky_relu):
    _cases(leaky_relu, "leaky_relu", [(-2.0, -0.02), ([-2.0, 0.0, 3.0], [-0.02, 0.0, 3.0]),
                                      (INTEGERS, [-0.02, 0.0, 3.0])], regions=SIGNS)


@learner_facing
def leaky_relu_derivative(leaky_relu_derivative):
    _cases(leaky_relu_derivative, "leaky_relu_derivative",
           [(-2.0, 0.01), ([-2.0, 0.0, 3.0], [0.01, 1.0, 1.0]), (INTEGERS, [0.01, 1.0, 1.0])], regions=SIGNS)


@learner_facing
def prelu(prelu):
    for x, alpha, expected in ((-2.0, 0.25, -0.5), ([-2.0, 0.0, 3.0], 0.25, [-0.5, 0.0, 3.0]),
                               (INTEGERS, 0.5, [-1.0, 0.0, 3.0]), ([-2.0, 3.0], 1.5, [-3.0, 3.0])):
        compare(prelu, (x, alpha), expected, "prelu", x=x, mistakes=prelu_mistakes, regions=SIGNS)
    passed("prelu")


@learner_facing
def prelu_derivative(prelu_derivative):
    for x, alpha, expected in ((-2.0, 0.25, 0.25), ([-2.0, 0.0, 3.0], 0.25, [0.25, 1.0, 1.0]),
                               (INTEGERS, 1.5, [1.5, 1.0, 1.0])):
        compare(prelu_derivative, (x, alpha), expected, "prelu_derivative", x=x,
                mistakes=prelu_derivative_mistakes, regions=SIGNS)
    passed("prelu_derivative")


@learner_facing
def brelu(brelu):
    _cases(brelu, "brelu", [([-2.0, -2.0, 3.0, 3.0], [0.0, -2.0, 3.0, 0.0]),
                            (np.array([[-1, 2, 0], [4, -5, -6]]), [[0.0, 0.0, 0.0], [4.0, -5.0, 0.0]])],
           regions=BRELU_PLACES)


@learner_facing
def brelu_derivative(brelu_derivative):
    _cases(brelu_derivative, "brelu_derivative",
           [([-2.0, -2.0, 3.0, 3.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 1.0, 1.0]),
            (np.array([[-1, 2, 0], [4, -5, -6]]), [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])], regions=BRELU_PLACES)


@learner_facing
def softmax(softmax):
    for args, expected in ((([0.0, LN3],), [0.25, 0.75]),
                           ((np.array([[0.0, LN3], [5.0, 5.0]]),), [[0.25, 0.75], [0.5, 0.5]]),
                           ((np.array([[0.0, 0.0], [LN3, 0.0]]), 0), [[0.25, 0.5], [0.75, 0.5]]),
                           ((np.array([1000.0, 1000.0 + LN3]),), [0.25, 0.75]),
                           ((np.array([1, 1, 1, 1]),), [0.25] * 4)):
        compare(softmax, args, expected, "softmax", mistakes=softmax_mistakes)
    passed("softmax")
