"""Hidden tests for 01-neurons."""
import numpy as np

from course.checking import learner_facing
from course.checks import neurons as public

from ..reference import reference
from .common import against_reference

SEED = 101


def _ref():
    return reference("01-neurons")


def _samples(seed):
    rng = np.random.default_rng(seed)
    yield [1.0, -2.0, 0.5], [0.3, 0.1, -0.7], 0.2                      # lists
    yield np.array([1, 0, 1]), np.array([2, -1, 3]), -1                 # integers
    for n in (1, 4, 9):
        yield rng.normal(size=n), rng.normal(size=n), float(rng.normal())
    for m, n in ((1, 3), (5, 2), (8, 6)):
        yield rng.normal(size=(m, n)), rng.normal(size=n), float(rng.normal())


@learner_facing
def weighted_sum(weighted_sum):
    against_reference(weighted_sum, _ref().weighted_sum, _samples(SEED), "weighted_sum",
                      require_float=False, mistakes=public.weighted_sum_mistakes)


@learner_facing
def neuron(neuron):
    ref = _ref()
    for activation in (ref.step, np.tanh, lambda z: 2 * z - 1):
        cases = ((x, w, b, activation) for x, w, b in _samples(SEED + 1))
        against_reference(neuron, ref.neuron, cases, "neuron", require_float=False,
                          mistakes=public.neuron_mistakes)


@learner_facing
def gate(name, w, b):
    public.truth_table(name, w, b)  # the truth table is the whole domain: the public check is complete


@learner_facing
def xor(xor):
    rng = np.random.default_rng(SEED + 2)
    cases = [(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]),)]
    cases += [(rng.integers(0, 2, size=(m, 2)),) for m in (1, 7, 20)]
    against_reference(xor, _ref().xor, cases, "xor", require_float=False, mistakes=public.xor_mistakes)


@learner_facing
def layer(layer):
    ref = _ref()
    rng = np.random.default_rng(SEED + 3)
    cases = []
    for m, n_in, n_out in ((1, 2, 3), (4, 3, 1), (6, 5, 4)):
        for activation in (lambda z: z, np.tanh, ref.step):
            cases.append((rng.normal(size=(m, n_in)), rng.normal(size=(n_in, n_out)),
                          rng.normal(size=n_out), activation))
    cases.append((rng.normal(size=3), rng.normal(size=(3, 2)), rng.normal(size=2), np.tanh))  # one sample
    against_reference(layer, ref.layer, cases, "layer", require_float=False, mistakes=public.layer_mistakes)
