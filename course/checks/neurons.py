"""Public checks for 01-neurons: small cases you can verify by hand."""
import numpy as np

from course.checking import (
    CheckFailed,
    call,
    expect_array,
    expect_equal,
    learner_facing,
    passed,
    require_defined,
    signature,
)

TRUTH_TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}


def weighted_sum_mistakes(x, w, b):
    """What the classic mistakes return, keyed by their diagnosis."""
    products = np.asarray(x, float) * np.asarray(w, float)
    return {"The bias b is missing.": products.sum(axis=-1),
            "The bias is added once per input; a neuron adds it once.": np.sum(products + b, axis=-1)}


def neuron_mistakes(x, w, b, activation):
    z = np.asarray(x, float) @ np.asarray(w, float)
    return {"The activation was not applied.": z + b,
            "The activation was applied to the inputs before the weighted sum.":
                np.asarray(activation(np.asarray(x, float)), float) @ np.asarray(w, float) + b}


def xor_mistakes(x):
    x = np.asarray(x)
    return {"That is OR: XOR gives 0 when both inputs are 1.": x.max(axis=1),
            "That is NAND: XOR gives 0 when both inputs are 0.": 1 - x.min(axis=1),
            "The output is inverted (XNOR).": 1 - np.abs(x[:, 0] - x[:, 1])}


def layer_mistakes(x, W, b, activation):
    z = np.asarray(x, float) @ np.asarray(W, float)
    return {"The bias b is missing.": activation(z), "The activation was not applied.": z + b}


@learner_facing
def weighted_sum(weighted_sum):
    w = np.array([0.5, -1.0])
    for x, expected in ((np.array([1.0, 2.0]), -1.25), (np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 1.0]]), [-1.25, 0.25, -1.25])):
        got = call(weighted_sum, x, w, 0.25)
        expect_array(got, expected, signature("weighted_sum", [x, w, 0.25]), require_float=False,
                     mistakes=weighted_sum_mistakes(x, w, 0.25))
    passed("weighted_sum")


@learner_facing
def neuron(neuron):
    x, w = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    got = call(neuron, x, w, 0.25, np.tanh)
    expect_array(got, np.tanh(-1.25), "neuron([1, 2], [0.5, -1], 0.25, np.tanh)",
                 mistakes=neuron_mistakes(x, w, 0.25, np.tanh))
    step = lambda z: np.where(np.asarray(z) >= 0, 1.0, 0.0)  # noqa: E731 - the notebook's step
    got = call(neuron, TRUTH_TABLE, np.array([1.0, 1.0]), -1.5, step)
    expect_array(got, [0, 0, 0, 1], "neuron(truth table, [1, 1], -1.5, step)", require_float=False)
    passed("neuron")


@learner_facing
def gate(name, w, b):
    truth_table(name, w, b)
    passed(name)


def truth_table(name, w, b):
    """The gate's weights and bias reproduce its whole truth table with a step neuron."""
    require_defined(f"{name}_W", w)
    require_defined(f"{name}_B", b)
    inputs = TRUTH_TABLE if name != "NOT" else np.array([[0], [1]])
    expected = GATES.get(name, [1, 0])
    if np.shape(w) != (inputs.shape[1],):
        raise CheckFailed(f"{name}_W has shape {np.shape(w)}; {name} takes {inputs.shape[1]} "
                          f"input(s), so it needs {inputs.shape[1]} weight(s).")
    if np.ndim(b) != 0:
        raise CheckFailed(f"{name}_B has shape {np.shape(b)}; the bias of one neuron is a single number.")
    got = np.where(inputs @ np.asarray(w, float) + b >= 0, 1, 0)  # neuron(x, w, b, step)
    for row, out, want in zip(inputs, got, expected):
        if out != want:
            raise CheckFailed(f"{name}_W = {list(np.asarray(w, float))}, {name}_B = {b} give {out:g} "
                              f"for input {tuple(int(v) for v in row)}; {name} gives {want} there.")


@learner_facing
def xor(xor):
    got = call(xor, TRUTH_TABLE)
    expect_equal(np.asarray(got).shape, (4,), "the shape of xor(truth table)")
    expect_array(got, [0, 1, 1, 0], signature("xor", [TRUTH_TABLE]), require_float=False,
                 mistakes=xor_mistakes(TRUTH_TABLE))
    passed("xor")


@learner_facing
def layer(layer):
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 2.0]])
    b = np.array([0.0, -1.0, 0.5])
    identity = lambda z: z  # noqa: E731
    got = call(layer, x, W, b, identity)
    expect_array(got, [[2.0, 1.0, 3.5]], "layer([[1, 2]], W (2, 3), b (3,), identity)",
                 mistakes=layer_mistakes(x, W, b, identity))
    got = call(layer, x, W, b, np.tanh)
    expect_array(got, np.tanh([[2.0, 1.0, 3.5]]), "layer([[1, 2]], W, b, np.tanh)",
                 mistakes=layer_mistakes(x, W, b, np.tanh))
    passed("layer")
