"""Public checks for 02-activations: small cases you can verify by hand.

Each check calls your function on hand-made inputs whose outputs are written
below as numbers, and so are the outputs of the classic mistakes (``HAND``):
an answer that reproduces one is told its diagnosis (``MISTAKES``). Also the
pieces the hidden checks reuse to phrase a verdict (``expect_output``, the
input regions a piecewise function is judged on, the advice for warnings).
"""
import numpy as np

from course.checking import ATOL, RTOL, CheckFailed, call, expect_array, learner_facing, passed, signature

LN2, LN3 = float(np.log(2.0)), float(np.log(3.0))
INF, NAN = np.inf, np.nan
INTEGERS = np.array([-2, 0, 3])
GRID = np.array([[0.0, 1.0], [2.0, -3.0]])


def odd_positions(x):
    """True at odd positions along the last axis (a scalar counts as position 0)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return np.zeros((), bool)
    return np.broadcast_to(np.arange(x.shape[-1]) % 2 == 1, x.shape)


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


def where_wrong(x, got, expected, regions, rtol=RTOL, atol=ATOL):
    """'Wrong only where ...': the input regions in which ``got`` differs from ``expected``."""
    try:
        if np.asarray(got).dtype.kind not in "biuf":  # complex numbers, strings, objects: no pattern to name
            return ""
        got = np.asarray(got, dtype=float)
        x, expected = np.asarray(x, dtype=float), np.asarray(expected, float)
    except (TypeError, ValueError):
        return ""
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


def advised(failure, name):
    """``failure`` with the advice for ``name`` added when a numerical warning caused it."""
    advice = WARNING_ADVICE.get(name, "") if "RuntimeWarning" in str(failure) else ""
    return CheckFailed(f"{failure} {advice}".strip(), failure.diagnosis)


def expect_output(got, expected, where, *, x=None, mistakes=None, regions=None, ungraded=None,
                  rtol=RTOL, atol=ATOL):
    """``got`` against ``expected`` with every diagnosis we have.

    ``x`` is the elementwise input (for ``regions``, and ``ungraded``: a mask
    function of the inputs whose outputs are not graded); ``mistakes`` maps
    diagnoses to what known slips return for the same input.
    """
    known = dict(mistakes or {})
    if ungraded is not None:
        mask = ungraded(np.asarray(x, dtype=float))
        got = _fill_ungraded(got, mask, expected)
        known = {why: _fill_ungraded(np.asarray(wrong, float), mask, expected) for why, wrong in known.items()}
    hint = where_wrong(x, got, expected, regions, rtol, atol) if regions else ""
    expect_array(got, expected, where, rtol=rtol, atol=atol, mistakes=known, hint=hint)


def expect_case(fn, args, expected, name, *, mistakes=None, **options):
    """Call ``fn(*args)`` and check it against ``expected`` (options as for ``expect_output``)."""
    try:
        got = call(fn, *args, name=name)
    except CheckFailed as failure:
        raise advised(failure, name) from None
    expect_output(got, expected, signature(name, args), mistakes=mistakes, **options)


def known_mistakes(name, outputs, alpha=None):
    """{diagnosis: output} for ``name``'s mistakes, from their outputs in ``MISTAKES`` order (None: not shown)."""
    return {(why.replace("{alpha}", f"{alpha}") if alpha is not None else why): wrong
            for why, wrong in zip(MISTAKES[name], outputs, strict=False) if wrong is not None}


def cube(x):
    """x³, whose central difference is exactly 3x² + h²."""
    return np.asarray(x, dtype=float) ** 3


def alternating(x):
    """x at even positions along the last axis, 2x at odd ones: depends on the position, like BReLU."""
    return np.asarray(x, dtype=float) * (1 + odd_positions(x))


# ---- the classic mistakes, and what they return for the hand cases ------------------------
# HAND[name]: (arguments, expected, [output of each mistake of MISTAKES[name], None where it
# is not shown]), computed once from the formulas and written down as numbers.

MISTAKES = {
    'numerical_derivative': (
        'That is the forward difference (f(x + h) - f(x)) / h; use the central difference (f(x + h) - f(x - '
         'h)) / (2h), which is far more accurate.',
        'That is the backward difference (f(x) - f(x - h)) / h; use the central difference (f(x + h) - f(x - '
         'h)) / (2h).',
        'Twice too large: f(x + h) and f(x - h) are 2h apart, so divide by 2h, not h.',
        'The division by 2h is missing.',
        'Divided by 2·h² instead of 2·h.',
        'h was ignored: use the h you are given, not a fixed step.',
        'f was called one element at a time; call it on the whole shifted array (f(x + h)), since an '
         'activation such as BReLU depends on the position.',
    ),
    'identity': (
        'That is the derivative (1 everywhere); the identity returns x itself.',
    ),
    'identity_derivative': (
        'That is the identity itself; its derivative is 1 everywhere.',
        'The derivative of x is 1, not 0.',
    ),
    'binary_step': (
        'At x = 0 the step is 1 (the case x >= 0); you used x > 0.',
        'That is np.sign: the step is 0 (not -1) for x < 0, and 1 at x = 0.',
        'The step is upside down: 1 for x >= 0, 0 for x < 0.',
    ),
    'binary_step_derivative': (
        'That is the step itself; its slope is 0 on both sides of the jump.',
        'The step is flat on both sides of 0: its derivative is 0 there, not 1.',
    ),
    'sigmoid': (
        'You computed 1 / (1 + e^x), which is sigmoid(-x): the exponent is -x.',
        "That is tanh, not the sigmoid: the sigmoid's range is (0, 1).",
        'The reciprocal is missing: sigmoid(x) = 1 / (1 + e^-x).',
    ),
    'sigmoid_derivative': (
        'You applied f(1 - f) to x itself: use sigmoid(x) * (1 - sigmoid(x)).',
        'That is sigmoid(x) itself, not its derivative.',
        'The factor f(x) is missing: the derivative is f(x) * (1 - f(x)).',
        'The sign inside is wrong: f(x) * (1 - f(x)), not f(x) * (1 + f(x)).',
        'That is the derivative of tanh, 1 - tanh(x)², not of the sigmoid.',
    ),
    'tanh': (
        '2·sigmoid(x) - 1 is tanh(x/2); the identity is tanh(x) = 2·sigmoid(2x) - 1.',
        "That is the sigmoid, whose range is (0, 1); tanh's range is (-1, 1).",
        '(e^x - e^-x) / 2 is sinh; tanh divides by (e^x + e^-x).',
    ),
    'tanh_derivative': (
        'You used 1 - x²: the formula is 1 - f(x)² with f(x) = tanh(x).',
        'The square is missing: 1 - tanh(x)², not 1 - tanh(x).',
        'That is tanh(x) itself, not its derivative.',
        'The sign is wrong: 1 - tanh(x)², not 1 + tanh(x)².',
    ),
    'softsign': (
        'The absolute value is missing: x / (1 + |x|), not x / (1 + x).',
        'That is the derivative 1 / (1 + |x|)², not softsign.',
        'That is tanh: softsign approaches ±1 much more slowly.',
    ),
    'softsign_derivative': (
        'The square is missing: 1 / (1 + |x|)², not 1 / (1 + |x|).',
        'The absolute value is missing: 1 / (1 + |x|)², not 1 / (1 + x)².',
        'That is softsign itself, not its derivative.',
    ),
    'sqnl': (
        'The two middle pieces are swapped: x - x²/4 is for 0 <= x <= 2, x + x²/4 for -2 <= x < 0.',
        'The outer pieces are swapped: SQNL is 1 for x > 2 and -1 for x < -2.',
        'The clipping is missing: SQNL is constant (±1) outside [-2, 2].',
        'x - x²/4 was used on both sides of 0; for -2 <= x < 0 it is x + x²/4.',
    ),
    'sqnl_derivative': (
        'The two slopes are swapped: 1 - x/2 on [0, 2], 1 + x/2 on [-2, 0).',
        'Outside [-2, 2] SQNL is constant, so its derivative is 0 there.',
        '1 - x/2 was used on both sides of 0; on [-2, 0) the slope is 1 + x/2.',
        'That is SQNL itself, not its derivative.',
    ),
    'relu': (
        'np.minimum keeps the negative part; ReLU keeps the positive part (np.maximum).',
        'That is |x|: ReLU sets negative inputs to 0, it does not flip them.',
        "That is the step function (ReLU's derivative), not ReLU.",
    ),
    'relu_derivative': (
        "At x = 0 the table's ReLU' is 1 (the case x >= 0); you returned 0 there.",
        'That is ReLU itself, not its derivative.',
    ),
    'leaky_relu': (
        "The slope for x < 0 is 0.1; the table's leaky ReLU uses 0.01.",
        'Negative inputs give 0: that is plain ReLU, leaky ReLU lets 0.01·x through.',
        '0.01 was applied to positive inputs too: for x >= 0 leaky ReLU returns x.',
        'The two sides are swapped: 0.01·x is for x < 0, x for x >= 0.',
    ),
    'leaky_relu_derivative': (
        "The slope for x < 0 is 0.1; the table's leaky ReLU uses 0.01.",
        "That is ReLU's derivative: for x < 0 leaky ReLU's slope is 0.01, not 0.",
        'At x = 0 the slope is 1 (the case x >= 0); you returned 0.01 there.',
        'That is leaky ReLU itself, not its derivative.',
    ),
    'prelu': (
        'np.maximum(x, alpha·x) is PReLU only when alpha <= 1; for alpha = {alpha} it picks x for x < 0 and '
         'alpha·x for x > 0. Use np.where(x < 0, alpha * x, x).',
        "alpha was ignored: 0.01 is the leaky ReLU's fixed slope, PReLU uses the given alpha.",
        'alpha was applied to the positive side: alpha·x is for x < 0, x for x >= 0.',
        'alpha was ignored: negative inputs give alpha·x, not 0.',
    ),
    'prelu_derivative': (
        'That is PReLU itself (alpha·x), not its derivative (alpha).',
        "alpha was ignored: 0.01 is the leaky ReLU's fixed slope, PReLU's slope is alpha.",
        'alpha was ignored: for x < 0 the slope is alpha, not 0.',
        'At x = 0 the slope is 1 (the case x >= 0); you returned alpha there.',
    ),
    'brelu': (
        'Even and odd positions are swapped: position 0 (even) gets the plain ReLU piece.',
        'At odd positions you returned ReLU(-x); the odd case is -ReLU(-x) (mind the outer minus).',
        'That is plain ReLU everywhere; odd positions use -ReLU(-x).',
        'Positions were counted along the first axis; BReLU alternates along the last axis (x[..., 1::2]).',
        'Positions were counted in the flattened array; count them along the last axis.',
    ),
    'brelu_derivative': (
        "That is the slide's sign slip: the table prints -ReLU'(-x) for odd positions, but the derivative of "
         "-ReLU(-x) is +ReLU'(-x) (chain rule: the two minus signs cancel). numerical_derivative(brelu, x) "
         'shows it.',
        "At odd positions you used ReLU'(x); the odd case is ReLU'(-x), which is 1 for x <= 0.",
        "At odd positions and x = 0 the slope is ReLU'(-0) = ReLU'(0) = 1; you returned 0 there.",
        'Even and odd positions are swapped: position 0 (even) gets the plain ReLU piece.',
        'Positions were counted along the first axis; BReLU alternates along the last axis (x[..., 1::2]).',
        'Positions were counted in the flattened array; count them along the last axis.',
    ),
    'softmax': (
        'You normalised over the whole array; softmax normalises along `axis` (np.sum(..., axis=axis, '
         'keepdims=True)).',
        'You normalised along the last axis; use the `axis` argument.',
        'That is the sigmoid of each element; softmax divides e^z by its sum along `axis`.',
        'np.exp is missing: softmax divides e^z (not z) by the sum of e^z.',
        'The sums were broadcast against the wrong axis: keep the summed axis with keepdims=True.',
    ),
}
HAND = {
    'numerical_derivative': [
        ((cube, np.array([-1.0, 0.0, 2.0]), 0.5), [3.25, 0.25, 12.25],
         [[1.75, 0.25, 15.25],
          [4.75, 0.25, 9.25],
          [6.5, 0.5, 24.5],
          None,
          [6.5, 0.5, 24.5],
          [3.0, 1e-10, 12.0],
          None]),
        ((np.sin, [0.0, np.pi / 2]), [1.0, 0.0],
         [[1.0, -5.000000414e-06], [1.0, 5.000000414e-06], [2.0, 0.0], [2e-05, 0.0], [100000.0, 0.0], None, None]),
        ((cube, GRID, 0.5), [[0.25, 3.25], [12.25, 27.25]],
         [[[0.25, 4.75], [15.25, 22.75]],
          [[0.25, 1.75], [9.25, 31.75]],
          [[0.5, 6.5], [24.5, 54.5]],
          None,
          [[0.5, 6.5], [24.5, 54.5]],
          [[1e-10, 3.0], [12.0, 27.0]],
          None]),
        ((alternating, np.array([1.0, 1.0, 1.0])), [1.0, 2.0, 1.0],
         [None, None, [2.0, 4.0, 2.0], [2e-05, 4e-05, 2e-05], [100000.0, 200000.0, 100000.0], None, [1.0, 1.0, 1.0]]),
    ],
    'identity': [
        ((2.5,), 2.5,
         [1.0]),
        (([-1.0, 0.0, 4.0],), [-1.0, 0.0, 4.0],
         [[1.0, 1.0, 1.0]]),
        ((INTEGERS,), [-2.0, 0.0, 3.0],
         [[1.0, 1.0, 1.0]]),
    ],
    'identity_derivative': [
        ((2.5,), 1.0,
         [2.5, 0.0]),
        (([-1.0, 0.0, 4.0],), [1.0, 1.0, 1.0],
         [[-1.0, 0.0, 4.0], [0.0, 0.0, 0.0]]),
        ((INTEGERS,), [1.0, 1.0, 1.0],
         [[-2.0, 0.0, 3.0], [0.0, 0.0, 0.0]]),
    ],
    'binary_step': [
        ((-0.5,), 0.0,
         [None, -1.0, 1.0]),
        ((0.0,), 1.0,
         [0.0, 0.0, 0.0]),
        (([-2.0, -0.1, 0.0, 0.1, 2.0],), [0.0, 0.0, 1.0, 1.0, 1.0],
         [[0.0, 0.0, 0.0, 1.0, 1.0], [-1.0, -1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0, 0.0]]),
        ((INTEGERS,), [0.0, 1.0, 1.0],
         [[0.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
    ],
    'binary_step_derivative': [
        ((-0.5,), 0.0,
         [None, 1.0]),
        (([-2.0, -0.1, 0.0, 0.1, 2.0],), [0.0, 0.0, 0.0, 0.0, 0.0],
         [[0.0, 0.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0]]),
        ((INTEGERS,), [0.0, 0.0, 0.0],
         [[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
    ],
    'sigmoid': [
        ((0.0,), 0.5,
         [None, 0.0, 2.0]),
        (([-LN3, 0.0, LN3],), [0.25, 0.5, 0.75],
         [[0.75, 0.5, 0.25], [-0.8, 0.0, 0.8], [4.0, 2.0, 1.333333333]]),
        ((INTEGERS,), [0.119202922, 0.5, 0.9525741268],
         [[0.880797078, 0.5, 0.04742587318], [-0.9640275801, 0.0, 0.9950547537], [8.389056099, 2.0, 1.049787068]]),
        ((np.array([-1000.0, 1000.0]),), [0.0, 1.0],
         [[1.0, 0.0], [-1.0, 1.0], [INF, 1.0]]),
    ],
    'sigmoid_derivative': [
        ((LN3,), 0.1875,
         [-0.1083366721, 0.75, 0.25, 1.3125, 0.36]),
        (([-LN3, 0.0, LN3],), [0.1875, 0.25, 0.1875],
         [[-2.305561249, 0.0, -0.1083366721],
          [0.25, 0.5, 0.75],
          [0.75, 0.5, 0.25],
          [0.3125, 0.75, 1.3125],
          [0.36, 1.0, 0.36]]),
        ((np.array([-1000.0, 1000.0]),), [0.0, 0.0],
         [[-1001000.0, -999000.0], [0.0, 1.0], [1.0, 0.0], [0.0, 2.0], None]),
    ],
    'tanh': [
        ((0.0,), 0.0,
         [None, 0.5, None]),
        (([-LN2, LN2],), [-0.6, 0.6],
         [[-0.3333333333, 0.3333333333], [0.3333333333, 0.6666666667], [-0.75, 0.75]]),
        ((INTEGERS,), [-0.9640275801, 0.0, 0.9950547537],
         [[-0.761594156, 0.0, 0.9051482536], [0.119202922, 0.5, 0.9525741268], [-3.626860408, 0.0, 10.01787493]]),
        ((np.array([-1000.0, 1000.0]),), [-1.0, 1.0],
         [None, [0.0, 1.0], [-INF, INF]]),
    ],
    'tanh_derivative': [
        ((0.0,), 1.0,
         [None, None, 0.0, None]),
        (([-LN2, 0.0, LN2],), [0.64, 1.0, 0.64],
         [[0.5195469861, 1.0, 0.5195469861], [1.6, 1.0, 0.4], [-0.6, 0.0, 0.6], [1.36, 1.0, 1.36]]),
        ((np.array([-1000.0, 1000.0]),), [0.0, 0.0],
         [[-999999.0, -999999.0], [2.0, 0.0], [-1.0, 1.0], [2.0, 2.0]]),
    ],
    'softsign': [
        ((1.0,), 0.5,
         [None, 0.25, 0.761594156]),
        (([-3.0, -0.5, 0.0, 1.0, 3.0],), [-0.75, -0.3333333333, 0.0, 0.5, 0.75],
         [[1.5, -1.0, 0.0, 0.5, 0.75],
          [0.0625, 0.4444444444, 1.0, 0.25, 0.0625],
          [-0.9950547537, -0.4621171573, 0.0, 0.761594156, 0.9950547537]]),
        ((INTEGERS,), [-0.6666666667, 0.0, 0.75],
         [[2.0, 0.0, 0.75], [0.1111111111, 1.0, 0.0625], [-0.9640275801, 0.0, 0.9950547537]]),
    ],
    'softsign_derivative': [
        ((3.0,), 0.0625,
         [0.25, None, 0.75]),
        (([-3.0, -0.5, 0.0, 1.0, 3.0],), [0.0625, 0.4444444444, 1.0, 0.25, 0.0625],
         [[0.25, 0.6666666667, 1.0, 0.5, 0.25],
          [0.25, 4.0, 1.0, 0.25, 0.0625],
          [-0.75, -0.3333333333, 0.0, 0.5, 0.75]]),
        ((INTEGERS,), [0.1111111111, 1.0, 0.0625],
         [[0.3333333333, 1.0, 0.25], [1.0, 1.0, 0.0625], [-0.6666666667, 0.0, 0.75]]),
    ],
    'sqnl': [
        ((1.0,), 0.75,
         [1.25, None, None, None]),
        (([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0],), [-1.0, -1.0, -0.75, 0.0, 0.75, 1.0, 1.0],
         [[-1.0, -3.0, -1.25, 0.0, 1.25, 3.0, 1.0],
          [1.0, -1.0, -0.75, 0.0, 0.75, 1.0, -1.0],
          [-0.75, -1.0, -0.75, 0.0, 0.75, 1.0, 0.75],
          [-1.0, -3.0, -1.25, 0.0, 0.75, 1.0, 1.0]]),
        ((INTEGERS,), [-1.0, 0.0, 1.0],
         [[-3.0, 0.0, 1.0], [-1.0, 0.0, -1.0], [-1.0, 0.0, 0.75], [-3.0, 0.0, 1.0]]),
    ],
    'sqnl_derivative': [
        ((1.0,), 0.5,
         [1.5, None, None, 0.75]),
        (([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0],), [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0],
         [[0.0, 2.0, 1.5, 1.0, 1.5, 2.0, 0.0],
          [-0.5, 0.0, 0.5, 1.0, 0.5, 0.0, -0.5],
          [0.0, 2.0, 1.5, 1.0, 0.5, 0.0, 0.0],
          [-1.0, -1.0, -0.75, 0.0, 0.75, 1.0, 1.0]]),
        ((INTEGERS,), [0.0, 1.0, 0.0],
         [[2.0, 1.0, 0.0], [0.0, 1.0, -0.5], [2.0, 1.0, 0.0], [-1.0, 0.0, 1.0]]),
    ],
    'relu': [
        ((-2.0,), 0.0,
         [-2.0, 2.0, None]),
        (([-2.0, 0.0, 3.0],), [0.0, 0.0, 3.0],
         [[-2.0, 0.0, 0.0], [2.0, 0.0, 3.0], [0.0, 1.0, 1.0]]),
        ((INTEGERS,), [0.0, 0.0, 3.0],
         [[-2.0, 0.0, 0.0], [2.0, 0.0, 3.0], [0.0, 1.0, 1.0]]),
    ],
    'relu_derivative': [
        ((-2.0,), 0.0,
         [None, None]),
        (([-2.0, 0.0, 3.0],), [0.0, 1.0, 1.0],
         [[0.0, 0.0, 1.0], [0.0, 0.0, 3.0]]),
        ((INTEGERS,), [0.0, 1.0, 1.0],
         [[0.0, 0.0, 1.0], [0.0, 0.0, 3.0]]),
    ],
    'leaky_relu': [
        ((-2.0,), -0.02,
         [-0.2, 0.0, None, -2.0]),
        (([-2.0, 0.0, 3.0],), [-0.02, 0.0, 3.0],
         [[-0.2, 0.0, 3.0], [0.0, 0.0, 3.0], [-0.02, 0.0, 0.03], [-2.0, 0.0, 0.03]]),
        ((INTEGERS,), [-0.02, 0.0, 3.0],
         [[-0.2, 0.0, 3.0], [0.0, 0.0, 3.0], [-0.02, 0.0, 0.03], [-2.0, 0.0, 0.03]]),
    ],
    'leaky_relu_derivative': [
        ((-2.0,), 0.01,
         [0.1, 0.0, None, -0.02]),
        (([-2.0, 0.0, 3.0],), [0.01, 1.0, 1.0],
         [[0.1, 1.0, 1.0], [0.0, 1.0, 1.0], [0.01, 0.01, 1.0], [-0.02, 0.0, 3.0]]),
        ((INTEGERS,), [0.01, 1.0, 1.0],
         [[0.1, 1.0, 1.0], [0.0, 1.0, 1.0], [0.01, 0.01, 1.0], [-0.02, 0.0, 3.0]]),
    ],
    'prelu': [
        ((-2.0, 0.25), -0.5,
         [None, -0.02, -2.0, 0.0]),
        (([-2.0, 0.0, 3.0], 0.25), [-0.5, 0.0, 3.0],
         [None, [-0.02, 0.0, 3.0], [-2.0, 0.0, 0.75], [0.0, 0.0, 3.0]]),
        ((INTEGERS, 0.5), [-1.0, 0.0, 3.0],
         [None, [-0.02, 0.0, 3.0], [-2.0, 0.0, 1.5], [0.0, 0.0, 3.0]]),
        (([-2.0, 3.0], 1.5), [-3.0, 3.0],
         [[-2.0, 4.5], [-0.02, 3.0], [-2.0, 4.5], [0.0, 3.0]]),
    ],
    'prelu_derivative': [
        ((-2.0, 0.25), 0.25,
         [-0.5, 0.01, 0.0, None]),
        (([-2.0, 0.0, 3.0], 0.25), [0.25, 1.0, 1.0],
         [[-0.5, 0.0, 3.0], [0.01, 1.0, 1.0], [0.0, 1.0, 1.0], [0.25, 0.25, 1.0]]),
        ((INTEGERS, 1.5), [1.5, 1.0, 1.0],
         [[-3.0, 0.0, 3.0], [0.01, 1.0, 1.0], [0.0, 1.0, 1.0], [1.5, 1.5, 1.0]]),
    ],
    'brelu': [
        (([-2.0, -2.0, 3.0, 3.0],), [0.0, -2.0, 3.0, 0.0],
         [[-2.0, 0.0, 0.0, 3.0], [0.0, 2.0, 3.0, 0.0], [0.0, 0.0, 3.0, 3.0], None, None]),
        ((np.array([[-1, 2, 0], [4, -5, -6]]),), [[0.0, 0.0, 0.0], [4.0, -5.0, 0.0]],
         [[[-1.0, 2.0, 0.0], [0.0, 0.0, -6.0]],
          [[0.0, 0.0, 0.0], [4.0, 5.0, 0.0]],
          [[0.0, 2.0, 0.0], [4.0, 0.0, 0.0]],
          [[0.0, 2.0, 0.0], [0.0, -5.0, -6.0]],
          [[0.0, 0.0, 0.0], [0.0, 0.0, -6.0]]]),
    ],
    'brelu_derivative': [
        (([-2.0, -2.0, 3.0, 3.0, 0.0, 0.0],), [0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
         [[0.0, -1.0, 1.0, 0.0, 1.0, -1.0],
          [0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
          [0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
          [1.0, 0.0, 0.0, 1.0, 1.0, 1.0],
          None,
          None]),
        ((np.array([[-1, 2, 0], [4, -5, -6]]),), [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]],
         [[[0.0, 0.0, 1.0], [1.0, -1.0, 0.0]],
          [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]],
          None,
          [[1.0, 1.0, 1.0], [0.0, 0.0, 1.0]],
          [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]],
          [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]]),
    ],
    'softmax': [
        (([0.0, LN3],), [0.25, 0.75],
         [None, None, [0.5, 0.75], [0.0, 1.0], None]),
        ((np.array([[0.0, LN3], [5.0, 5.0]]),), [[0.25, 0.75], [0.5, 0.5]],
         [[[0.003324177239, 0.009972531718], [0.4933516455, 0.4933516455]],
          None,
          [[0.5, 0.75], [0.9933071491, 0.9933071491]],
          [[0.0, 1.0], [0.5, 0.5]],
          [[0.25, 0.5], [0.75, 0.5]]]),
        ((np.array([[0.0, 0.0], [LN3, 0.0]]), 0), [[0.25, 0.5], [0.75, 0.5]],
         [[[0.1666666667, 0.1666666667], [0.5, 0.1666666667]],
          [[0.5, 0.5], [0.75, 0.25]],
          [[0.5, 0.5], [0.75, 0.5]],
          [[0.0, NAN], [1.0, NAN]],
          None]),
        ((np.array([1000.0, 1000.0 + LN3]),), [0.25, 0.75],
         [None, None, [1.0, 1.0], [0.4997254977, 0.5002745023], None]),
        ((np.array([1, 1, 1, 1]),), [0.25, 0.25, 0.25, 0.25],
         [None, None, [0.7310585786, 0.7310585786, 0.7310585786, 0.7310585786], None, None]),
    ],
}


# ---- public checks --------------------------------------------------------------------------

def _cases(fn, name, **options):
    """Check ``fn`` on each hand case of ``name``; options go to ``expect_output``."""
    for args, expected, outputs in HAND[name]:
        alpha = args[1] if name.startswith("prelu") else None
        elementwise = {"x": args[0]} if name not in ("numerical_derivative", "softmax") else {}
        expect_case(fn, args, expected, name, mistakes=known_mistakes(name, outputs, alpha), **elementwise,
                    **options)
    passed(name)


@learner_facing
def numerical_derivative(numerical_derivative):
    _cases(numerical_derivative, "numerical_derivative", atol=1e-7)


@learner_facing
def identity(identity):
    _cases(identity, "identity")


@learner_facing
def identity_derivative(identity_derivative):
    _cases(identity_derivative, "identity_derivative")


@learner_facing
def binary_step(binary_step):
    _cases(binary_step, "binary_step", regions=SIGNS)


@learner_facing
def binary_step_derivative(binary_step_derivative):
    _cases(binary_step_derivative, "binary_step_derivative", regions=SIGNS, ungraded=lambda x: x == 0)


@learner_facing
def sigmoid(sigmoid):
    _cases(sigmoid, "sigmoid")


@learner_facing
def sigmoid_derivative(sigmoid_derivative):
    _cases(sigmoid_derivative, "sigmoid_derivative")


@learner_facing
def tanh(tanh):
    _cases(tanh, "tanh")


@learner_facing
def tanh_derivative(tanh_derivative):
    _cases(tanh_derivative, "tanh_derivative")


@learner_facing
def softsign(softsign):
    _cases(softsign, "softsign")


@learner_facing
def softsign_derivative(softsign_derivative):
    _cases(softsign_derivative, "softsign_derivative")


@learner_facing
def sqnl(sqnl):
    _cases(sqnl, "sqnl", regions=SQNL_PIECES)


@learner_facing
def sqnl_derivative(sqnl_derivative):
    _cases(sqnl_derivative, "sqnl_derivative", regions=SQNL_PIECES)


@learner_facing
def relu(relu):
    _cases(relu, "relu", regions=SIGNS)


@learner_facing
def relu_derivative(relu_derivative):
    _cases(relu_derivative, "relu_derivative", regions=SIGNS)


@learner_facing
def leaky_relu(leaky_relu):
    _cases(leaky_relu, "leaky_relu", regions=SIGNS)


@learner_facing
def leaky_relu_derivative(leaky_relu_derivative):
    _cases(leaky_relu_derivative, "leaky_relu_derivative", regions=SIGNS)


@learner_facing
def prelu(prelu):
    _cases(prelu, "prelu", regions=SIGNS)


@learner_facing
def prelu_derivative(prelu_derivative):
    _cases(prelu_derivative, "prelu_derivative", regions=SIGNS)


@learner_facing
def brelu(brelu):
    _cases(brelu, "brelu", regions=BRELU_PLACES)


@learner_facing
def brelu_derivative(brelu_derivative):
    _cases(brelu_derivative, "brelu_derivative", regions=BRELU_PLACES)


@learner_facing
def softmax(softmax):
    _cases(softmax, "softmax")
