"""Public checks for 02-activations: small cases you can verify by hand.

Each check calls your function on hand-made inputs whose outputs are written
below as numbers, and so are the outputs of the classic mistakes (``HAND``, by
mistake id): an answer that reproduces one is told its diagnosis (``MISTAKES``). Also the
pieces the hidden checks reuse to phrase a verdict (``expect_output``, the
input regions a piecewise function is judged on, the advice for warnings).
"""
import numpy as np

from course.checking import ATOL, RTOL, CheckFailed, call, diagnoses, expect_array, learner_facing, passed, signature

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


def diagnosed(name, args, outputs):
    """{diagnosis: output} for {mistake id: output} of ``name`` on ``args`` (PReLU's name its alpha)."""
    return diagnoses(MISTAKES, outputs, **({"alpha": args[1]} if name.startswith("prelu") else {}))


def cube(x):
    """x³, whose central difference is exactly 3x² + h²."""
    return np.asarray(x, dtype=float) ** 3


def alternating(x):
    """x at even positions along the last axis, 2x at odd ones: depends on the position, like BReLU."""
    return np.asarray(x, dtype=float) * (1 + odd_positions(x))


# ---- the classic mistakes, and what they return for the hand cases ------------------------
# MISTAKES: the diagnosis of each mistake id, "<function>.<what>" (the hidden checks and the
# catalogue name them too). HAND[name]: (arguments, expected, {mistake id: its output}) for
# each hand case, computed once from the formulas and written down as numbers.

_PARITY_SWAPPED = "Even and odd positions are swapped: position 0 (even) gets the plain ReLU piece."
_FIRST_AXIS = "Positions were counted along the first axis; BReLU alternates along the last axis (x[..., 1::2])."
_FLATTENED = "Positions were counted in the flattened array; count them along the last axis."
_SLOPE_TENTH = "The slope for x < 0 is 0.1; the table's leaky ReLU uses 0.01."
MISTAKES = {
    "numerical_derivative.forward_difference": "That is the forward difference (f(x + h) - f(x)) / h; use the central "
        "difference (f(x + h) - f(x - h)) / (2h), which is far more accurate.",
    "numerical_derivative.backward_difference": "That is the backward difference (f(x) - f(x - h)) / h; use the "
        "central difference (f(x + h) - f(x - h)) / (2h).",
    "numerical_derivative.divided_by_h": "Twice too large: f(x + h) and f(x - h) are 2h apart, so divide by 2h, not h.",
    "numerical_derivative.no_division": "The division by 2h is missing.",
    "numerical_derivative.divided_by_2h_squared": "Divided by 2·h² instead of 2·h.",
    "numerical_derivative.h_ignored": "h was ignored: use the h you are given, not a fixed step.",
    "numerical_derivative.one_element_at_a_time": "f was called one element at a time; call it on the whole shifted "
        "array (f(x + h)), since an activation such as BReLU depends on the position.",
    "identity.derivative_instead": "That is the derivative (1 everywhere); the identity returns x itself.",
    "identity_derivative.function_itself": "That is the identity itself; its derivative is 1 everywhere.",
    "identity_derivative.zero": "The derivative of x is 1, not 0.",
    "binary_step.strict_at_zero": "At x = 0 the step is 1 (the case x >= 0); you used x > 0.",
    "binary_step.sign": "That is np.sign: the step is 0 (not -1) for x < 0, and 1 at x = 0.",
    "binary_step.upside_down": "The step is upside down: 1 for x >= 0, 0 for x < 0.",
    "binary_step_derivative.function_itself": "That is the step itself; its slope is 0 on both sides of the jump.",
    "binary_step_derivative.one": "The step is flat on both sides of 0: its derivative is 0 there, not 1.",
    "sigmoid.sign_flipped": "You computed 1 / (1 + e^x), which is sigmoid(-x): the exponent is -x.",
    "sigmoid.tanh_instead": "That is tanh, not the sigmoid: the sigmoid's range is (0, 1).",
    "sigmoid.reciprocal_missing": "The reciprocal is missing: sigmoid(x) = 1 / (1 + e^-x).",
    "sigmoid_derivative.applied_to_x": "You applied f(1 - f) to x itself: use sigmoid(x) * (1 - sigmoid(x)).",
    "sigmoid_derivative.function_itself": "That is sigmoid(x) itself, not its derivative.",
    "sigmoid_derivative.factor_missing": "The factor f(x) is missing: the derivative is f(x) * (1 - f(x)).",
    "sigmoid_derivative.sign_inside": "The sign inside is wrong: f(x) * (1 - f(x)), not f(x) * (1 + f(x)).",
    "sigmoid_derivative.tanh_derivative": "That is the derivative of tanh, 1 - tanh(x)², not of the sigmoid.",
    "tanh.half_argument": "2·sigmoid(x) - 1 is tanh(x/2); the identity is tanh(x) = 2·sigmoid(2x) - 1.",
    "tanh.sigmoid_instead": "That is the sigmoid, whose range is (0, 1); tanh's range is (-1, 1).",
    "tanh.sinh": "(e^x - e^-x) / 2 is sinh; tanh divides by (e^x + e^-x).",
    "tanh_derivative.applied_to_x": "You used 1 - x²: the formula is 1 - f(x)² with f(x) = tanh(x).",
    "tanh_derivative.square_missing": "The square is missing: 1 - tanh(x)², not 1 - tanh(x).",
    "tanh_derivative.function_itself": "That is tanh(x) itself, not its derivative.",
    "tanh_derivative.sign_flipped": "The sign is wrong: 1 - tanh(x)², not 1 + tanh(x)².",
    "softsign.abs_missing": "The absolute value is missing: x / (1 + |x|), not x / (1 + x).",
    "softsign.derivative_instead": "That is the derivative 1 / (1 + |x|)², not softsign.",
    "softsign.tanh_instead": "That is tanh: softsign approaches ±1 much more slowly.",
    "softsign_derivative.square_missing": "The square is missing: 1 / (1 + |x|)², not 1 / (1 + |x|).",
    "softsign_derivative.abs_missing": "The absolute value is missing: 1 / (1 + |x|)², not 1 / (1 + x)².",
    "softsign_derivative.function_itself": "That is softsign itself, not its derivative.",
    "sqnl.middle_pieces_swapped": "The two middle pieces are swapped: x - x²/4 is for 0 <= x <= 2, x + x²/4 for -2 <= "
        "x < 0.",
    "sqnl.outer_pieces_swapped": "The outer pieces are swapped: SQNL is 1 for x > 2 and -1 for x < -2.",
    "sqnl.clipping_missing": "The clipping is missing: SQNL is constant (±1) outside [-2, 2].",
    "sqnl.one_piece_both_sides": "x - x²/4 was used on both sides of 0; for -2 <= x < 0 it is x + x²/4.",
    "sqnl_derivative.slopes_swapped": "The two slopes are swapped: 1 - x/2 on [0, 2], 1 + x/2 on [-2, 0).",
    "sqnl_derivative.not_zero_outside": "Outside [-2, 2] SQNL is constant, so its derivative is 0 there.",
    "sqnl_derivative.one_slope_both_sides": "1 - x/2 was used on both sides of 0; on [-2, 0) the slope is 1 + x/2.",
    "sqnl_derivative.function_itself": "That is SQNL itself, not its derivative.",
    "relu.minimum": "np.minimum keeps the negative part; ReLU keeps the positive part (np.maximum).",
    "relu.abs": "That is |x|: ReLU sets negative inputs to 0, it does not flip them.",
    "relu.derivative_instead": "That is the step function (ReLU's derivative), not ReLU.",
    "relu_derivative.zero_at_zero": "At x = 0 the table's ReLU' is 1 (the case x >= 0); you returned 0 there.",
    "relu_derivative.function_itself": "That is ReLU itself, not its derivative.",
    "leaky_relu.wrong_slope": _SLOPE_TENTH,
    "leaky_relu.plain_relu": "Negative inputs give 0: that is plain ReLU, leaky ReLU lets 0.01·x through.",
    "leaky_relu.slope_both_sides": "0.01 was applied to positive inputs too: for x >= 0 leaky ReLU returns x.",
    "leaky_relu.sides_swapped": "The two sides are swapped: 0.01·x is for x < 0, x for x >= 0.",
    "leaky_relu_derivative.wrong_slope": _SLOPE_TENTH,
    "leaky_relu_derivative.relu_derivative": "That is ReLU's derivative: for x < 0 leaky ReLU's slope is 0.01, not 0.",
    "leaky_relu_derivative.slope_at_zero": "At x = 0 the slope is 1 (the case x >= 0); you returned 0.01 there.",
    "leaky_relu_derivative.function_itself": "That is leaky ReLU itself, not its derivative.",
    "prelu.maximum_trick": "np.maximum(x, alpha·x) is PReLU only when alpha <= 1; for alpha = {alpha} it picks x for x "
        "< 0 and alpha·x for x > 0. Use np.where(x < 0, alpha * x, x).",
    "prelu.fixed_slope": "alpha was ignored: 0.01 is the leaky ReLU's fixed slope, PReLU uses the given alpha.",
    "prelu.sides_swapped": "alpha was applied to the positive side: alpha·x is for x < 0, x for x >= 0.",
    "prelu.plain_relu": "alpha was ignored: negative inputs give alpha·x, not 0.",
    "prelu_derivative.function_itself": "That is PReLU itself (alpha·x), not its derivative (alpha).",
    "prelu_derivative.fixed_slope": "alpha was ignored: 0.01 is the leaky ReLU's fixed slope, PReLU's slope is alpha.",
    "prelu_derivative.relu_derivative": "alpha was ignored: for x < 0 the slope is alpha, not 0.",
    "prelu_derivative.alpha_at_zero": "At x = 0 the slope is 1 (the case x >= 0); you returned alpha there.",
    "brelu.parity_swapped": _PARITY_SWAPPED,
    "brelu.outer_minus_missing": "At odd positions you returned ReLU(-x); the odd case is -ReLU(-x) (mind the outer "
        "minus).",
    "brelu.plain_relu": "That is plain ReLU everywhere; odd positions use -ReLU(-x).",
    "brelu.first_axis": _FIRST_AXIS,
    "brelu.flattened": _FLATTENED,
    "brelu_derivative.slide_sign_slip": "That is the slide's sign slip: the table prints -ReLU'(-x) for odd positions, "
        "but the derivative of -ReLU(-x) is +ReLU'(-x) (chain rule: the two minus signs cancel). "
        "numerical_derivative(brelu, x) shows it.",
    "brelu_derivative.odd_slope_of_x": "At odd positions you used ReLU'(x); the odd case is ReLU'(-x), which is 1 for "
        "x <= 0.",
    "brelu_derivative.zero_at_odd_zero": "At odd positions and x = 0 the slope is ReLU'(-0) = ReLU'(0) = 1; you "
        "returned 0 there.",
    "brelu_derivative.parity_swapped": _PARITY_SWAPPED,
    "brelu_derivative.first_axis": _FIRST_AXIS,
    "brelu_derivative.flattened": _FLATTENED,
    "softmax.whole_array": "You normalised over the whole array; softmax normalises along `axis` (np.sum(..., "
        "axis=axis, keepdims=True)).",
    "softmax.last_axis": "You normalised along the last axis; use the `axis` argument.",
    "softmax.sigmoid_instead": "That is the sigmoid of each element; softmax divides e^z by its sum along `axis`.",
    "softmax.exp_missing": "np.exp is missing: softmax divides e^z (not z) by the sum of e^z.",
    "softmax.keepdims_missing": "The sums were broadcast against the wrong axis: keep the summed axis with "
        "keepdims=True.",
}
HAND = {
    "numerical_derivative": [
        ((cube, np.array([-1.0, 0.0, 2.0]), 0.5), [3.25, 0.25, 12.25],
         {"numerical_derivative.forward_difference": [1.75, 0.25, 15.25],
          "numerical_derivative.backward_difference": [4.75, 0.25, 9.25],
          "numerical_derivative.divided_by_h": [6.5, 0.5, 24.5],
          "numerical_derivative.divided_by_2h_squared": [6.5, 0.5, 24.5],
          "numerical_derivative.h_ignored": [3.0, 1e-10, 12.0]}),
        ((np.sin, [0.0, np.pi / 2]), [1.0, 0.0],
         {"numerical_derivative.forward_difference": [1.0, -5.000000414e-06],
          "numerical_derivative.backward_difference": [1.0, 5.000000414e-06],
          "numerical_derivative.divided_by_h": [2.0, 0.0],
          "numerical_derivative.no_division": [2e-05, 0.0],
          "numerical_derivative.divided_by_2h_squared": [100000.0, 0.0]}),
        ((cube, GRID, 0.5), [[0.25, 3.25], [12.25, 27.25]],
         {"numerical_derivative.forward_difference": [[0.25, 4.75], [15.25, 22.75]],
          "numerical_derivative.backward_difference": [[0.25, 1.75], [9.25, 31.75]],
          "numerical_derivative.divided_by_h": [[0.5, 6.5], [24.5, 54.5]],
          "numerical_derivative.divided_by_2h_squared": [[0.5, 6.5], [24.5, 54.5]],
          "numerical_derivative.h_ignored": [[1e-10, 3.0], [12.0, 27.0]]}),
        ((alternating, np.array([1.0, 1.0, 1.0])), [1.0, 2.0, 1.0],
         {"numerical_derivative.divided_by_h": [2.0, 4.0, 2.0],
          "numerical_derivative.no_division": [2e-05, 4e-05, 2e-05],
          "numerical_derivative.divided_by_2h_squared": [100000.0, 200000.0, 100000.0],
          "numerical_derivative.one_element_at_a_time": [1.0, 1.0, 1.0]}),
    ],
    "identity": [
        ((2.5,), 2.5,
         {"identity.derivative_instead": 1.0}),
        (([-1.0, 0.0, 4.0],), [-1.0, 0.0, 4.0],
         {"identity.derivative_instead": [1.0, 1.0, 1.0]}),
        ((INTEGERS,), [-2.0, 0.0, 3.0],
         {"identity.derivative_instead": [1.0, 1.0, 1.0]}),
    ],
    "identity_derivative": [
        ((2.5,), 1.0,
         {"identity_derivative.function_itself": 2.5, "identity_derivative.zero": 0.0}),
        (([-1.0, 0.0, 4.0],), [1.0, 1.0, 1.0],
         {"identity_derivative.function_itself": [-1.0, 0.0, 4.0], "identity_derivative.zero": [0.0, 0.0, 0.0]}),
        ((INTEGERS,), [1.0, 1.0, 1.0],
         {"identity_derivative.function_itself": [-2.0, 0.0, 3.0], "identity_derivative.zero": [0.0, 0.0, 0.0]}),
    ],
    "binary_step": [
        ((-0.5,), 0.0,
         {"binary_step.sign": -1.0, "binary_step.upside_down": 1.0}),
        ((0.0,), 1.0,
         {"binary_step.strict_at_zero": 0.0, "binary_step.sign": 0.0, "binary_step.upside_down": 0.0}),
        (([-2.0, -0.1, 0.0, 0.1, 2.0],), [0.0, 0.0, 1.0, 1.0, 1.0],
         {"binary_step.strict_at_zero": [0.0, 0.0, 0.0, 1.0, 1.0],
          "binary_step.sign": [-1.0, -1.0, 0.0, 1.0, 1.0],
          "binary_step.upside_down": [1.0, 1.0, 0.0, 0.0, 0.0]}),
        ((INTEGERS,), [0.0, 1.0, 1.0],
         {"binary_step.strict_at_zero": [0.0, 0.0, 1.0],
          "binary_step.sign": [-1.0, 0.0, 1.0],
          "binary_step.upside_down": [1.0, 0.0, 0.0]}),
    ],
    "binary_step_derivative": [
        ((-0.5,), 0.0,
         {"binary_step_derivative.one": 1.0}),
        (([-2.0, -0.1, 0.0, 0.1, 2.0],), [0.0, 0.0, 0.0, 0.0, 0.0],
         {"binary_step_derivative.function_itself": [0.0, 0.0, 1.0, 1.0, 1.0],
          "binary_step_derivative.one": [1.0, 1.0, 1.0, 1.0, 1.0]}),
        ((INTEGERS,), [0.0, 0.0, 0.0],
         {"binary_step_derivative.function_itself": [0.0, 1.0, 1.0], "binary_step_derivative.one": [1.0, 1.0, 1.0]}),
    ],
    "sigmoid": [
        ((0.0,), 0.5,
         {"sigmoid.tanh_instead": 0.0, "sigmoid.reciprocal_missing": 2.0}),
        (([-LN3, 0.0, LN3],), [0.25, 0.5, 0.75],
         {"sigmoid.sign_flipped": [0.75, 0.5, 0.25],
          "sigmoid.tanh_instead": [-0.8, 0.0, 0.8],
          "sigmoid.reciprocal_missing": [4.0, 2.0, 1.333333333]}),
        ((INTEGERS,), [0.119202922, 0.5, 0.9525741268],
         {"sigmoid.sign_flipped": [0.880797078, 0.5, 0.04742587318],
          "sigmoid.tanh_instead": [-0.9640275801, 0.0, 0.9950547537],
          "sigmoid.reciprocal_missing": [8.389056099, 2.0, 1.049787068]}),
        ((np.array([-1000.0, 1000.0]),), [0.0, 1.0],
         {"sigmoid.sign_flipped": [1.0, 0.0],
          "sigmoid.tanh_instead": [-1.0, 1.0],
          "sigmoid.reciprocal_missing": [INF, 1.0]}),
    ],
    "sigmoid_derivative": [
        ((LN3,), 0.1875,
         {"sigmoid_derivative.applied_to_x": -0.1083366721,
          "sigmoid_derivative.function_itself": 0.75,
          "sigmoid_derivative.factor_missing": 0.25,
          "sigmoid_derivative.sign_inside": 1.3125,
          "sigmoid_derivative.tanh_derivative": 0.36}),
        (([-LN3, 0.0, LN3],), [0.1875, 0.25, 0.1875],
         {"sigmoid_derivative.applied_to_x": [-2.305561249, 0.0, -0.1083366721],
          "sigmoid_derivative.function_itself": [0.25, 0.5, 0.75],
          "sigmoid_derivative.factor_missing": [0.75, 0.5, 0.25],
          "sigmoid_derivative.sign_inside": [0.3125, 0.75, 1.3125],
          "sigmoid_derivative.tanh_derivative": [0.36, 1.0, 0.36]}),
        ((np.array([-1000.0, 1000.0]),), [0.0, 0.0],
         {"sigmoid_derivative.applied_to_x": [-1001000.0, -999000.0],
          "sigmoid_derivative.function_itself": [0.0, 1.0],
          "sigmoid_derivative.factor_missing": [1.0, 0.0],
          "sigmoid_derivative.sign_inside": [0.0, 2.0]}),
    ],
    "tanh": [
        ((0.0,), 0.0,
         {"tanh.sigmoid_instead": 0.5}),
        (([-LN2, LN2],), [-0.6, 0.6],
         {"tanh.half_argument": [-0.3333333333, 0.3333333333],
          "tanh.sigmoid_instead": [0.3333333333, 0.6666666667],
          "tanh.sinh": [-0.75, 0.75]}),
        ((INTEGERS,), [-0.9640275801, 0.0, 0.9950547537],
         {"tanh.half_argument": [-0.761594156, 0.0, 0.9051482536],
          "tanh.sigmoid_instead": [0.119202922, 0.5, 0.9525741268],
          "tanh.sinh": [-3.626860408, 0.0, 10.01787493]}),
        ((np.array([-1000.0, 1000.0]),), [-1.0, 1.0],
         {"tanh.sigmoid_instead": [0.0, 1.0], "tanh.sinh": [-INF, INF]}),
    ],
    "tanh_derivative": [
        ((0.0,), 1.0,
         {"tanh_derivative.function_itself": 0.0}),
        (([-LN2, 0.0, LN2],), [0.64, 1.0, 0.64],
         {"tanh_derivative.applied_to_x": [0.5195469861, 1.0, 0.5195469861],
          "tanh_derivative.square_missing": [1.6, 1.0, 0.4],
          "tanh_derivative.function_itself": [-0.6, 0.0, 0.6],
          "tanh_derivative.sign_flipped": [1.36, 1.0, 1.36]}),
        ((np.array([-1000.0, 1000.0]),), [0.0, 0.0],
         {"tanh_derivative.applied_to_x": [-999999.0, -999999.0],
          "tanh_derivative.square_missing": [2.0, 0.0],
          "tanh_derivative.function_itself": [-1.0, 1.0],
          "tanh_derivative.sign_flipped": [2.0, 2.0]}),
    ],
    "softsign": [
        ((1.0,), 0.5,
         {"softsign.derivative_instead": 0.25, "softsign.tanh_instead": 0.761594156}),
        (([-3.0, -0.5, 0.0, 1.0, 3.0],), [-0.75, -0.3333333333, 0.0, 0.5, 0.75],
         {"softsign.abs_missing": [1.5, -1.0, 0.0, 0.5, 0.75],
          "softsign.derivative_instead": [0.0625, 0.4444444444, 1.0, 0.25, 0.0625],
          "softsign.tanh_instead": [-0.9950547537, -0.4621171573, 0.0, 0.761594156, 0.9950547537]}),
        ((INTEGERS,), [-0.6666666667, 0.0, 0.75],
         {"softsign.abs_missing": [2.0, 0.0, 0.75],
          "softsign.derivative_instead": [0.1111111111, 1.0, 0.0625],
          "softsign.tanh_instead": [-0.9640275801, 0.0, 0.9950547537]}),
    ],
    "softsign_derivative": [
        ((3.0,), 0.0625,
         {"softsign_derivative.square_missing": 0.25, "softsign_derivative.function_itself": 0.75}),
        (([-3.0, -0.5, 0.0, 1.0, 3.0],), [0.0625, 0.4444444444, 1.0, 0.25, 0.0625],
         {"softsign_derivative.square_missing": [0.25, 0.6666666667, 1.0, 0.5, 0.25],
          "softsign_derivative.abs_missing": [0.25, 4.0, 1.0, 0.25, 0.0625],
          "softsign_derivative.function_itself": [-0.75, -0.3333333333, 0.0, 0.5, 0.75]}),
        ((INTEGERS,), [0.1111111111, 1.0, 0.0625],
         {"softsign_derivative.square_missing": [0.3333333333, 1.0, 0.25],
          "softsign_derivative.abs_missing": [1.0, 1.0, 0.0625],
          "softsign_derivative.function_itself": [-0.6666666667, 0.0, 0.75]}),
    ],
    "sqnl": [
        ((1.0,), 0.75,
         {"sqnl.middle_pieces_swapped": 1.25}),
        (([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0],), [-1.0, -1.0, -0.75, 0.0, 0.75, 1.0, 1.0],
         {"sqnl.middle_pieces_swapped": [-1.0, -3.0, -1.25, 0.0, 1.25, 3.0, 1.0],
          "sqnl.outer_pieces_swapped": [1.0, -1.0, -0.75, 0.0, 0.75, 1.0, -1.0],
          "sqnl.clipping_missing": [-0.75, -1.0, -0.75, 0.0, 0.75, 1.0, 0.75],
          "sqnl.one_piece_both_sides": [-1.0, -3.0, -1.25, 0.0, 0.75, 1.0, 1.0]}),
        ((INTEGERS,), [-1.0, 0.0, 1.0],
         {"sqnl.middle_pieces_swapped": [-3.0, 0.0, 1.0],
          "sqnl.outer_pieces_swapped": [-1.0, 0.0, -1.0],
          "sqnl.clipping_missing": [-1.0, 0.0, 0.75],
          "sqnl.one_piece_both_sides": [-3.0, 0.0, 1.0]}),
    ],
    "sqnl_derivative": [
        ((1.0,), 0.5,
         {"sqnl_derivative.slopes_swapped": 1.5, "sqnl_derivative.function_itself": 0.75}),
        (([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0],), [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0],
         {"sqnl_derivative.slopes_swapped": [0.0, 2.0, 1.5, 1.0, 1.5, 2.0, 0.0],
          "sqnl_derivative.not_zero_outside": [-0.5, 0.0, 0.5, 1.0, 0.5, 0.0, -0.5],
          "sqnl_derivative.one_slope_both_sides": [0.0, 2.0, 1.5, 1.0, 0.5, 0.0, 0.0],
          "sqnl_derivative.function_itself": [-1.0, -1.0, -0.75, 0.0, 0.75, 1.0, 1.0]}),
        ((INTEGERS,), [0.0, 1.0, 0.0],
         {"sqnl_derivative.slopes_swapped": [2.0, 1.0, 0.0],
          "sqnl_derivative.not_zero_outside": [0.0, 1.0, -0.5],
          "sqnl_derivative.one_slope_both_sides": [2.0, 1.0, 0.0],
          "sqnl_derivative.function_itself": [-1.0, 0.0, 1.0]}),
    ],
    "relu": [
        ((-2.0,), 0.0,
         {"relu.minimum": -2.0, "relu.abs": 2.0}),
        (([-2.0, 0.0, 3.0],), [0.0, 0.0, 3.0],
         {"relu.minimum": [-2.0, 0.0, 0.0], "relu.abs": [2.0, 0.0, 3.0], "relu.derivative_instead": [0.0, 1.0, 1.0]}),
        ((INTEGERS,), [0.0, 0.0, 3.0],
         {"relu.minimum": [-2.0, 0.0, 0.0], "relu.abs": [2.0, 0.0, 3.0], "relu.derivative_instead": [0.0, 1.0, 1.0]}),
    ],
    "relu_derivative": [
        ((-2.0,), 0.0,
         {}),
        (([-2.0, 0.0, 3.0],), [0.0, 1.0, 1.0],
         {"relu_derivative.zero_at_zero": [0.0, 0.0, 1.0], "relu_derivative.function_itself": [0.0, 0.0, 3.0]}),
        ((INTEGERS,), [0.0, 1.0, 1.0],
         {"relu_derivative.zero_at_zero": [0.0, 0.0, 1.0], "relu_derivative.function_itself": [0.0, 0.0, 3.0]}),
    ],
    "leaky_relu": [
        ((-2.0,), -0.02,
         {"leaky_relu.wrong_slope": -0.2, "leaky_relu.plain_relu": 0.0, "leaky_relu.sides_swapped": -2.0}),
        (([-2.0, 0.0, 3.0],), [-0.02, 0.0, 3.0],
         {"leaky_relu.wrong_slope": [-0.2, 0.0, 3.0],
          "leaky_relu.plain_relu": [0.0, 0.0, 3.0],
          "leaky_relu.slope_both_sides": [-0.02, 0.0, 0.03],
          "leaky_relu.sides_swapped": [-2.0, 0.0, 0.03]}),
        ((INTEGERS,), [-0.02, 0.0, 3.0],
         {"leaky_relu.wrong_slope": [-0.2, 0.0, 3.0],
          "leaky_relu.plain_relu": [0.0, 0.0, 3.0],
          "leaky_relu.slope_both_sides": [-0.02, 0.0, 0.03],
          "leaky_relu.sides_swapped": [-2.0, 0.0, 0.03]}),
    ],
    "leaky_relu_derivative": [
        ((-2.0,), 0.01,
         {"leaky_relu_derivative.wrong_slope": 0.1,
          "leaky_relu_derivative.relu_derivative": 0.0,
          "leaky_relu_derivative.function_itself": -0.02}),
        (([-2.0, 0.0, 3.0],), [0.01, 1.0, 1.0],
         {"leaky_relu_derivative.wrong_slope": [0.1, 1.0, 1.0],
          "leaky_relu_derivative.relu_derivative": [0.0, 1.0, 1.0],
          "leaky_relu_derivative.slope_at_zero": [0.01, 0.01, 1.0],
          "leaky_relu_derivative.function_itself": [-0.02, 0.0, 3.0]}),
        ((INTEGERS,), [0.01, 1.0, 1.0],
         {"leaky_relu_derivative.wrong_slope": [0.1, 1.0, 1.0],
          "leaky_relu_derivative.relu_derivative": [0.0, 1.0, 1.0],
          "leaky_relu_derivative.slope_at_zero": [0.01, 0.01, 1.0],
          "leaky_relu_derivative.function_itself": [-0.02, 0.0, 3.0]}),
    ],
    "prelu": [
        ((-2.0, 0.25), -0.5,
         {"prelu.fixed_slope": -0.02, "prelu.sides_swapped": -2.0, "prelu.plain_relu": 0.0}),
        (([-2.0, 0.0, 3.0], 0.25), [-0.5, 0.0, 3.0],
         {"prelu.fixed_slope": [-0.02, 0.0, 3.0],
          "prelu.sides_swapped": [-2.0, 0.0, 0.75],
          "prelu.plain_relu": [0.0, 0.0, 3.0]}),
        ((INTEGERS, 0.5), [-1.0, 0.0, 3.0],
         {"prelu.fixed_slope": [-0.02, 0.0, 3.0],
          "prelu.sides_swapped": [-2.0, 0.0, 1.5],
          "prelu.plain_relu": [0.0, 0.0, 3.0]}),
        (([-2.0, 3.0], 1.5), [-3.0, 3.0],
         {"prelu.maximum_trick": [-2.0, 4.5],
          "prelu.fixed_slope": [-0.02, 3.0],
          "prelu.sides_swapped": [-2.0, 4.5],
          "prelu.plain_relu": [0.0, 3.0]}),
    ],
    "prelu_derivative": [
        ((-2.0, 0.25), 0.25,
         {"prelu_derivative.function_itself": -0.5,
          "prelu_derivative.fixed_slope": 0.01,
          "prelu_derivative.relu_derivative": 0.0}),
        (([-2.0, 0.0, 3.0], 0.25), [0.25, 1.0, 1.0],
         {"prelu_derivative.function_itself": [-0.5, 0.0, 3.0],
          "prelu_derivative.fixed_slope": [0.01, 1.0, 1.0],
          "prelu_derivative.relu_derivative": [0.0, 1.0, 1.0],
          "prelu_derivative.alpha_at_zero": [0.25, 0.25, 1.0]}),
        ((INTEGERS, 1.5), [1.5, 1.0, 1.0],
         {"prelu_derivative.function_itself": [-3.0, 0.0, 3.0],
          "prelu_derivative.fixed_slope": [0.01, 1.0, 1.0],
          "prelu_derivative.relu_derivative": [0.0, 1.0, 1.0],
          "prelu_derivative.alpha_at_zero": [1.5, 1.5, 1.0]}),
    ],
    "brelu": [
        (([-2.0, -2.0, 3.0, 3.0],), [0.0, -2.0, 3.0, 0.0],
         {"brelu.parity_swapped": [-2.0, 0.0, 0.0, 3.0],
          "brelu.outer_minus_missing": [0.0, 2.0, 3.0, 0.0],
          "brelu.plain_relu": [0.0, 0.0, 3.0, 3.0]}),
        ((np.array([[-1, 2, 0], [4, -5, -6]]),), [[0.0, 0.0, 0.0], [4.0, -5.0, 0.0]],
         {"brelu.parity_swapped": [[-1.0, 2.0, 0.0], [0.0, 0.0, -6.0]],
          "brelu.outer_minus_missing": [[0.0, 0.0, 0.0], [4.0, 5.0, 0.0]],
          "brelu.plain_relu": [[0.0, 2.0, 0.0], [4.0, 0.0, 0.0]],
          "brelu.first_axis": [[0.0, 2.0, 0.0], [0.0, -5.0, -6.0]],
          "brelu.flattened": [[0.0, 0.0, 0.0], [0.0, 0.0, -6.0]]}),
    ],
    "brelu_derivative": [
        (([-2.0, -2.0, 3.0, 3.0, 0.0, 0.0],), [0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
         {"brelu_derivative.slide_sign_slip": [0.0, -1.0, 1.0, 0.0, 1.0, -1.0],
          "brelu_derivative.odd_slope_of_x": [0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
          "brelu_derivative.zero_at_odd_zero": [0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
          "brelu_derivative.parity_swapped": [1.0, 0.0, 0.0, 1.0, 1.0, 1.0]}),
        ((np.array([[-1, 2, 0], [4, -5, -6]]),), [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]],
         {"brelu_derivative.slide_sign_slip": [[0.0, 0.0, 1.0], [1.0, -1.0, 0.0]],
          "brelu_derivative.odd_slope_of_x": [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]],
          "brelu_derivative.parity_swapped": [[1.0, 1.0, 1.0], [0.0, 0.0, 1.0]],
          "brelu_derivative.first_axis": [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]],
          "brelu_derivative.flattened": [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]}),
    ],
    "softmax": [
        (([0.0, LN3],), [0.25, 0.75],
         {"softmax.sigmoid_instead": [0.5, 0.75], "softmax.exp_missing": [0.0, 1.0]}),
        ((np.array([[0.0, LN3], [5.0, 5.0]]),), [[0.25, 0.75], [0.5, 0.5]],
         {"softmax.whole_array": [[0.003324177239, 0.009972531718], [0.4933516455, 0.4933516455]],
          "softmax.sigmoid_instead": [[0.5, 0.75], [0.9933071491, 0.9933071491]],
          "softmax.exp_missing": [[0.0, 1.0], [0.5, 0.5]],
          "softmax.keepdims_missing": [[0.25, 0.5], [0.75, 0.5]]}),
        ((np.array([[0.0, 0.0], [LN3, 0.0]]), 0), [[0.25, 0.5], [0.75, 0.5]],
         {"softmax.whole_array": [[0.1666666667, 0.1666666667], [0.5, 0.1666666667]],
          "softmax.last_axis": [[0.5, 0.5], [0.75, 0.25]],
          "softmax.sigmoid_instead": [[0.5, 0.5], [0.75, 0.5]],
          "softmax.exp_missing": [[0.0, NAN], [1.0, NAN]]}),
        ((np.array([1000.0, 1000.0 + LN3]),), [0.25, 0.75],
         {"softmax.sigmoid_instead": [1.0, 1.0], "softmax.exp_missing": [0.4997254977, 0.5002745023]}),
        ((np.array([1, 1, 1, 1]),), [0.25, 0.25, 0.25, 0.25],
         {"softmax.sigmoid_instead": [0.7310585786, 0.7310585786, 0.7310585786, 0.7310585786]}),
    ],
}


# ---- public checks --------------------------------------------------------------------------

def _cases(fn, name, **options):
    """Check ``fn`` on each hand case of ``name``; options go to ``expect_output``."""
    for args, expected, outputs in HAND[name]:
        elementwise = {"x": args[0]} if name not in ("numerical_derivative", "softmax") else {}
        expect_case(fn, args, expected, name, mistakes=diagnosed(name, args, outputs), **elementwise, **options)
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
