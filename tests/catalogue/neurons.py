"""Mistakes and alternatives for 01-neurons."""
import numpy as np

from . import Case

A = np.asarray


def _step(z):
    return np.where(A(z) >= 0, 1.0, 0.0)


def _gate(x, w, b):
    return _step(A(x, float) @ A(w, float) + b)


MUTANTS = [
    Case("weighted_sum", "bias forgotten", lambda x, w, b: A(x, float) @ A(w, float), message="bias b is missing",
         mistake="weighted_sum.bias_missing"),
    Case("weighted_sum", "elementwise product, no sum", lambda x, w, b: A(x, float) * A(w, float) + b,
         message="shape"),
    Case("weighted_sum", "bias added per input", lambda x, w, b: np.sum(A(x, float) * A(w, float) + b, axis=-1),
         message="once per input", mistake="weighted_sum.bias_per_input"),
    Case("weighted_sum", "returns a list", lambda x, w, b: list(np.atleast_1d(A(x, float) @ A(w, float) + b)),
         message="list"),
    Case("neuron", "activation ignored", lambda x, w, b, f: A(x, float) @ A(w, float) + b,
         message="activation was not applied", mistake="neuron.activation_missing"),
    Case("neuron", "activation on the inputs", lambda x, w, b, f: A(f(A(x, float)), float) @ A(w, float) + b,
         message="before the weighted sum", mistake="neuron.activation_on_inputs"),
    Case("neuron", "bias inside the activation forgotten", lambda x, w, b, f: f(A(x, float) @ A(w, float)),
         message="expected"),
    Case("gate", "OR weights for AND", args=("AND", A([1.0, 1.0]), -0.5), message="for input (0, 1)"),
    Case("gate", "AND bias too low: three of four rows", args=("AND", A([1.0, 1.0]), -2.5), message="(1, 1)"),
    Case("gate", "AND as a scalar weight", args=("AND", 1.0, -1.5), message="shape"),
    Case("gate", "NAND without negated weights", args=("NAND", A([1.0, 1.0]), 1.5), message="(1, 1)"),
    Case("gate", "NOT with two weights", args=("NOT", A([-1.0, -1.0]), 0.5), message="needs 1 weight"),
    Case("gate", "OR bias as an array", args=("OR", A([1.0, 1.0]), A([-0.5, -0.5])), message="single number"),
    Case("xor", "OR instead of XOR", lambda x: A(x).max(axis=1), message="That is OR", mistake="xor.or_gate"),
    Case("xor", "NAND instead of XOR", lambda x: 1 - A(x).min(axis=1), message="That is NAND", mistake="xor.nand_gate"),
    Case("xor", "XNOR", lambda x: 1 - np.abs(A(x)[:, 0] - A(x)[:, 1]), message="inverted", mistake="xor.inverted"),
    Case("xor", "column vector", lambda x: (A(x)[:, :1] != A(x)[:, 1:]).astype(float), message="shape"),
    Case("xor", "hidden layer only (OR)", lambda x: _gate(x, [1, 1], -0.5), message="OR", mistake="xor.or_gate"),
    Case("layer", "bias forgotten", lambda x, W, b, f: f(A(x, float) @ A(W, float)), message="bias b is missing",
         mistake="layer.bias_missing"),
    Case("layer", "activation ignored", lambda x, W, b, f: A(x, float) @ A(W, float) + b,
         message="activation was not applied", mistake="layer.activation_missing"),
    Case("layer", "W transposed", lambda x, W, b, f: f(A(x, float) @ A(W, float).T + b), message="raised"),
    Case("layer", "one neuron only", lambda x, W, b, f: f(A(x, float) @ A(W, float)[:, 0] + b[0]), message="shape"),
]

ALTERNATIVES = [
    Case("weighted_sum", "np.dot", lambda x, w, b: np.dot(x, w) + b),
    Case("weighted_sum", "sum of products", lambda x, w, b: np.sum(A(x, float) * A(w, float), axis=-1) + b),
    Case("weighted_sum", "einsum", lambda x, w, b: np.einsum("...i,i->...", A(x, float), A(w, float)) + b),
    Case("neuron", "inline", lambda x, w, b, f: f(np.dot(x, w) + b)),
    Case("neuron", "matmul", lambda x, w, b, f: f(A(x, float) @ A(w, float) + b)),
    Case("gate", "AND with larger weights", args=("AND", A([2.0, 2.0]), -3.0)),
    Case("gate", "AND on the boundary", args=("AND", A([1.0, 1.0]), -2.0)),
    Case("gate", "OR from lists", args=("OR", [1, 1], -1)),
    Case("gate", "OR scaled", args=("OR", A([3.0, 3.0]), -1.0)),
    Case("gate", "NAND", args=("NAND", A([-2.0, -2.0]), 3.0)),
    Case("gate", "NAND on the boundary", args=("NAND", A([-1.0, -1.0]), 1.0)),
    Case("gate", "NOT", args=("NOT", A([-2.0]), 1.0)),
    Case("gate", "NOT as a list", args=("NOT", [-1], 0)),
    Case("xor", "gates", lambda x: _gate(np.stack([_gate(x, [1, 1], -0.5), _gate(x, [-1, -1], 1.5)], 1), [1, 1], -1.5)),
    Case("xor", "integer arithmetic", lambda x: (A(x)[:, 0] != A(x)[:, 1]).astype(int)),
    Case("layer", "np.dot", lambda x, W, b, f: f(np.dot(x, W) + b)),
    Case("layer", "one neuron per column", lambda x, W, b, f: f(np.stack(
        [A(x, float) @ A(W, float)[:, j] + b[j] for j in range(A(W).shape[1])], axis=-1))),
]
