"""Public checks for 04-layers: small cases you can verify by hand.

Every expected value below, and what each known mistake returns for the same input, is
written out as a number; the graded version (compared with Keras) has the formulas.
"""
import numpy as np

from course.checking import (
    CheckFailed,
    call,
    describe,
    diagnoses,
    expect_array,
    learner_facing,
    passed,
    require_defined,
    signature,
)

# The kernels of https://setosa.io/ev/image-kernels/ (Victor Powell), plus the box blur.
SETOSA = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "blur": [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "top_sobel": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "bottom_sobel": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "left_sobel": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "right_sobel": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "box_blur": [[1 / 9] * 3] * 3,
}
CORE_KERNELS = ("top_sobel", "left_sobel")          # the core task; the other eight are a stretch task
MORE_KERNELS = tuple(name for name in SETOSA if name not in CORE_KERNELS)
OPPOSITE = {"top_sobel": "bottom_sobel", "bottom_sobel": "top_sobel",
            "left_sobel": "right_sobel", "right_sobel": "left_sobel"}

# ---------------------------------------------------------------- the diagnoses of known mistakes
# By mistake id "<function>.<what>": the hand cases below, the hidden checks and the catalogue name them.

_STRIDE_IGNORED = "The stride was ignored: move the window `stride` pixels at a time."
_EXTRA_FIRST_SHORT = "The odd padding row/column went to the top/left; TensorFlow puts it at the bottom/right."
_POOL_STRIDE_ONE = ("The stride defaulted to 1: stride=None means stride = pool_size, so that the windows do not "
                    "overlap.")
_POOL_NOT_PADDED = ("That is the 'valid' result: with padding='same', the windows reach over the edge (ceil(n / "
                    "stride) of them).")
_POOL_PADDED = ("That is the 'same' result: 'valid' drops the cells that do not fill a whole window (floor((n - k) / "
                "stride) + 1 windows).")
_POOL_STRIDE_IGNORED = "The stride was ignored: the windows move `stride` cells at a time."
MISTAKES = {
    "dense.bias_missing": "The bias b is missing.",
    "dense.activation_before_bias": "The activation was applied before adding the bias; add b first, then apply it.",
    "dense.transposed": "W is used transposed: Keras stores the kernel as (n_in, n_out), so compute x @ W.",
    "dense.activation_missing": "The activation was not applied.",
    "dense_params.biases_missing": "The biases are missing: each of the n_out neurons has one bias.",
    "dense_params.bias_per_input": "One bias per input; a bias belongs to each neuron (output).",
    "dense_params.no_matrix": "The weights form a matrix: each of the n_in inputs connects to each of the n_out "
        "neurons.",
    "conv_output_size.same_rounded_down": "Rounded down: 'same' keeps a window for every stride-th position, including "
        "a last partial one, so the size is ceil(n / stride).",
    "conv_output_size.same_stride_ignored": "The stride was ignored: 'same' gives ceil(n / stride), which is n only "
        "for stride 1.",
    "conv_output_size.same_symmetric_padding": "That formula assumes symmetric padding (k - 1) // 2 on both sides, "
        "which is wrong for even kernels; TensorFlow's 'same' size is simply ceil(n / stride).",
    "conv_output_size.valid_rounded_up": "Rounded up: 'valid' only keeps windows that fit entirely inside, so round "
        "down: floor((n - k) / stride) + 1.",
    "conv_output_size.valid_plus_one_missing": "The + 1 is missing: the first window sits at position 0.",
    "conv_output_size.valid_stride_ignored":
        "The stride was ignored: with stride s the window moves s cells at a time.",
    "conv_output_size.valid_is_same": "That is the 'same' size; 'valid' uses no padding.",
    "conv2d.kernel_flipped": "The kernel is flipped: that is the mathematical convolution (scipy.signal.convolve2d). A "
        "CNN computes the cross-correlation: multiply each pixel by the kernel entry at the same position, no flip.",
    "conv2d.padding_ignores_stride": "The padding ignores the stride: the total is max((out - 1) * stride + k - n, 0) "
        "with out = ceil(n / stride), not k - 1.",
    "conv2d.extra_padding_first": "The odd padding row/column went to the top/left; TensorFlow puts it at the "
        "bottom/right (before = total // 2, after = total - before).",
    "conv2d.not_padded": "That is the 'valid' result: with padding='same', pad the image with zeros first.",
    "conv2d.padded": "That is the 'same' result: 'valid' adds no padding, so the output shrinks.",
    "conv2d.zeros_like_image": "The output has the image's shape, but 'valid' makes it smaller: make it "
        "np.zeros((out_h, out_w)) with conv_output_size, not np.zeros_like(image).",
    "conv2d.stride_ignored": _STRIDE_IGNORED,
    "conv2d_layer.bias_missing": "The bias is missing: add bias[f] to every value of feature map f.",
    "conv2d_layer.kernels_flipped": "The kernels are flipped: that is the mathematical convolution; a CNN uses the "
        "kernel as is.",
    "conv2d_layer.channels_first": "The output is channels-first (m, c_out, H', W'); Keras is channels-last (m, H', "
        "W', c_out): stack the feature maps along the last axis.",
    "conv2d_layer.first_channel_only": "Only the first input channel was used: each filter sums its responses over all "
        "input channels.",
    "conv2d_layer.channels_averaged": "The input channels were averaged; a filter adds up its responses over the input "
        "channels.",
    "conv2d_layer.bias_per_channel": "The bias was added once per input channel; each filter adds its bias once.",
    "conv2d_layer.channels_kept_apart": "Each filter's responses per input channel were kept apart (c_in * c_out "
        "maps); add them up over the input channels instead.",
    "conv2d_layer.extra_padding_first": _EXTRA_FIRST_SHORT,
    "conv2d_layer.stride_ignored": _STRIDE_IGNORED,
    "conv_params.biases_missing": "The biases are missing: each filter (output channel) has one bias.",
    "conv_params.channels_missing": "The input channels are missing: each filter has one kh × kw kernel per input "
        "channel.",
    "conv_params.bias_per_channel": "One bias per input channel; a bias belongs to each filter (output channel).",
    "conv_params.bias_per_slice": "One bias per kernel slice; each filter has a single bias.",
    "max_pool2d.stride_one": _POOL_STRIDE_ONE,
    "max_pool2d.zero_padding": "The padding cells were zeros that took part in the max: where a window at the edge "
        "holds only negative values, the max became 0. Padding cells must not count (pad with -np.inf).",
    "max_pool2d.extra_padding_first": _EXTRA_FIRST_SHORT,
    "max_pool2d.not_padded": _POOL_NOT_PADDED,
    "max_pool2d.padded": _POOL_PADDED,
    "max_pool2d.stride_ignored": _POOL_STRIDE_IGNORED,
    "avg_pool2d.stride_one": _POOL_STRIDE_ONE,
    "avg_pool2d.zero_padding": "The padding zeros were counted in the average: Keras divides each window's sum by the "
        "number of real (not padded) cells in it.",
    "avg_pool2d.extra_padding_first": _EXTRA_FIRST_SHORT,
    "avg_pool2d.not_padded": _POOL_NOT_PADDED,
    "avg_pool2d.padded": _POOL_PADDED,
    "avg_pool2d.stride_ignored": _POOL_STRIDE_IGNORED,
}


def diagnosed(outputs):
    """{diagnosis: output} for {mistake id: output}: ``mistakes`` for ``expect_array``."""
    return diagnoses(MISTAKES, outputs)


# ---------------------------------------------------------------- comparing outputs

def expect_output(got, expected, where, mistakes=None, **tolerances):
    """``expect_array``; a wrong shape that a known mistake produces gets that mistake's diagnosis.

    A mistake whose output is all NaN stands for any output of that shape.
    """
    expected = np.asarray(expected)
    if isinstance(got, np.ndarray) and got.shape != expected.shape and np.issubdtype(got.dtype, np.number):
        same_shape = {m: np.asarray(w, float) for m, w in (mistakes or {}).items() if np.shape(w) == got.shape}
        exact = [m for m, w in same_shape.items() if np.allclose(got, w, rtol=1e-5, atol=1e-6)]
        any_values = [m for m, w in same_shape.items() if np.isnan(w).all()]
        if exact or any_values:
            raise CheckFailed(f"{where} returned shape {got.shape}; expected shape {expected.shape}. "
                              + (exact or any_values)[0], (exact or any_values)[0])
    return expect_array(got, expected, where, mistakes=mistakes, **tolerances)


def expect_count(got, expected, where, mistakes=None):
    """A whole number (Python or NumPy int) equal to ``expected``, else the matching diagnosis."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        if isinstance(got, (float, np.floating)) and float(got) == expected:
            raise CheckFailed(f"{where} returned {got!r}, a float; a size or a count is a whole number "
                              f"(expected {expected}): return an int, e.g. int(...) or integer division //.")
        raise CheckFailed(f"{where} returned {_describe(got)}; expected the whole number {expected}.")
    if got != expected:
        diagnosis = next((m for m, wrong in (mistakes or {}).items() if wrong == got), "")
        raise CheckFailed(f"{where} returned {got}; expected {expected}. {diagnosis}".strip(), diagnosis or None)


def _describe(value):
    """``describe``, also for what it cannot round (a boolean array)."""
    if isinstance(value, np.ndarray) and value.dtype == bool:
        return f"a boolean array of shape {value.shape}"
    return describe(value)


def _expect_cases(fn, name, cases):
    """``(args, kwargs, expected, mistakes)``: call ``fn`` and compare with the literal expected output
    (``mistakes``: {mistake id: its output})."""
    for args, kwargs, expected, mistakes in cases:
        got = call(fn, *args, name=name, **kwargs)
        expect_output(got, expected, signature(name, args, kwargs), mistakes=diagnosed(mistakes))


def _expect_counts(fn, name, cases):
    for args, expected, mistakes in cases:
        expect_count(call(fn, *args, name=name), expected, signature(name, args), diagnosed(mistakes))


# ---------------------------------------------------------------- public checks

@learner_facing
def dense(dense):
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])
    W2, b2 = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])
    W3, b3 = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]), np.array([0.0, -1.0, 0.5])
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    _expect_cases(dense, "dense", [
        ((x, W2, b2), {}, [[7.5, 9.5], [1.0, -0.5]],
         {"dense.bias_missing": [[7.0, 10.0], [0.5, 0.0]], "dense.transposed": [[5.5, 10.5], [0.5, -1.5]]}),
        ((x, W3, b3), {}, [[2.0, 3.0, 1.5], [-0.75, 0.0, 2.0]],
         {"dense.bias_missing": [[2.0, 4.0, 1.0], [-0.75, 1.0, 1.5]]}),
        ((x, W3, b3), {"activation": relu}, [[2.0, 3.0, 1.5], [0.0, 0.0, 2.0]],
         {"dense.bias_missing": [[2.0, 4.0, 1.0], [0.0, 1.0, 1.5]],
          "dense.activation_missing": [[2.0, 3.0, 1.5], [-0.75, 0.0, 2.0]]})])
    passed("dense")


@learner_facing
def dense_params(dense_params):
    _expect_counts(dense_params, "dense_params", [
        ((3, 2), 8, {"dense_params.biases_missing": 6, "dense_params.bias_per_input": 9, "dense_params.no_matrix": 5}),
        ((784, 128), 100_480, {"dense_params.biases_missing": 100_352, "dense_params.bias_per_input": 101_136,
                               "dense_params.no_matrix": 912}),
        ((128, 10), 1290, {"dense_params.biases_missing": 1280, "dense_params.bias_per_input": 1408,
                           "dense_params.no_matrix": 138})])
    passed("dense_params")


@learner_facing
def conv_output_size(conv_output_size):
    _expect_counts(conv_output_size, "conv_output_size", [
        ((28, 3, 1, "valid"), 26,
         {"conv_output_size.valid_plus_one_missing": 25, "conv_output_size.valid_is_same": 28}),
        ((28, 3, 1, "same"), 28, {}),
        ((7, 3, 2, "valid"), 3,
         {"conv_output_size.valid_plus_one_missing": 2, "conv_output_size.valid_stride_ignored": 5,
          "conv_output_size.valid_is_same": 4}),
        ((6, 3, 2, "valid"), 2,
         {"conv_output_size.valid_rounded_up": 3, "conv_output_size.valid_plus_one_missing": 1,
          "conv_output_size.valid_stride_ignored": 4}),
        ((7, 3, 2, "same"), 4, {"conv_output_size.same_rounded_down": 3, "conv_output_size.same_stride_ignored": 7}),
        ((28, 2, 1, "same"), 28, {"conv_output_size.same_symmetric_padding": 27})])
    passed("conv_output_size")


IMAGE_4 = [[1, 2, 0, 3], [4, 1, 1, 0], [0, 2, 5, 1], [3, 0, 1, 2]]
IMAGE_6 = np.array([[3, 0, 1, 2, 0, 1], [1, 4, 0, 0, 2, 2], [0, 1, 3, 1, 0, 0],
                    [2, 0, 0, 5, 1, 3], [1, 2, 1, 0, 4, 0], [0, 1, 0, 2, 1, 1]], float)


@learner_facing
def conv2d(conv2d):
    kernel_2, sobel = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array(SETOSA["left_sobel"], float)
    same_4 = [[4, 1, 6, 3], [4, -2, 0, 0], [4, 11, 5, 1], [3, 2, 5, 2]]
    _expect_cases(conv2d, "conv2d", [
        ((IMAGE_4, kernel_2), {}, [[4, 1, 6], [4, -2, 0], [4, 11, 5]],
         {"conv2d.kernel_flipped": [[8, 1, 2], [-2, 8, 10], [6, -1, -1]], "conv2d.padded": same_4,
          "conv2d.zeros_like_image": np.full((4, 4), np.nan)}),
        ((IMAGE_4, kernel_2), {"padding": "same"}, same_4,
         {"conv2d.kernel_flipped": [[8, 1, 2, -3], [-2, 8, 10, 2], [6, -1, -1, 3], [-3, 0, -1, -2]],
          "conv2d.extra_padding_first": [[-1, -2, 0, -3], [-2, 4, 1, 6], [8, 4, -2, 0], [-3, 4, 11, 5]],
          "conv2d.not_padded": [[4, 1, 6], [4, -2, 0], [4, 11, 5]]}),
        ((IMAGE_6, sobel), {"stride": 2}, [[1, 0], [1, -2]],
         {"conv2d.kernel_flipped": [[-1, 0], [-1, 2]], "conv2d.padded": [[1, 0, 4], [1, -2, 6], [0, -5, 6]],
          "conv2d.zeros_like_image": np.full((6, 6), np.nan),
          "conv2d.stride_ignored": [[1, 6, 0, -2], [-3, -1, 3, 2], [1, -8, -2, 5], [2, -2, -8, 3]]}),
        ((IMAGE_6, sobel), {"stride": 2, "padding": "same"}, [[1, 0, 4], [1, -2, 6], [0, -5, 6]],
         {"conv2d.kernel_flipped": [[-1, 0, -4], [-1, 2, -6], [0, 5, -6]],
          "conv2d.padding_ignores_stride": [[-4, 0, 0], [-6, -1, 2], [-5, -2, 3]],
          "conv2d.not_padded": [[1, 0], [1, -2]],
          "conv2d.stride_ignored": [[-4, 5, 0, 0, 0, 2], [-9, 1, 6, 0, -2, 4], [-6, -3, -1, 3, 2, 3],
                                    [-3, 1, -8, -2, 5, 6], [-5, 2, -2, -8, 3, 10], [-4, 0, 0, -5, 2, 6]]})])
    passed("conv2d")


def expect_kernels(kernels, names=CORE_KERNELS):
    """KERNELS holds setosa.io's values for ``names`` (the whole domain: the graded check is the same)."""
    require_defined("KERNELS", kernels)
    if not isinstance(kernels, dict):
        raise CheckFailed(f"KERNELS is a {type(kernels).__name__}; expected a dict from names to 3 × 3 arrays.")
    missing = [name for name in names if name not in kernels]
    if missing:
        raise CheckFailed(f"KERNELS has no {', '.join(map(repr, missing))}; this task needs "
                          f"{', '.join(names)}.")
    for name in names:
        want = np.array(SETOSA[name], float)
        try:
            got = np.asarray(kernels[name], dtype=float)
        except (TypeError, ValueError):
            raise CheckFailed(f"KERNELS[{name!r}] is not a 3 × 3 array of numbers.") from None
        if got.shape != (3, 3):
            raise CheckFailed(f"KERNELS[{name!r}] has shape {got.shape}; expected a 3 × 3 array "
                              "(three rows of three numbers).")
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            diagnosis = _kernel_diagnosis(name, got, want)
            raise CheckFailed(f"KERNELS[{name!r}] = {got.tolist()}; setosa.io's {name} is {want.tolist()}. "
                              + diagnosis, diagnosis)


def _kernel_diagnosis(name, got, want):
    total = got.sum()
    if np.isclose(want.sum(), 1) and not np.isclose(total, 1) and np.allclose(got / total, want):
        return f"Its weights sum to {total:g}; a blur averages, so they must sum to 1 (divide by {total:g})."
    if name in OPPOSITE and np.allclose(got, -want):
        return f"That is {OPPOSITE[name]}: the positive weights are on the side the name says."
    if np.allclose(got, want.T):
        return "It is transposed: rows and columns are swapped."
    if np.allclose(got, want[::-1, ::-1]):
        return "It is flipped (rotated by 180°)."
    return "Copy the values from the table above."


@learner_facing
def kernels(kernels):
    expect_kernels(kernels, CORE_KERNELS)
    passed("KERNELS (top_sobel, left_sobel)")


@learner_facing
def more_kernels(kernels):
    expect_kernels(kernels, MORE_KERNELS)
    passed("KERNELS (the other eight)")


@learner_facing
def conv2d_layer(conv2d_layer):
    x = np.zeros((1, 3, 3, 2))
    x[0, :, :, 0] = 1.0
    x[0, :, :, 1] = np.arange(9.0).reshape(3, 3)
    kernels = np.zeros((2, 2, 2, 2))
    kernels[:, :, 0, 0] = 1.0                # filter 0: sum of channel 0 over the window
    kernels[0, 0, 1, 0] = 1.0                # ... plus channel 1 at the window's top-left
    kernels[:, :, 1, 1] = [[0.0, 1.0], [-1.0, 0.0]]   # filter 1: channel 1, top-right minus bottom-left
    bias = np.array([0.5, -1.0])
    apart = np.full((1, 2, 2, 4), np.nan)
    _expect_cases(conv2d_layer, "conv2d_layer", [
        ((x, kernels, bias), {}, [[[[4.5, -3], [5.5, -3]], [[7.5, -3], [8.5, -3]]]],
         {"conv2d_layer.bias_missing": [[[[4, -2], [5, -2]], [[7, -2], [8, -2]]]],
          "conv2d_layer.kernels_flipped": [[[[8.5, 1], [9.5, 1]], [[11.5, 1], [12.5, 1]]]],
          "conv2d_layer.channels_first": [[[[4.5, 5.5], [7.5, 8.5]], [[-3, -3], [-3, -3]]]],
          "conv2d_layer.first_channel_only": [[[[4.5, -1], [4.5, -1]], [[4.5, -1], [4.5, -1]]]],
          "conv2d_layer.channels_averaged": [[[[2.5, -2], [3, -2]], [[4, -2], [4.5, -2]]]],
          "conv2d_layer.bias_per_channel": [[[[5, -4], [6, -4]], [[8, -4], [9, -4]]]],
          "conv2d_layer.channels_kept_apart": apart}),
        ((x, kernels, bias), {"stride": 2, "padding": "same"}, [[[[4.5, -3], [4.5, -6]], [[8.5, 6], [9.5, -1]]]],
         {"conv2d_layer.bias_missing": [[[[4, -2], [4, -5]], [[8, 7], [9, 0]]]],
          "conv2d_layer.kernels_flipped": [[[[8.5, 1], [2.5, 4]], [[2.5, -8], [1.5, -1]]]],
          "conv2d_layer.channels_first": [[[[4.5, 4.5], [8.5, 9.5]], [[-3, -6], [6, -1]]]],
          "conv2d_layer.first_channel_only": [[[[4.5, -1], [2.5, -1]], [[2.5, -1], [1.5, -1]]]],
          "conv2d_layer.channels_averaged": [[[[2.5, -2], [2.5, -3.5]], [[4.5, 2.5], [5, -1]]]],
          "conv2d_layer.bias_per_channel": [[[[5, -4], [5, -7]], [[9, 5], [10, -2]]]],
          "conv2d_layer.channels_kept_apart": apart,
          "conv2d_layer.extra_padding_first": [[[[1.5, -1], [2.5, -2]], [[2.5, 2], [8.5, -3]]]],
          "conv2d_layer.stride_ignored": [[[[4.5, -3], [5.5, -3], [4.5, -6]], [[7.5, -3], [8.5, -3], [7.5, -9]],
                                           [[8.5, 6], [9.5, 7], [9.5, -1]]]]})])
    passed("conv2d_layer")


@learner_facing
def conv_params(conv_params):
    _expect_counts(conv_params, "conv_params", [
        ((3, 3, 1, 16), 160, {"conv_params.biases_missing": 144, "conv_params.bias_per_channel": 145}),
        ((3, 3, 16, 32), 4640,
         {"conv_params.biases_missing": 4608, "conv_params.channels_missing": 320, "conv_params.bias_per_channel": 4624,
          "conv_params.bias_per_slice": 5120}),
        ((5, 3, 2, 4), 124,
         {"conv_params.biases_missing": 120, "conv_params.channels_missing": 64, "conv_params.bias_per_channel": 122,
          "conv_params.bias_per_slice": 128})])
    passed("conv_params")


GRID = np.arange(16.0).reshape(1, 4, 4, 1)
NINE = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
TWO_CHANNELS = np.concatenate([NINE, -NINE], axis=-1)   # channel 1 is all negative
POOL_CASES = [((GRID,), {}), ((TWO_CHANNELS,), {"padding": "same"}), ((GRID,), {"pool_size": 3, "stride": 1})]


def _pool_check(pool, name, expected_and_mistakes):
    cases = [(args, kwargs, *more) for (args, kwargs), more in zip(POOL_CASES, expected_and_mistakes, strict=False)]
    _expect_cases(pool, name, cases)
    passed(name)


@learner_facing
def max_pool2d(max_pool2d):
    _pool_check(max_pool2d, "max_pool2d", [
        ([[[[5], [7]], [[13], [15]]]],
         {"max_pool2d.stride_one": [[[[5], [6], [7]], [[9], [10], [11]], [[13], [14], [15]]]]}),
        ([[[[5, -1], [6, -3]], [[8, -7], [9, -9]]]],
         {"max_pool2d.stride_one": [[[[5, -1], [6, -2], [6, -3]], [[8, -4], [9, -5], [9, -6]],
                                     [[8, -7], [9, -8], [9, -9]]]],
          "max_pool2d.zero_padding": [[[[5, -1], [6, 0]], [[8, 0], [9, 0]]]],
          "max_pool2d.extra_padding_first": [[[[1, -1], [3, -2]], [[7, -4], [9, -5]]]],
          "max_pool2d.not_padded": [[[[5, -1]]]]}),
        ([[[[10], [11]], [[14], [15]]]],
         {"max_pool2d.padded": [[[[5], [6], [7], [7]], [[9], [10], [11], [11]], [[13], [14], [15], [15]],
                                 [[13], [14], [15], [15]]]],
          "max_pool2d.stride_ignored": [[[[10]]]]})])


@learner_facing
def avg_pool2d(avg_pool2d):
    _pool_check(avg_pool2d, "avg_pool2d", [
        ([[[[2.5], [4.5]], [[10.5], [12.5]]]],
         {"avg_pool2d.stride_one": [[[[2.5], [3.5], [4.5]], [[6.5], [7.5], [8.5]], [[10.5], [11.5], [12.5]]]]}),
        ([[[[3, -3], [4.5, -4.5]], [[7.5, -7.5], [9, -9]]]],
         {"avg_pool2d.stride_one": [[[[3, -3], [4, -4], [4.5, -4.5]], [[6, -6], [7, -7], [7.5, -7.5]],
                                     [[7.5, -7.5], [8.5, -8.5], [9, -9]]]],
          "avg_pool2d.zero_padding": [[[[3, -3], [2.25, -2.25]], [[3.75, -3.75], [2.25, -2.25]]]],
          "avg_pool2d.extra_padding_first": [[[[1, -1], [2.5, -2.5]], [[5.5, -5.5], [7, -7]]]],
          "avg_pool2d.not_padded": [[[[3, -3]]]]}),
        ([[[[5], [6]], [[9], [10]]]],
         {"avg_pool2d.padded": [[[[2.5], [3], [4], [4.5]], [[4.5], [5], [6], [6.5]], [[8.5], [9], [10], [10.5]],
                                 [[10.5], [11], [12], [12.5]]]],
          "avg_pool2d.stride_ignored": [[[[5]]]]})])
