"""Public checks for 04-layers: small cases you can verify by hand."""
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course.checking import (
    CheckFailed,
    call,
    describe,
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
OPPOSITE = {"top_sobel": "bottom_sobel", "bottom_sobel": "top_sobel",
            "left_sobel": "right_sobel", "right_sobel": "left_sobel"}


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
                              + (exact or any_values)[0])
    return expect_array(got, expected, where, mistakes=mistakes, **tolerances)


def expect_count(got, expected, where, mistakes=None):
    """A whole number (Python or NumPy int) equal to ``expected``, else the matching diagnosis."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        if isinstance(got, (float, np.floating)) and float(got) == expected:
            raise CheckFailed(f"{where} returned {got!r}, a float; a size or a count is a whole number "
                              f"(expected {expected}): return an int, e.g. int(...) or integer division //.")
        raise CheckFailed(f"{where} returned {describe(got)}; expected the whole number {expected}.")
    if got != expected:
        diagnosis = next((m for m, wrong in (mistakes or {}).items() if wrong == got), "")
        raise CheckFailed(f"{where} returned {got}; expected {expected}. {diagnosis}".strip())


# ---------------------------------------------------------------- mistakes, by function

def same_padding(n, k, stride):
    """TensorFlow's "same" padding along one axis: (before, after), the odd cell after."""
    total = max((-(-n // stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _extra_first(n, k, stride):
    before, after = same_padding(n, k, stride)
    return after, before


def _stride_one(n, k, stride):
    return same_padding(n, k, 1)


def _possible(mistakes):
    """The mistakes that could be computed for these inputs (None marks one that could not)."""
    return {message: wrong for message, wrong in mistakes.items() if wrong is not None}


def _correlate(image, kernel, stride, padding, split=same_padding, flip=False):
    """Cross-correlation (or, with ``flip``, true convolution) of one channel, TensorFlow's way."""
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    if padding == "same":
        image = np.pad(image, [split(n, k, stride) for n, k in zip(image.shape, kernel.shape)])
    if any(n < k for n, k in zip(image.shape, kernel.shape)):
        return None  # the kernel does not fit: this mistake cannot happen here
    windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel[::-1, ::-1] if flip else kernel)


def conv2d_mistakes(image, kernel, stride=1, padding="valid"):
    """What the classic mistakes of ``conv2d`` return, keyed by their diagnosis."""
    out = {"The kernel is flipped: that is the mathematical convolution (scipy.signal.convolve2d). "
           "A CNN computes the cross-correlation: multiply each pixel by the kernel entry at the "
           "same position, no flip.": _correlate(image, kernel, stride, padding, flip=True)}
    if padding == "same":
        out["The padding ignores the stride: the total is max((out - 1) * stride + k - n, 0) with "
            "out = ceil(n / stride), not k - 1."] = _correlate(image, kernel, stride, padding, split=_stride_one)
        out["The odd padding row/column went to the top/left; TensorFlow puts it at the "
            "bottom/right (before = total // 2, after = total - before)."] = \
            _correlate(image, kernel, stride, padding, split=_extra_first)
        out["That is the 'valid' result: with padding='same', pad the image with zeros first."] = \
            _correlate(image, kernel, stride, "valid")
    else:
        out["That is the 'same' result: 'valid' adds no padding, so the output shrinks."] = \
            _correlate(image, kernel, stride, "same")
        out["The output has the image's shape, but 'valid' makes it smaller: make it "
            "np.zeros((out_h, out_w)) with conv_output_size, not np.zeros_like(image)."] = \
            np.full(np.shape(image), np.nan)
    if stride > 1:
        out["The stride was ignored: move the window `stride` pixels at a time."] = \
            _correlate(image, kernel, 1, padding)
    return _possible(out)


def _conv_layer(x, kernels, bias, stride, padding, **options):
    x, kernels = np.asarray(x, float), np.asarray(kernels, float)
    if padding == "valid" and any(n < k for n, k in zip(x.shape[1:3], kernels.shape)):
        return None
    maps = [[sum(_correlate(image[:, :, c], kernels[:, :, c, f], stride, padding, **options)
                 for c in range(kernels.shape[2])) for f in range(kernels.shape[3])] for image in x]
    return np.moveaxis(np.array(maps), 1, -1) + np.asarray(bias, float)


def conv2d_layer_mistakes(x, kernels, bias, stride=1, padding="valid"):
    """What the classic mistakes of ``conv2d_layer`` return, keyed by their diagnosis."""
    x, kernels, bias = np.asarray(x, float), np.asarray(kernels, float), np.asarray(bias, float)
    right = _conv_layer(x, kernels, bias, stride, padding)
    if right is None:
        return {}
    c_in = kernels.shape[2]
    out = {"The bias is missing: add bias[f] to every value of feature map f.": right - bias,
           "The kernels are flipped: that is the mathematical convolution; a CNN uses the kernel as is.":
               _conv_layer(x, kernels, bias, stride, padding, flip=True),
           "The output is channels-first (m, c_out, H', W'); Keras is channels-last (m, H', W', c_out): "
           "stack the feature maps along the last axis.": np.moveaxis(right, -1, 1),
           "Only the first input channel was used: each filter sums its responses over all input channels.":
               _conv_layer(x[..., :1], kernels[:, :, :1], bias, stride, padding),
           "The input channels were averaged; a filter adds up its responses over the input channels.":
               (right - bias) / c_in + bias,
           "The bias was added once per input channel; each filter adds its bias once.":
               right + (c_in - 1) * bias,
           "Each filter's responses per input channel were kept apart (c_in * c_out maps); add them "
           "up over the input channels instead.": np.full(right.shape[:3] + (c_in * kernels.shape[3],), np.nan)}
    if padding == "same":
        out["The odd padding row/column went to the top/left; TensorFlow puts it at the bottom/right."] = \
            _conv_layer(x, kernels, bias, stride, padding, split=_extra_first)
    if stride > 1:
        out["The stride was ignored: move the window `stride` pixels at a time."] = \
            _conv_layer(x, kernels, bias, 1, padding)
    return _possible(out)


def _pool(x, size, stride, padding, reduce, fill=np.nan, split=same_padding):
    """Pool windows of x (m, H, W, c), TensorFlow's way; NaN padding cells are ignored by nan-reductions."""
    x = np.asarray(x, float)
    if padding == "same":
        x = np.pad(x, [(0, 0)] + [split(n, size, stride) for n in x.shape[1:3]] + [(0, 0)], constant_values=fill)
    if min(x.shape[1:3]) < size:
        return None
    windows = sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return reduce(windows, axis=(-2, -1))


def _pool_mistakes(reduce, zeros_message, x, pool_size=2, stride=None, padding="valid"):
    step = stride or pool_size
    out = {}
    if stride is None:
        out["The stride defaulted to 1: stride=None means stride = pool_size, so that the windows "
            "do not overlap."] = _pool(x, pool_size, 1, padding, reduce)
    if padding == "same":
        out[zeros_message] = _pool(x, pool_size, step, padding, reduce, fill=0.0)
        out["The odd padding row/column went to the top/left; TensorFlow puts it at the bottom/right."] = \
            _pool(x, pool_size, step, padding, reduce, split=_extra_first)
        out["That is the 'valid' result: with padding='same', the windows reach over the edge "
            "(ceil(n / stride) of them)."] = _pool(x, pool_size, step, "valid", reduce)
    else:
        out["That is the 'same' result: 'valid' drops the cells that do not fill a whole window "
            "(floor((n - k) / stride) + 1 windows)."] = _pool(x, pool_size, step, "same", reduce)
    if stride is not None and stride != pool_size:
        out["The stride was ignored: the windows move `stride` cells at a time."] = \
            _pool(x, pool_size, pool_size, padding, reduce)
    return _possible(out)


def max_pool2d_mistakes(x, pool_size=2, stride=None, padding="valid"):
    """What the classic mistakes of ``max_pool2d`` return, keyed by their diagnosis."""
    return _pool_mistakes(np.nanmax, "The padding cells were zeros that took part in the max: where a "
                          "window at the edge holds only negative values, the max became 0. Padding "
                          "cells must not count (pad with -np.inf).", x, pool_size, stride, padding)


def avg_pool2d_mistakes(x, pool_size=2, stride=None, padding="valid"):
    """What the classic mistakes of ``avg_pool2d`` return, keyed by their diagnosis."""
    return _pool_mistakes(np.nanmean, "The padding zeros were counted in the average: Keras divides each "
                          "window's sum by the number of real (not padded) cells in it.",
                          x, pool_size, stride, padding)


def dense_mistakes(x, W, b, activation=None):
    """What the classic mistakes of ``dense`` return, keyed by their diagnosis."""
    x, W, b = np.asarray(x, float), np.asarray(W, float), np.asarray(b, float)
    act = activation or (lambda z: z)
    out = {"The bias b is missing.": act(x @ W),
           "The activation was applied before adding the bias; add b first, then apply it.": act(x @ W) + b}
    if W.shape[0] == W.shape[1]:
        out["W is used transposed: Keras stores the kernel as (n_in, n_out), so compute x @ W."] = act(x @ W.T + b)
    if activation is not None:
        out["The activation was not applied."] = x @ W + b
    return out


def conv_output_size_mistakes(n, k, stride, padding):
    """What the classic mistakes of ``conv_output_size`` return, keyed by their diagnosis."""
    if padding == "same":
        return {"Rounded down: 'same' keeps a window for every stride-th position, including a last "
                "partial one, so the size is ceil(n / stride).": n // stride,
                "The stride was ignored: 'same' gives ceil(n / stride), which is n only for stride 1.": n,
                "That formula assumes symmetric padding (k - 1) // 2 on both sides, which is wrong for "
                "even kernels; TensorFlow's 'same' size is simply ceil(n / stride).":
                    (n + 2 * ((k - 1) // 2) - k) // stride + 1}
    return {"Rounded up: 'valid' only keeps windows that fit entirely inside, so round down: "
            "floor((n - k) / stride) + 1.": -(-(n - k) // stride) + 1,
            "The + 1 is missing: the first window sits at position 0.": (n - k) // stride,
            "The stride was ignored: with stride s the window moves s cells at a time.": n - k + 1,
            "That is the 'same' size; 'valid' uses no padding.": -(-n // stride)}


def dense_params_mistakes(n_in, n_out):
    """What the classic mistakes of ``dense_params`` return, keyed by their diagnosis."""
    return {"The biases are missing: each of the n_out neurons has one bias.": n_in * n_out,
            "One bias per input; a bias belongs to each neuron (output).": n_in * n_out + n_in,
            "The weights form a matrix: each of the n_in inputs connects to each of the n_out "
            "neurons.": n_in + n_out}


def conv_params_mistakes(kh, kw, c_in, c_out):
    """What the classic mistakes of ``conv_params`` return, keyed by their diagnosis."""
    return {"The biases are missing: each filter (output channel) has one bias.": kh * kw * c_in * c_out,
            "The input channels are missing: each filter has one kh × kw kernel per input channel.":
                kh * kw * c_out + c_out,
            "One bias per input channel; a bias belongs to each filter (output channel).":
                kh * kw * c_in * c_out + c_in,
            "One bias per kernel slice; each filter has a single bias.": kh * kw * c_in * c_out + c_in * c_out}


# ---------------------------------------------------------------- public checks

@learner_facing
def dense(dense):
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    cases = [((x, np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])), {}, [[7.5, 9.5], [1.0, -0.5]]),
             ((x, np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]), np.array([0.0, -1.0, 0.5])), {},
              [[2.0, 3.0, 1.5], [-0.75, 0.0, 2.0]]),
             ((x, np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]), np.array([0.0, -1.0, 0.5])),
              {"activation": relu}, [[2.0, 3.0, 1.5], [0.0, 0.0, 2.0]])]
    for args, kwargs, expected in cases:
        got = call(dense, *args, **kwargs)
        expect_output(got, expected, signature("dense", args, kwargs), mistakes=dense_mistakes(*args, **kwargs))
    passed("dense")


@learner_facing
def dense_params(dense_params):
    for args, expected in (((3, 2), 8), ((784, 128), 100_480), ((128, 10), 1290)):
        expect_count(call(dense_params, *args), expected, signature("dense_params", args),
                     dense_params_mistakes(*args))
    passed("dense_params")


@learner_facing
def conv_output_size(conv_output_size):
    for args, expected in (((28, 3, 1, "valid"), 26), ((28, 3, 1, "same"), 28), ((7, 3, 2, "valid"), 3),
                           ((6, 3, 2, "valid"), 2), ((7, 3, 2, "same"), 4), ((28, 2, 1, "same"), 28)):
        expect_count(call(conv_output_size, *args), expected, signature("conv_output_size", args),
                     conv_output_size_mistakes(*args))
    passed("conv_output_size")


IMAGE_4 = [[1, 2, 0, 3], [4, 1, 1, 0], [0, 2, 5, 1], [3, 0, 1, 2]]
IMAGE_6 = np.array([[3, 0, 1, 2, 0, 1], [1, 4, 0, 0, 2, 2], [0, 1, 3, 1, 0, 0],
                    [2, 0, 0, 5, 1, 3], [1, 2, 1, 0, 4, 0], [0, 1, 0, 2, 1, 1]], float)


@learner_facing
def conv2d(conv2d):
    kernel_2, sobel = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array(SETOSA["left_sobel"], float)
    cases = [((IMAGE_4, kernel_2), {}, [[4, 1, 6], [4, -2, 0], [4, 11, 5]]),
             ((IMAGE_4, kernel_2), {"padding": "same"}, [[4, 1, 6, 3], [4, -2, 0, 0], [4, 11, 5, 1], [3, 2, 5, 2]]),
             ((IMAGE_6, sobel), {"stride": 2}, [[1, 0], [1, -2]]),
             ((IMAGE_6, sobel), {"stride": 2, "padding": "same"}, [[1, 0, 4], [1, -2, 6], [0, -5, 6]])]
    for args, kwargs, expected in cases:
        got = call(conv2d, *args, **kwargs)
        expect_output(got, expected, signature("conv2d", args, kwargs), mistakes=conv2d_mistakes(*args, **kwargs))
    passed("conv2d")


def kernels_match(kernels):
    """KERNELS holds setosa.io's values (the whole domain: the hidden check is the same)."""
    require_defined("KERNELS", kernels)
    if not isinstance(kernels, dict):
        raise CheckFailed(f"KERNELS is a {type(kernels).__name__}; expected a dict from names to 3 × 3 arrays.")
    missing = [name for name in SETOSA if name not in kernels]
    if missing:
        raise CheckFailed(f"KERNELS has no {', '.join(map(repr, missing))}; it needs all of "
                          f"{', '.join(SETOSA)}.")
    for name, want in SETOSA.items():
        want = np.array(want, float)
        try:
            got = np.asarray(kernels[name], dtype=float)
        except (TypeError, ValueError):
            raise CheckFailed(f"KERNELS[{name!r}] is not a 3 × 3 array of numbers.") from None
        if got.shape != (3, 3):
            raise CheckFailed(f"KERNELS[{name!r}] has shape {got.shape}; expected a 3 × 3 array "
                              "(three rows of three numbers).")
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            raise CheckFailed(f"KERNELS[{name!r}] = {got.tolist()}; setosa.io's {name} is {want.tolist()}. "
                              + _kernel_diagnosis(name, got, want))


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
    kernels_match(kernels)
    passed("KERNELS")


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
    cases = [((x, kernels, bias), {}, [[[[4.5, -3.0], [5.5, -3.0]], [[7.5, -3.0], [8.5, -3.0]]]]),
             ((x, kernels, bias), {"stride": 2, "padding": "same"},
              [[[[4.5, -3.0], [4.5, -6.0]], [[8.5, 6.0], [9.5, -1.0]]]])]
    for args, kwargs, expected in cases:
        got = call(conv2d_layer, *args, **kwargs)
        expect_output(got, expected, signature("conv2d_layer", args, kwargs),
                      mistakes=conv2d_layer_mistakes(*args, **kwargs))
    passed("conv2d_layer")


@learner_facing
def conv_params(conv_params):
    for args, expected in (((3, 3, 1, 16), 160), ((3, 3, 16, 32), 4640), ((5, 3, 2, 4), 124)):
        expect_count(call(conv_params, *args), expected, signature("conv_params", args),
                     conv_params_mistakes(*args))
    passed("conv_params")


GRID = np.arange(16.0).reshape(1, 4, 4, 1)
NINE = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
TWO_CHANNELS = np.concatenate([NINE, -NINE], axis=-1)   # channel 1 is all negative


def _pool_check(pool, name, mistakes, expected):
    cases = [((GRID,), {}), ((TWO_CHANNELS,), {"padding": "same"}), ((GRID,), {"pool_size": 3, "stride": 1})]
    for (args, kwargs), want in zip(cases, expected):
        got = call(pool, *args, **kwargs)
        expect_output(got, want, signature(name, args, kwargs), mistakes=mistakes(*args, **kwargs))
    passed(name)


@learner_facing
def max_pool2d(max_pool2d):
    _pool_check(max_pool2d, "max_pool2d", max_pool2d_mistakes,
                [[[[[5.0], [7.0]], [[13.0], [15.0]]]],
                 [[[[5.0, -1.0], [6.0, -3.0]], [[8.0, -7.0], [9.0, -9.0]]]],
                 [[[[10.0], [11.0]], [[14.0], [15.0]]]]])


@learner_facing
def avg_pool2d(avg_pool2d):
    _pool_check(avg_pool2d, "avg_pool2d", avg_pool2d_mistakes,
                [[[[[2.5], [4.5]], [[10.5], [12.5]]]],
                 [[[[3.0, -3.0], [4.5, -4.5]], [[7.5, -7.5], [9.0, -9.0]]]],
                 [[[[5.0], [6.0]], [[9.0], [10.0]]]]])
