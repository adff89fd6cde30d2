"""Public checks for 01-neurons: small cases you can verify by hand."""
import numpy as np

from course.checking import (
    CheckFailed,
    call,
    diagnoses,
    expect_array,
    expect_equal,
    learner_facing,
    passed,
    require_defined,
    signature,
)

TRUTH_TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}

# The diagnosis of each classic mistake, by id "<function>.<what>" (the hidden checks and the catalogue name them too).
_BIAS_MISSING = "The bias b is missing."
_NO_ACTIVATION = "The activation was not applied."
MISTAKES = {
    "weighted_sum.bias_missing": _BIAS_MISSING,
    "weighted_sum.bias_per_input": "The bias is added once per input; a neuron adds it once.",
    "neuron.activation_missing": _NO_ACTIVATION,
    "neuron.activation_on_inputs": "The activation was applied to the inputs before the weighted sum.",
    "xor.or_gate": "That is OR: XOR gives 0 when both inputs are 1.",
    "xor.nand_gate": "That is NAND: XOR gives 0 when both inputs are 0.",
    "xor.inverted": "The output is inverted (XNOR).",
    "layer.bias_missing": _BIAS_MISSING,
    "layer.activation_missing": _NO_ACTIVATION,
}


def diagnosed(outputs):
    """{diagnosis: output} for {mistake id: output}: ``mistakes`` for ``expect_array``."""
    return diagnoses(MISTAKES, outputs)


@learner_facing
def weighted_sum(weighted_sum):
    w = np.array([0.5, -1.0])
    cases = [(np.array([1.0, 2.0]), -1.25, -1.5, -1.0),  # x, expected, without the bias, bias per input
             (np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 1.0]]), [-1.25, 0.25, -1.25], [-1.5, 0.0, -1.5],
              [-1.0, 0.5, -1.0])]
    for x, expected, no_bias, bias_per_input in cases:
        got = call(weighted_sum, x, w, 0.25)
        expect_array(got, expected, signature("weighted_sum", [x, w, 0.25]), require_float=False,
                     mistakes=diagnosed({"weighted_sum.bias_missing": no_bias,
                                                   "weighted_sum.bias_per_input": bias_per_input}))
    passed("weighted_sum")


@learner_facing
def neuron(neuron):
    x, w = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    got = call(neuron, x, w, 0.25, np.tanh)
    expect_array(got, np.tanh(-1.25), "neuron([1, 2], [0.5, -1], 0.25, np.tanh)",
                 mistakes=diagnosed({
                     "neuron.activation_missing": -1.25,
                     "neuron.activation_on_inputs": 0.5 * np.tanh(1.0) - np.tanh(2.0) + 0.25}))
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
    for row, out, want in zip(inputs, got, expected, strict=False):
        if out != want:
            raise CheckFailed(f"{name}_W = {list(np.asarray(w, float))}, {name}_B = {b} give {out:g} "
                              f"for input {tuple(int(v) for v in row)}; {name} gives {want} there.")


@learner_facing
def xor(xor):
    got = call(xor, TRUTH_TABLE)
    expect_equal(np.asarray(got).shape, (4,), "the shape of xor(truth table)")
    expect_array(got, [0, 1, 1, 0], signature("xor", [TRUTH_TABLE]), require_float=False,
                 mistakes=diagnosed({"xor.or_gate": [0, 1, 1, 1], "xor.nand_gate": [1, 1, 1, 0],
                                               "xor.inverted": [1, 0, 0, 1]}))
    passed("xor")


@learner_facing
def layer(layer):
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 2.0]])
    b = np.array([0.0, -1.0, 0.5])
    identity = lambda z: z  # noqa: E731
    got = call(layer, x, W, b, identity)
    expect_array(got, [[2.0, 1.0, 3.5]], "layer([[1, 2]], W (2, 3), b (3,), identity)",
                 mistakes=diagnosed({"layer.bias_missing": [[2.0, 2.0, 3.0]]}))
    got = call(layer, x, W, b, np.tanh)
    expect_array(got, np.tanh([[2.0, 1.0, 3.5]]), "layer([[1, 2]], W, b, np.tanh)",
                 mistakes=diagnosed({"layer.bias_missing": np.tanh([[2.0, 2.0, 3.0]]),
                                               "layer.activation_missing": [[2.0, 1.0, 3.5]]}))
    passed("layer")
