"""Mistakes and alternatives for 02-activations."""
import math

import numpy as np
import scipy.special

from . import Case

A = np.asarray


def F(x):
    return np.asarray(x, dtype=float)


def _odd(x):
    x = F(x)
    return np.arange(x.shape[-1]) % 2 == 1 if x.ndim else False


def _loop(scalar_fn):
    """An elementwise function written as a Python loop over the elements."""
    return lambda x: np.array([scalar_fn(v) for v in F(x).ravel()]).reshape(np.shape(x))


def _stable_sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def _sqnl_scalar(v):
    if v > 2:
        return 1.0
    if v >= 0:
        return v - v * v / 4
    return v + v * v / 4 if v >= -2 else -1.0


def _pieces(x, high, positive, negative, low):
    """A four-piece function like SQNL: ``high`` for x > 2, then [0, 2], [-2, 0), ``low`` below -2."""
    x = F(x)
    return np.select([x > 2, x >= 0, x >= -2], [high, positive(x), negative(x)], low)


def _minus(v):
    return v - v ** 2 / 4


def _plus(v):
    return v + v ** 2 / 4


def _brelu_sliced(x):
    x = F(x)
    y = np.maximum(x, 0.0)
    y[..., 1::2] = np.minimum(x[..., 1::2], 0.0)
    return y


def _brelu_loop(x):
    x = F(x)
    y = np.empty_like(x)
    for i in range(x.shape[-1]):
        y[..., i] = np.maximum(x[..., i], 0) if i % 2 == 0 else -np.maximum(-x[..., i], 0)
    return y


def _brelu_slope_sliced(x):
    x = F(x)
    y = (x >= 0).astype(float)
    y[..., 1::2] = (x[..., 1::2] <= 0)
    return y


def _parity(x, axis):
    x = F(x)
    if axis == "flat":
        return (np.arange(x.size) % 2 == 1).reshape(x.shape)
    return np.expand_dims(np.arange(x.shape[0]) % 2 == 1, tuple(range(1, x.ndim)))


def _softmax_no_keepdims_sum(z, axis=-1):
    z = F(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)


def _softmax_global_shift(z, axis=-1):
    e = np.exp(F(z) - F(z).max())
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_last_axis(z, axis=-1):
    e = np.exp(F(z) - F(z).max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_1d(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def _central(f, x, h):
    x = F(x)
    return (F(f(x + h)) - F(f(x - h))) / (2 * h)


def _central_one_at_a_time(f, x, h=1e-5):
    """Perturb one element at a time inside the whole array: correct even for BReLU."""
    x = F(x)
    out = np.empty_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        out[i] = (F(f(plus))[i] - F(f(minus))[i]) / (2 * h)
    return out


MUTANTS = [
    Case("numerical_derivative", "forward difference",
         lambda f, x, h=1e-5: (F(f(F(x) + h)) - F(f(F(x)))) / h, message="forward difference",
         mistake="numerical_derivative.forward_difference"),
    Case("numerical_derivative", "backward difference",
         lambda f, x, h=1e-5: (F(f(F(x))) - F(f(F(x) - h))) / h, message="backward difference",
         mistake="numerical_derivative.backward_difference"),
    Case("numerical_derivative", "divides by h, not 2h", lambda f, x, h=1e-5: 2 * _central(f, x, h),
         message="divide by 2h, not h", mistake="numerical_derivative.divided_by_h"),
    Case("numerical_derivative", "no division", lambda f, x, h=1e-5: F(f(F(x) + h)) - F(f(F(x) - h)),
         message="division by 2h is missing", mistake="numerical_derivative.no_division"),
    Case("numerical_derivative", "divides by 2h²", lambda f, x, h=1e-5: _central(f, x, h) / h,
         message="2·h²", mistake="numerical_derivative.divided_by_2h_squared"),
    Case("numerical_derivative", "ignores h", lambda f, x, h=1e-5: _central(f, x, 1e-5), message="h was ignored",
         mistake="numerical_derivative.h_ignored"),
    Case("numerical_derivative", "calls f on one element at a time",
         lambda f, x, h=1e-5: np.reshape([_central(f, v, h) for v in F(x).ravel()], np.shape(x)),
         message="one element at a time", mistake="numerical_derivative.one_element_at_a_time"),
    Case("numerical_derivative", "list not converted", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / (2 * h),
         message="raised TypeError"),

    Case("identity", "returns its input unchanged", lambda x: x, message="expected floats"),
    Case("identity", "np.asarray keeps integers", lambda x: np.asarray(x), message="expected floats"),
    Case("identity", "the derivative instead", lambda x: np.ones_like(F(x)), message="That is the derivative",
         mistake="identity.derivative_instead"),
    Case("identity_derivative", "a single 1", lambda x: np.array(1.0), message="single number"),
    Case("identity_derivative", "np.ones_like keeps integers", lambda x: np.ones_like(x), message="expected floats"),
    Case("identity_derivative", "the identity instead", lambda x: F(x), message="identity itself",
         mistake="identity_derivative.function_itself"),
    Case("identity_derivative", "zeros", lambda x: np.zeros_like(F(x)), message="is 1, not 0",
         mistake="identity_derivative.zero"),

    Case("binary_step", "x > 0", lambda x: np.where(A(x) > 0, 1.0, 0.0), message="you used x > 0",
         mistake="binary_step.strict_at_zero"),
    Case("binary_step", "integer output", lambda x: np.where(A(x) >= 0, 1, 0), message="expected floats"),
    Case("binary_step", "np.sign", lambda x: np.sign(F(x)), message="That is np.sign", mistake="binary_step.sign"),
    Case("binary_step", "upside down", lambda x: np.where(F(x) >= 0, 0.0, 1.0), message="upside down",
         mistake="binary_step.upside_down"),
    Case("binary_step", "boolean output", lambda x: A(x) >= 0, message="expected floats"),
    Case("binary_step_derivative", "np.zeros_like keeps integers", lambda x: np.zeros_like(x),
         message="expected floats"),
    Case("binary_step_derivative", "the step itself", lambda x: np.where(F(x) >= 0, 1.0, 0.0),
         message="the step itself", mistake="binary_step_derivative.function_itself"),
    Case("binary_step_derivative", "ones", lambda x: np.ones(np.shape(x)), message="not 1",
         mistake="binary_step_derivative.one"),
    Case("binary_step_derivative", "a Python 0.0 for any input", lambda x: 0.0, message="returned a single number"),

    Case("sigmoid", "naive formula overflows at -1000", lambda x: 1 / (1 + np.exp(-F(x))), message="overflow"),
    Case("sigmoid", "e^x instead of e^-x", lambda x: scipy.special.expit(-F(x)), message="the exponent is -x",
         mistake="sigmoid.sign_flipped"),
    Case("sigmoid", "np.where with both branches overflowing",
         lambda x: np.where(F(x) >= 0, 1 / (1 + np.exp(-F(x))), np.exp(F(x)) / (1 + np.exp(F(x)))),
         message="overflow"),
    Case("sigmoid", "tanh instead", lambda x: np.tanh(F(x)), message="That is tanh", mistake="sigmoid.tanh_instead"),
    Case("sigmoid", "no reciprocal", lambda x: 1 + np.exp(-F(x)), message="reciprocal is missing",
         mistake="sigmoid.reciprocal_missing"),
    Case("sigmoid_derivative", "f(1 - f) applied to x", lambda x: F(x) * (1 - F(x)), message="to x itself",
         mistake="sigmoid_derivative.applied_to_x"),
    Case("sigmoid_derivative", "e^-x / (1 + e^-x)^2 overflows",
         lambda x: np.exp(-F(x)) / (1 + np.exp(-F(x))) ** 2, message="overflow"),
    Case("sigmoid_derivative", "factor f missing", lambda x: 1 - scipy.special.expit(F(x)),
         message="factor f(x) is missing", mistake="sigmoid_derivative.factor_missing"),
    Case("sigmoid_derivative", "f(1 + f)", lambda x: scipy.special.expit(F(x)) * (1 + scipy.special.expit(F(x))),
         message="sign inside", mistake="sigmoid_derivative.sign_inside"),
    Case("sigmoid_derivative", "the sigmoid itself", lambda x: scipy.special.expit(F(x)),
         message="sigmoid(x) itself", mistake="sigmoid_derivative.function_itself"),
    Case("sigmoid_derivative", "tanh's derivative", lambda x: 1 - np.tanh(F(x)) ** 2, message="derivative of tanh",
         mistake="sigmoid_derivative.tanh_derivative"),

    Case("tanh", "literal formula overflows at 1000",
         lambda x: (np.exp(F(x)) - np.exp(-F(x))) / (np.exp(F(x)) + np.exp(-F(x))), message="overflow"),
    Case("tanh", "2 sigmoid(x) - 1", lambda x: 2 * scipy.special.expit(F(x)) - 1, message="tanh(x/2)",
         mistake="tanh.half_argument"),
    Case("tanh", "sigmoid instead", lambda x: scipy.special.expit(F(x)), message="That is the sigmoid",
         mistake="tanh.sigmoid_instead"),
    Case("tanh", "sinh / cosh overflows", lambda x: np.sinh(F(x)) / np.cosh(F(x)), message="overflow"),
    Case("tanh", "sinh", lambda x: np.sinh(F(x)), message="is sinh", mistake="tanh.sinh"),
    Case("tanh_derivative", "1 - x²", lambda x: 1 - F(x) ** 2, message="You used 1 - x²",
         mistake="tanh_derivative.applied_to_x"),
    Case("tanh_derivative", "square missing", lambda x: 1 - np.tanh(F(x)), message="square is missing",
         mistake="tanh_derivative.square_missing"),
    Case("tanh_derivative", "sech² overflows", lambda x: 1 / np.cosh(F(x)) ** 2, message="overflow"),
    Case("tanh_derivative", "tanh itself", lambda x: np.tanh(F(x)), message="tanh(x) itself",
         mistake="tanh_derivative.function_itself"),
    Case("tanh_derivative", "1 + tanh²", lambda x: 1 + np.tanh(F(x)) ** 2, message="not 1 + tanh(x)²",
         mistake="tanh_derivative.sign_flipped"),

    Case("softsign", "abs missing", lambda x: F(x) / (1 + F(x)), message="absolute value is missing",
         mistake="softsign.abs_missing"),
    Case("softsign", "the derivative instead", lambda x: 1 / (1 + np.abs(F(x))) ** 2, message="That is the derivative",
         mistake="softsign.derivative_instead"),
    Case("softsign", "tanh instead", lambda x: np.tanh(F(x)), message="That is tanh", mistake="softsign.tanh_instead"),
    Case("softsign_derivative", "square missing", lambda x: 1 / (1 + np.abs(F(x))), message="square is missing",
         mistake="softsign_derivative.square_missing"),
    Case("softsign_derivative", "abs missing", lambda x: 1 / (1 + F(x)) ** 2, message="absolute value is missing",
         mistake="softsign_derivative.abs_missing"),
    Case("softsign_derivative", "softsign itself", lambda x: F(x) / (1 + np.abs(F(x))), message="softsign itself",
         mistake="softsign_derivative.function_itself"),

    Case("sqnl", "middle pieces swapped", lambda x: _pieces(x, 1.0, _plus, _minus, -1.0),
         message="middle pieces are swapped", mistake="sqnl.middle_pieces_swapped"),
    Case("sqnl", "no clipping", lambda x: F(x) - F(x) * np.abs(F(x)) / 4, message="clipping is missing",
         mistake="sqnl.clipping_missing"),
    Case("sqnl", "outer pieces swapped", lambda x: _pieces(x, -1.0, _minus, _plus, 1.0),
         message="outer pieces are swapped", mistake="sqnl.outer_pieces_swapped"),
    Case("sqnl", "x - x²/4 on both sides", lambda x: _pieces(x, 1.0, _minus, _minus, -1.0), message="both sides of 0",
         mistake="sqnl.one_piece_both_sides"),
    Case("sqnl_derivative", "slopes swapped", lambda x: np.where(np.abs(F(x)) <= 2, 1 + np.abs(F(x)) / 2, 0.0),
         message="slopes are swapped", mistake="sqnl_derivative.slopes_swapped"),
    Case("sqnl_derivative", "not 0 outside [-2, 2]", lambda x: 1 - np.abs(F(x)) / 2, message="derivative is 0 there",
         mistake="sqnl_derivative.not_zero_outside"),
    Case("sqnl_derivative", "1 - x/2 on both sides", lambda x: np.where(np.abs(F(x)) <= 2, 1 - F(x) / 2, 0.0),
         message="both sides of 0", mistake="sqnl_derivative.one_slope_both_sides"),
    Case("sqnl_derivative", "sqnl itself", _loop(_sqnl_scalar), message="SQNL itself",
         mistake="sqnl_derivative.function_itself"),

    Case("relu", "np.maximum(x, 0) keeps integers", lambda x: np.maximum(x, 0), message="expected floats"),
    Case("relu", "np.minimum", lambda x: np.minimum(F(x), 0), message="np.minimum", mistake="relu.minimum"),
    Case("relu", "absolute value", lambda x: np.abs(F(x)), message="That is |x|", mistake="relu.abs"),
    Case("relu", "the step instead", lambda x: (F(x) >= 0).astype(float), message="step function",
         mistake="relu.derivative_instead"),
    Case("relu", "returns a list", lambda x: [max(v, 0.0) for v in F(x).ravel()], message="returned a list"),
    Case("relu_derivative", "0 at x = 0", lambda x: (F(x) > 0).astype(float), message="you returned 0 there",
         mistake="relu_derivative.zero_at_zero"),
    Case("relu_derivative", "boolean output", lambda x: F(x) >= 0, message="expected floats"),
    Case("relu_derivative", "relu itself", lambda x: np.maximum(F(x), 0), message="ReLU itself",
         mistake="relu_derivative.function_itself"),

    Case("leaky_relu", "slope 0.1", lambda x: np.where(F(x) < 0, 0.1 * F(x), F(x)), message="0.1",
         mistake="leaky_relu.wrong_slope"),
    Case("leaky_relu", "plain ReLU", lambda x: np.maximum(F(x), 0), message="plain ReLU",
         mistake="leaky_relu.plain_relu"),
    Case("leaky_relu", "0.01 on both sides", lambda x: 0.01 * F(x), message="positive inputs too",
         mistake="leaky_relu.slope_both_sides"),
    Case("leaky_relu", "sides swapped", lambda x: np.where(F(x) < 0, F(x), 0.01 * F(x)), message="swapped",
         mistake="leaky_relu.sides_swapped"),
    Case("leaky_relu_derivative", "slope 0.1", lambda x: np.where(F(x) < 0, 0.1, 1.0), message="0.1",
         mistake="leaky_relu_derivative.wrong_slope"),
    Case("leaky_relu_derivative", "ReLU's derivative", lambda x: np.where(F(x) >= 0, 1.0, 0.0),
         message="ReLU's derivative", mistake="leaky_relu_derivative.relu_derivative"),
    Case("leaky_relu_derivative", "0.01 at x = 0", lambda x: np.where(F(x) > 0, 1.0, 0.01),
         message="you returned 0.01 there", mistake="leaky_relu_derivative.slope_at_zero"),
    Case("leaky_relu_derivative", "leaky ReLU itself", lambda x: np.where(F(x) < 0, 0.01 * F(x), F(x)),
         message="leaky ReLU itself", mistake="leaky_relu_derivative.function_itself"),

    Case("prelu", "np.maximum(x, alpha x)", lambda x, alpha: np.maximum(F(x), alpha * F(x)),
         message="only when alpha <= 1", mistake="prelu.maximum_trick"),
    Case("prelu", "alpha ignored: 0.01", lambda x, alpha: np.where(F(x) < 0, 0.01 * F(x), F(x)),
         message="0.01 is the leaky ReLU's", mistake="prelu.fixed_slope"),
    Case("prelu", "alpha on the positive side", lambda x, alpha: np.where(F(x) < 0, F(x), alpha * F(x)),
         message="applied to the positive side", mistake="prelu.sides_swapped"),
    Case("prelu", "plain ReLU", lambda x, alpha: np.maximum(F(x), 0), message="not 0", mistake="prelu.plain_relu"),
    Case("prelu_derivative", "prelu itself", lambda x, alpha: np.where(F(x) < 0, alpha * F(x), F(x)),
         message="That is PReLU itself", mistake="prelu_derivative.function_itself"),
    Case("prelu_derivative", "alpha ignored: 0.01", lambda x, alpha: np.where(F(x) < 0, 0.01, 1.0),
         message="0.01 is the leaky ReLU's", mistake="prelu_derivative.fixed_slope"),
    Case("prelu_derivative", "ReLU's derivative", lambda x, alpha: np.where(F(x) < 0, 0.0, 1.0),
         message="the slope is alpha, not 0", mistake="prelu_derivative.relu_derivative"),
    Case("prelu_derivative", "alpha at x = 0", lambda x, alpha: np.where(F(x) > 0, 1.0, alpha),
         message="you returned alpha there", mistake="prelu_derivative.alpha_at_zero"),

    Case("brelu", "parity swapped", lambda x: np.where(_odd(x), np.maximum(F(x), 0), np.minimum(F(x), 0)),
         message="swapped", mistake="brelu.parity_swapped"),
    Case("brelu", "positions along the first axis",
         lambda x: np.where(_parity(x, 0), np.minimum(F(x), 0), np.maximum(F(x), 0)), message="first axis",
         mistake="brelu.first_axis"),
    Case("brelu", "positions in the flattened array",
         lambda x: np.where(_parity(x, "flat"), np.minimum(F(x), 0), np.maximum(F(x), 0)), message="flattened",
         mistake="brelu.flattened"),
    Case("brelu", "ReLU(-x) at odd positions", lambda x: np.where(_odd(x), np.maximum(-F(x), 0), np.maximum(F(x), 0)),
         message="outer minus", mistake="brelu.outer_minus_missing"),
    Case("brelu", "plain ReLU", lambda x: np.maximum(F(x), 0), message="plain ReLU everywhere",
         mistake="brelu.plain_relu"),
    Case("brelu_derivative", "the slide's sign slip",
         lambda x: np.where(_odd(x), -(F(x) <= 0).astype(float), (F(x) >= 0)).astype(float), message="sign slip",
         mistake="brelu_derivative.slide_sign_slip"),
    Case("brelu_derivative", "parity swapped",
         lambda x: np.where(_odd(x), F(x) >= 0, F(x) <= 0).astype(float), message="swapped",
         mistake="brelu_derivative.parity_swapped"),
    Case("brelu_derivative", "ReLU'(x) at odd positions", lambda x: (F(x) >= 0).astype(float),
         message="you used ReLU'(x)", mistake="brelu_derivative.odd_slope_of_x"),
    Case("brelu_derivative", "0 at odd positions and x = 0",
         lambda x: np.where(_odd(x), F(x) < 0, F(x) >= 0).astype(float), message="ReLU'(-0) = ReLU'(0) = 1",
         mistake="brelu_derivative.zero_at_odd_zero"),
    Case("brelu_derivative", "positions along the first axis",
         lambda x: np.where(_parity(x, 0), F(x) <= 0, F(x) >= 0).astype(float), message="first axis",
         mistake="brelu_derivative.first_axis"),
    Case("brelu_derivative", "positions in the flattened array",
         lambda x: np.where(_parity(x, "flat"), F(x) <= 0, F(x) >= 0).astype(float), message="flattened",
         mistake="brelu_derivative.flattened"),

    Case("softmax", "no max shift", lambda z, axis=-1: np.exp(F(z)) / np.exp(F(z)).sum(axis=axis, keepdims=True),
         message="overflow"),
    Case("softmax", "normalised over the whole array", lambda z, axis=-1: scipy.special.softmax(F(z)),
         message="whole array", mistake="softmax.whole_array"),
    Case("softmax", "axis ignored", _softmax_last_axis, message="along the last axis", mistake="softmax.last_axis"),
    Case("softmax", "keepdims missing in the sum", _softmax_no_keepdims_sum, message="keepdims=True",
         mistake="softmax.keepdims_missing"),
    Case("softmax", "one maximum for the whole array", _softmax_global_shift,
         message="Subtract the maximum along", public=False),
    Case("softmax", "sigmoid instead", lambda z, axis=-1: scipy.special.expit(F(z)), message="sigmoid of each element",
         mistake="softmax.sigmoid_instead"),
    Case("softmax", "np.exp missing", lambda z, axis=-1: F(z) / F(z).sum(axis=axis, keepdims=True),
         message="np.exp is missing", mistake="softmax.exp_missing"),
]

ALTERNATIVES = [
    Case("numerical_derivative", "vectorised", lambda f, x, h=1e-5: _central(f, x, h)),
    Case("numerical_derivative", "one element at a time, in the whole array", _central_one_at_a_time),
    Case("numerical_derivative", "np.subtract, h as a float array",
         lambda f, x, h=1e-5: np.subtract(f(F(x) + np.full(np.shape(x), h)), f(F(x) - h)) / (h + h)),

    Case("identity", "np.array copy", lambda x: np.array(x, dtype=float)),
    Case("identity", "astype", lambda x: np.asarray(x).astype(float)),
    Case("identity", "loop", _loop(lambda v: v)),
    Case("identity_derivative", "np.ones of the shape", lambda x: np.ones(np.shape(x))),
    Case("identity_derivative", "np.full_like", lambda x: np.full_like(F(x), 1.0)),

    Case("binary_step", "np.where", lambda x: np.where(F(x) >= 0, 1.0, 0.0)),
    Case("binary_step", "np.heaviside", lambda x: np.heaviside(F(x), 1.0)),
    Case("binary_step", "comparison as float", lambda x: (A(x) >= 0).astype(float)),
    Case("binary_step", "loop", _loop(lambda v: 1.0 if v >= 0 else 0.0)),
    Case("binary_step_derivative", "zeros", lambda x: np.zeros(np.shape(x))),
    Case("binary_step_derivative", "nan at 0", lambda x: np.where(F(x) == 0, np.nan, 0.0)),
    Case("binary_step_derivative", "a Dirac spike at 0", lambda x: np.where(F(x) == 0, np.inf, 0.0)),

    Case("sigmoid", "stable np.where", lambda x: np.where(F(x) >= 0, 1 / (1 + np.exp(-np.abs(F(x)))),
                                                          np.exp(-np.abs(F(x))) / (1 + np.exp(-np.abs(F(x)))))),
    Case("sigmoid", "scipy.special.expit", lambda x: scipy.special.expit(F(x))),
    Case("sigmoid", "through tanh", lambda x: 0.5 * (1 + np.tanh(F(x) / 2))),
    Case("sigmoid", "logaddexp", lambda x: np.exp(-np.logaddexp(0, -F(x)))),
    Case("sigmoid", "loop with math.exp", _loop(_stable_sigmoid)),
    Case("sigmoid_derivative", "f(1 - f)", lambda x: scipy.special.expit(F(x)) * (1 - scipy.special.expit(F(x)))),
    Case("sigmoid_derivative", "sigmoid(x) sigmoid(-x)",
         lambda x: scipy.special.expit(F(x)) * scipy.special.expit(-F(x))),
    Case("sigmoid_derivative", "through tanh", lambda x: 0.25 * (1 - np.tanh(F(x) / 2) ** 2)),

    Case("tanh", "np.tanh", lambda x: np.tanh(F(x))),
    Case("tanh", "2 sigmoid(2x) - 1", lambda x: 2 * scipy.special.expit(2 * F(x)) - 1),
    Case("tanh", "stable exponentials", lambda x: np.sign(F(x)) * (1 - np.exp(-2 * np.abs(F(x))))
         / (1 + np.exp(-2 * np.abs(F(x))))),
    Case("tanh", "loop with math.tanh", _loop(math.tanh)),
    Case("tanh_derivative", "1 - tanh²", lambda x: 1 - np.tanh(F(x)) ** 2),
    Case("tanh_derivative", "(1 - t)(1 + t)", lambda x: (1 - np.tanh(F(x))) * (1 + np.tanh(F(x)))),
    Case("tanh_derivative", "4 sigmoid(2x) sigmoid(-2x)",
         lambda x: 4 * scipy.special.expit(2 * F(x)) * scipy.special.expit(-2 * F(x))),

    Case("softsign", "formula", lambda x: F(x) / (1 + np.abs(F(x)))),
    Case("softsign", "sign times", lambda x: np.sign(F(x)) * (1 - 1 / (1 + np.abs(F(x))))),
    Case("softsign", "loop", _loop(lambda v: v / (1 + abs(v)))),
    Case("softsign_derivative", "formula", lambda x: 1 / (1 + np.abs(F(x))) ** 2),
    Case("softsign_derivative", "from softsign", lambda x: (1 - np.abs(F(x) / (1 + np.abs(F(x))))) ** 2),
    Case("softsign_derivative", "np.power", lambda x: np.power(1 + np.abs(F(x)), -2.0)),

    Case("sqnl", "np.select", lambda x: _pieces(x, 1.0, _minus, _plus, -1.0)),
    Case("sqnl", "np.piecewise", lambda x: np.piecewise(
        F(x), [F(x) > 2, (F(x) >= 0) & (F(x) <= 2), (F(x) >= -2) & (F(x) < 0), F(x) < -2],
        [1.0, lambda v: v - v ** 2 / 4, lambda v: v + v ** 2 / 4, -1.0])),
    Case("sqnl", "odd symmetry and clipping",
         lambda x: np.where(np.abs(F(x)) > 2, np.sign(F(x)), F(x) - F(x) * np.abs(F(x)) / 4)),
    Case("sqnl", "loop with if/elif", _loop(_sqnl_scalar)),
    Case("sqnl_derivative", "np.clip", lambda x: np.clip(1 - np.abs(F(x)) / 2, 0, None)),
    Case("sqnl_derivative", "np.piecewise", lambda x: np.piecewise(
        F(x), [F(x) > 2, (F(x) >= 0) & (F(x) <= 2), (F(x) >= -2) & (F(x) < 0), F(x) < -2],
        [0.0, lambda v: 1 - v / 2, lambda v: 1 + v / 2, 0.0])),
    Case("sqnl_derivative", "np.where", lambda x: np.where(np.abs(F(x)) <= 2, 1 - np.abs(F(x)) / 2, 0.0)),

    Case("relu", "np.maximum with 0.0", lambda x: np.maximum(x, 0.0)),
    Case("relu", "np.where x > 0", lambda x: np.where(F(x) > 0, F(x), 0.0)),
    Case("relu", "clip", lambda x: F(x).clip(min=0)),
    Case("relu", "(x + |x|) / 2", lambda x: (F(x) + np.abs(F(x))) / 2),
    Case("relu_derivative", "np.heaviside", lambda x: np.heaviside(F(x), 1.0)),
    Case("relu_derivative", "np.where", lambda x: np.where(F(x) < 0, 0.0, 1.0)),
    Case("relu_derivative", "comparison as float", lambda x: (A(x) >= 0).astype(float)),

    Case("leaky_relu", "np.maximum", lambda x: np.maximum(F(x), 0.01 * F(x))),
    Case("leaky_relu", "np.where", lambda x: np.where(F(x) < 0, 0.01 * F(x), F(x))),
    Case("leaky_relu", "positive and negative parts", lambda x: np.maximum(F(x), 0) + 0.01 * np.minimum(F(x), 0)),
    Case("leaky_relu_derivative", "np.where", lambda x: np.where(F(x) >= 0, 1.0, 0.01)),
    Case("leaky_relu_derivative", "arithmetic", lambda x: 0.01 + 0.99 * (A(x) >= 0)),
    Case("leaky_relu_derivative", "loop", _loop(lambda v: 1.0 if v >= 0 else 0.01)),

    Case("prelu", "np.where", lambda x, alpha: np.where(F(x) < 0, alpha * F(x), F(x))),
    Case("prelu", "positive and negative parts", lambda x, alpha: np.maximum(F(x), 0) + alpha * np.minimum(F(x), 0)),
    Case("prelu", "slope times x", lambda x, alpha: F(x) * np.where(F(x) < 0, alpha, 1.0)),
    Case("prelu_derivative", "np.where", lambda x, alpha: np.where(F(x) < 0, alpha, 1.0)),
    Case("prelu_derivative", "arithmetic", lambda x, alpha: alpha + (1 - alpha) * (F(x) >= 0)),
    Case("prelu_derivative", "np.select", lambda x, alpha: np.select([F(x) < 0], [alpha], 1.0)),

    Case("brelu", "np.where with a parity mask", lambda x: np.where(_odd(x), np.minimum(F(x), 0), np.maximum(F(x), 0))),
    Case("brelu", "slicing x[..., 1::2]", _brelu_sliced),
    Case("brelu", "loop over positions", _brelu_loop),
    Case("brelu_derivative", "np.where with a parity mask",
         lambda x: np.where(_odd(x), F(x) <= 0, F(x) >= 0).astype(float)),
    Case("brelu_derivative", "slicing x[..., 1::2]", _brelu_slope_sliced),

    Case("softmax", "max shift with keepdims", lambda z, axis=-1: np.exp(F(z) - F(z).max(axis, keepdims=True))
         / np.exp(F(z) - F(z).max(axis, keepdims=True)).sum(axis, keepdims=True)),
    Case("softmax", "scipy.special.softmax", lambda z, axis=-1: scipy.special.softmax(F(z), axis=axis)),
    Case("softmax", "logsumexp", lambda z, axis=-1: np.exp(F(z) - scipy.special.logsumexp(F(z), axis, keepdims=True))),
    Case("softmax", "np.apply_along_axis", lambda z, axis=-1: np.apply_along_axis(_softmax_1d, axis, F(z))),
]
