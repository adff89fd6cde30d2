"""Hidden tests for 02-activations."""
import numpy as np

from course.checking import learner_facing
from course.checks import activations as public

from ..reference import reference
from .common import against_reference, elementwise_inputs, tolerance_for

SEED = 202


def _ref():
    return reference("02-activations")


def _elementwise(fn, name, seed, *, alpha=None, inputs=None, **compare):
    """Compare ``fn`` with the reference on the contract's inputs (``alpha`` for PReLU)."""
    ref = getattr(_ref(), name)
    extra = () if alpha is None else (alpha,)
    for x in inputs if inputs is not None else elementwise_inputs(seed):
        args = (x,) + extra
        rtol, atol = tolerance_for(x)
        public.compare(fn, args, ref(*args), name, x=x, mistakes=getattr(public, f"{name}_mistakes"),
                       rtol=rtol, atol=atol, **compare)


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


@learner_facing
def identity(identity):
    _elementwise(identity, "identity", SEED)


@learner_facing
def identity_derivative(identity_derivative):
    _elementwise(identity_derivative, "identity_derivative", SEED + 1)


@learner_facing
def binary_step(binary_step):
    _elementwise(binary_step, "binary_step", SEED + 2, regions=public.SIGNS)


@learner_facing
def binary_step_derivative(binary_step_derivative):
    _elementwise(binary_step_derivative, "binary_step_derivative", SEED + 3, regions=public.SIGNS,
                 ungraded=lambda x: x == 0)  # the table's "?": any value at exactly 0 is accepted


@learner_facing
def sigmoid(sigmoid):
    _elementwise(sigmoid, "sigmoid", SEED + 4)


@learner_facing
def sigmoid_derivative(sigmoid_derivative):
    _elementwise(sigmoid_derivative, "sigmoid_derivative", SEED + 5)


@learner_facing
def tanh(tanh):
    _elementwise(tanh, "tanh", SEED + 6)


@learner_facing
def tanh_derivative(tanh_derivative):
    _elementwise(tanh_derivative, "tanh_derivative", SEED + 7)


@learner_facing
def softsign(softsign):
    _elementwise(softsign, "softsign", SEED + 8)


@learner_facing
def softsign_derivative(softsign_derivative):
    _elementwise(softsign_derivative, "softsign_derivative", SEED + 9)


@learner_facing
def sqnl(sqnl):
    _elementwise(sqnl, "sqnl", SEED + 10, inputs=_with_boundaries(SEED + 10), regions=public.SQNL_PIECES)


@learner_facing
def sqnl_derivative(sqnl_derivative):
    _elementwise(sqnl_derivative, "sqnl_derivative", SEED + 11, inputs=_with_boundaries(SEED + 11),
                 regions=public.SQNL_PIECES)


@learner_facing
def relu(relu):
    _elementwise(relu, "relu", SEED + 12, regions=public.SIGNS)


@learner_facing
def relu_derivative(relu_derivative):
    _elementwise(relu_derivative, "relu_derivative", SEED + 13, regions=public.SIGNS)


@learner_facing
def leaky_relu(leaky_relu):
    _elementwise(leaky_relu, "leaky_relu", SEED + 14, regions=public.SIGNS)


@learner_facing
def leaky_relu_derivative(leaky_relu_derivative):
    _elementwise(leaky_relu_derivative, "leaky_relu_derivative", SEED + 15, regions=public.SIGNS)


@learner_facing
def prelu(prelu):
    for k, alpha in enumerate((0.25, 0.0, 1.5, -0.5)):
        _elementwise(prelu, "prelu", SEED + 16 + k, alpha=alpha, regions=public.SIGNS)


@learner_facing
def prelu_derivative(prelu_derivative):
    for k, alpha in enumerate((0.25, 0.0, 1.5, -0.5)):
        _elementwise(prelu_derivative, "prelu_derivative", SEED + 20 + k, alpha=alpha, regions=public.SIGNS)


@learner_facing
def brelu(brelu):
    _elementwise(brelu, "brelu", SEED + 24, inputs=_with_positions(SEED + 24), regions=public.BRELU_PLACES)


@learner_facing
def brelu_derivative(brelu_derivative):
    _elementwise(brelu_derivative, "brelu_derivative", SEED + 25, inputs=_with_positions(SEED + 25),
                 regions=public.BRELU_PLACES)


def _softmax_cases(seed):
    rng = np.random.default_rng(seed)
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


@learner_facing
def softmax(softmax):
    for args in _softmax_cases(SEED + 26):
        rtol, atol = tolerance_for(*args)
        public.compare(softmax, args, _ref().softmax(*args), "softmax", mistakes=public.softmax_mistakes,
                       rtol=rtol, atol=atol)


def _derivative_cases(seed):
    ref, rng = _ref(), np.random.default_rng(seed)
    yield public.cube, np.array([-1.0, 0.0, 2.0]), 0.5
    yield public.cube, [[-2.0, 1.0], [0.5, 3.0]], 0.1                 # a list of lists
    yield np.sin, np.arange(-3, 4), 1e-3                              # integers
    yield np.exp, rng.normal(size=(3, 4)), 0.01
    yield np.sin, 0.3                                                 # a scalar, default h
    yield ref.sigmoid, rng.normal(0.0, 3.0, size=8)
    away_from_zero = rng.choice([-1.0, 1.0], size=(2, 5)) * rng.uniform(0.5, 3.0, size=(2, 5))
    yield ref.brelu, away_from_zero, 0.1                              # depends on the position
    yield public.alternating, rng.normal(size=7), 0.25


@learner_facing
def numerical_derivative(numerical_derivative):
    against_reference(numerical_derivative, _ref().numerical_derivative,
                      _derivative_cases(SEED + 27), "numerical_derivative",
                      mistakes=public.numerical_derivative_mistakes, atol=1e-7)
