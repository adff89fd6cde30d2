"""Hidden checks for 01-neurons: questions for the kernel, judged here."""
import numpy as np

from autograder.judging.answered import against_reference, calls, matching
from autograder.judging.questions import Check
from autograder.judging.reference import reference
from course.answering.wire import Function
from course.checking import CheckFailed, expect_answered
from course.checks import neurons as public

ACTIVATIONS = [Function("step"), Function("tanh"), Function("affine")]
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOT": [1, 0]}


def _ref():
    return reference("01-neurons")


def _samples(rng):
    yield [1.0, -2.0, 0.5], [0.3, 0.1, -0.7], 0.2                      # lists
    yield np.array([1, 0, 1]), np.array([2, -1, 3]), -1                 # integers
    yield np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.25             # the public check's case
    for n in (1, 4, 9):
        yield rng.normal(size=n), rng.normal(size=n), float(rng.normal())
    for m, n in ((1, 3), (5, 2), (8, 6)):
        yield rng.normal(size=(m, n)), rng.normal(size=n), float(rng.normal())


def weighted_sum_mistakes(x, w, b):
    """What the classic mistakes return, by mistake id (``public.MISTAKES`` has their diagnoses)."""
    products = np.asarray(x, float) * np.asarray(w, float)
    return {"weighted_sum.bias_missing": products.sum(axis=-1),
            "weighted_sum.bias_per_input": np.sum(products + b, axis=-1)}


def neuron_mistakes(x, w, b, activation):
    x, w = np.asarray(x, float), np.asarray(w, float)
    return {"neuron.activation_missing": x @ w + b,
            "neuron.activation_on_inputs": np.asarray(activation(x), float) @ w + b}


def xor_mistakes(x):
    x = np.asarray(x)
    return {"xor.or_gate": x.max(axis=1), "xor.nand_gate": 1 - x.min(axis=1),
            "xor.inverted": 1 - np.abs(x[:, 0] - x[:, 1])}


def layer_mistakes(x, W, b, activation):
    z = np.asarray(x, float) @ np.asarray(W, float)
    return {"layer.bias_missing": activation(z), "layer.activation_missing": z + b}



def _judge_weighted_sum(questions, records):
    against_reference(questions, records, _ref().weighted_sum, require_float=False,
                      mistakes=weighted_sum_mistakes, diagnosed=public.diagnosed)


def _ask_neuron(rng):
    """The neuron on each sample; a neuron built on weighted_sum gets the reference's weighted sums,
    so a mistake there costs weighted_sum's points only."""
    samples = list(_samples(rng))
    sums = Function("weighted_sum", table=[((x, w, b), _ref().weighted_sum(x, w, b)) for x, w, b in samples])
    return calls("neuron", [(x, w, b, f) for f in ACTIVATIONS for x, w, b in samples], globals={"weighted_sum": sums})


def _judge_neuron(questions, records):
    against_reference(questions, records, _ref().neuron, require_float=False,
                      mistakes=neuron_mistakes, diagnosed=public.diagnosed)


def _gate(name):
    """A gate's weights and bias, asked as values and judged on the gate's whole truth table."""
    def ask(rng):
        return [{"call": "value", "subject": 0}, {"call": "value", "subject": 1}]

    def judge(questions, records):
        weights, bias = matching(questions, records)
        truth_table(name, expect_answered(weights, f"{name}_W"), expect_answered(bias, f"{name}_B"))
    return Check(ask, judge)


def truth_table(name, w, b):
    """The gate's weights and bias reproduce its whole truth table with a step neuron."""
    if w is None or b is None:
        raise NotImplementedError(f"{name}_W and {name}_B are still None: set them in the cell above.")
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]) if name != "NOT" else np.array([[0], [1]])
    if not isinstance(w, (np.ndarray, list, tuple)) or np.shape(w) != (inputs.shape[1],):
        raise CheckFailed(f"{name}_W has shape {np.shape(w)}; {name} takes {inputs.shape[1]} "
                          f"input(s), so it needs {inputs.shape[1]} weight(s).")
    if not isinstance(b, (int, float, np.number, np.ndarray)) or np.ndim(b) != 0:
        raise CheckFailed(f"{name}_B has shape {np.shape(b)}; the bias of one neuron is a single number.")
    got = _ref().neuron(inputs, np.asarray(w, float), float(b), _ref().step)
    for row, out, want in zip(inputs, got, GATES[name], strict=False):
        if out != want:
            raise CheckFailed(f"{name}_W = {list(np.asarray(w, float))}, {name}_B = {b} give {out:g} "
                              f"for input {tuple(int(v) for v in row)}; {name} gives {want} there.")


def _ask_xor(rng):
    cases = [(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]),)]
    cases += [(rng.integers(0, 2, size=(m, 2)),) for m in (1, 7, 20)]
    return calls("xor", cases)


def _judge_xor(questions, records):
    against_reference(questions, records, _ref().xor, require_float=False,
                      mistakes=xor_mistakes, diagnosed=public.diagnosed)


def _ask_layer(rng):
    cases = []
    for m, n_in, n_out in ((1, 2, 3), (4, 3, 1), (6, 5, 4)):
        for activation in (Function("identity"), Function("tanh"), Function("step")):
            cases.append((rng.normal(size=(m, n_in)), rng.normal(size=(n_in, n_out)),
                          rng.normal(size=n_out), activation))
    cases.append((rng.normal(size=3), rng.normal(size=(3, 2)), rng.normal(size=2), Function("tanh")))  # one sample
    return calls("layer", cases)


def _judge_layer(questions, records):
    against_reference(questions, records, _ref().layer, require_float=False,
                      mistakes=layer_mistakes, diagnosed=public.diagnosed)


CHECKS = {
    "test_weighted_sum": Check(lambda rng: calls("weighted_sum", _samples(rng)), _judge_weighted_sum),
    "test_neuron": Check(_ask_neuron, _judge_neuron),
    "test_and_gate": _gate("AND"),
    "test_or_gate": _gate("OR"),
    "test_nand_gate": _gate("NAND"),
    "test_not_gate": _gate("NOT"),
    "test_xor": Check(_ask_xor, _judge_xor),
    "test_layer": Check(_ask_layer, _judge_layer),
}
