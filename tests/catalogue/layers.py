"""Mistakes and alternatives for 04-layers."""
import math

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import correlate2d

from autograder.judging.reference import reference
from course.checks.layers import SETOSA

from . import Case

A = np.asarray


def _ref():
    return reference("04-layers")


def _pads(n, k, stride, padding, extra_first=False, ignore_stride=False):
    """(before, after) along one axis; the flags make the classic mistakes."""
    if padding == "valid":
        return 0, 0
    total = max((-(-n // stride) - 1) * stride + k - n, 0) if not ignore_stride else k - 1
    small, large = total // 2, total - total // 2
    return (large, small) if extra_first else (small, large)


def _pad_image(image, kernel_shape, stride, padding, fill=0.0, **mistake):
    pads = [_pads(n, k, stride, padding, **mistake) for n, k in zip(image.shape, kernel_shape, strict=False)]
    return np.pad(image, pads, constant_values=fill)


# ---------------------------------------------------------------- conv2d, as learners write it

def conv2d_loops(image, kernel, stride=1, padding="valid", flip=False, out_like_image=False, **mistake):
    """The pixel loop of the notebook's hint; the keywords make mistakes."""
    image, kernel = A(image), A(kernel, float)
    if flip:
        kernel = kernel[::-1, ::-1]
    padded = _pad_image(image, kernel.shape, stride, padding, **mistake)
    kh, kw = kernel.shape
    shape = ((padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1)
    out = np.zeros_like(image) if out_like_image else np.zeros(shape)
    for i in range(shape[0]):
        for j in range(shape[1]):
            out[i, j] = np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def conv2d_square(image, kernel, stride=1, padding="valid"):
    """Uses the kernel's height along both axes: right for square kernels only."""
    kernel = A(kernel, float)
    k = kernel.shape[0]
    padded = _pad_image(A(image, float), (k, k), stride, padding)
    n = (padded.shape[0] - k) // stride + 1, (padded.shape[1] - k) // stride + 1
    return np.array([[np.sum(padded[i * stride:i * stride + k, j * stride:j * stride + k] * kernel)
                      for j in range(n[1])] for i in range(n[0])])


def conv2d_windows(image, kernel, stride=1, padding="valid"):
    image, kernel = A(image, float), A(kernel, float)
    windows = sliding_window_view(_pad_image(image, kernel.shape, stride, padding), kernel.shape)
    return np.einsum("ijuv,uv->ij", windows[::stride, ::stride], kernel)


def conv2d_scipy(image, kernel, stride=1, padding="valid"):
    image, kernel = A(image, float), A(kernel, float)
    return correlate2d(_pad_image(image, kernel.shape, stride, padding), kernel, mode="valid")[::stride, ::stride]


def conv2d_opencv(image, kernel, stride=1, padding="valid"):
    """cv2.filter2D with the window anchored at its top-left on a TensorFlow-padded image."""
    image, kernel = A(image, float), A(kernel, float)
    padded = _pad_image(image, kernel.shape, stride, padding)
    full = cv2.filter2D(padded, -1, kernel, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    h, w = padded.shape[0] - kernel.shape[0] + 1, padded.shape[1] - kernel.shape[1] + 1
    return full[:h:stride, :w:stride]


def conv2d_opencv_default_anchor(image, kernel, stride=1, padding="valid"):
    """cv2.filter2D's centred anchor pads an even kernel's extra row at the top/left."""
    image, kernel = A(image, float), A(kernel, float)
    if padding == "valid":
        return conv2d_windows(image, kernel, stride)
    return cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_CONSTANT)[::stride, ::stride]


def conv2d_stride_after(image, kernel, stride=1, padding="valid"):
    """Stride-1 result, every stride-th value kept: right for "valid", wrong padding for "same"."""
    return conv2d_windows(_pad_image(A(image, float), A(kernel).shape, 1, padding), kernel)[::stride, ::stride]


# ---------------------------------------------------------------- conv2d_layer

def layer_from(conv, image_axes_last=True, channels=None, bias_once=True, mean=False):
    """conv2d_layer built on a one-channel ``conv``; the keywords make mistakes."""
    def conv2d_layer(x, kernels, bias, stride=1, padding="valid"):
        x, kernels, bias = A(x, float), A(kernels, float), A(bias, float)
        c_in = kernels.shape[2] if channels is None else channels
        maps = []
        for image in x:
            per_filter = []
            for f in range(kernels.shape[3]):
                total = sum(conv(image[:, :, c], kernels[:, :, c, f], stride, padding) for c in range(c_in))
                per_filter.append((total / c_in if mean else total) + (bias[f] if bias_once else c_in * bias[f]))
            maps.append(np.stack(per_filter, axis=-1 if image_axes_last else 0))
        return np.array(maps)
    return conv2d_layer


def conv2d_layer_apart(x, kernels, bias, stride=1, padding="valid"):
    """Each filter's response to each input channel kept as a feature map of its own (c_in * c_out)."""
    x, kernels, bias = A(x, float), A(kernels, float), A(bias, float)
    return np.array([np.stack([conv2d_windows(image[:, :, c], kernels[:, :, c, f], stride, padding) + bias[f]
                               for f in range(kernels.shape[3]) for c in range(kernels.shape[2])], axis=-1)
                     for image in x])


def conv2d_layer_einsum(x, kernels, bias, stride=1, padding="valid"):
    x, kernels = A(x, float), A(kernels, float)
    kh, kw = kernels.shape[:2]
    pads = [(0, 0)] + [_pads(n, k, stride, padding) for n, k in zip(x.shape[1:3], (kh, kw), strict=False)] + [(0, 0)]
    windows = sliding_window_view(np.pad(x, pads), (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    return np.einsum("mijcuv,uvcf->mijf", windows, kernels) + A(bias, float)


def conv2d_layer_no_bias(x, kernels, bias, stride=1, padding="valid"):
    return conv2d_layer_einsum(x, kernels, np.zeros(A(kernels).shape[3]), stride, padding)


# ---------------------------------------------------------------- pooling

def pool_loops(reduce, fill, default_stride=None, count_padding=False, **mistake):
    """Pooling with a loop over output positions, as the notebook's hint says; keywords make mistakes."""
    def pool(x, pool_size=2, stride=None, padding="valid"):
        x = A(x, float)
        s = stride or default_stride or pool_size
        pads = [(0, 0)] + [_pads(n, pool_size, s, padding, **mistake) for n in x.shape[1:3]] + [(0, 0)]
        padded = np.pad(x, pads, constant_values=0.0 if count_padding else fill)
        h, w = ((padded.shape[1] - pool_size) // s + 1, (padded.shape[2] - pool_size) // s + 1)
        out = np.zeros((x.shape[0], h, w, x.shape[3]))
        for i in range(h):
            for j in range(w):
                out[:, i, j, :] = reduce(padded[:, i * s:i * s + pool_size, j * s:j * s + pool_size, :], axis=(1, 2))
        return out
    return pool


def pool_fixed(reduce, fill, **fixed):
    """``pool_loops(reduce, fill)`` with ``fixed`` (a stride or padding) in place of the caller's."""
    pool = pool_loops(reduce, fill)

    def fixed_pool(x, pool_size=2, stride=None, padding="valid"):
        return pool(x, pool_size, **{"stride": stride, "padding": padding, **fixed})
    return fixed_pool


def avg_pool_sum_count(x, pool_size=2, stride=None, padding="valid"):
    """Sum of each window divided by its number of real cells (a pooled mask of ones)."""
    x = A(x, float)
    s = stride or pool_size
    pads = [(0, 0)] + [_pads(n, pool_size, s, padding) for n in x.shape[1:3]] + [(0, 0)]

    def window_sums(a):
        return sliding_window_view(np.pad(a, pads), (pool_size, pool_size), axis=(1, 2))[:, ::s, ::s].sum(axis=(-2, -1))
    return window_sums(x) / window_sums(np.ones_like(x))


def max_pool_reshape(x, pool_size=2, stride=None, padding="valid"):
    """The reshape trick: right only for non-overlapping windows that tile the image."""
    x = A(x, float)
    m, h, w, c = x.shape
    k = pool_size
    return x[:, :h // k * k, :w // k * k].reshape(m, h // k, k, w // k, k, c).max(axis=(2, 4))


# ---------------------------------------------------------------- dense

def dense_per_neuron(x, W, b, activation=None):
    x, W = A(x, float), A(W, float)
    z = np.stack([x @ W[:, j] + b[j] for j in range(W.shape[1])], axis=-1)
    return z if activation is None else activation(z)


def _act(activation):
    return activation or (lambda z: z)


def _conv_mistake(fixed_stride=None, fixed_padding=None, **mistake):
    """conv2d_loops with a mistake: ``mistake`` keywords, or a stride or padding that ignores the caller's."""
    def conv2d(image, kernel, stride=1, padding="valid"):
        return conv2d_loops(image, kernel, fixed_stride or stride, fixed_padding or padding, **mistake)
    return conv2d


def _first_image(fn):
    """``fn`` applied to the first image of the batch only."""
    return lambda x, *args, **kwargs: fn(A(x)[:1], *args, **kwargs)


def _kernels(**changes):
    kernels = {name: A(values, float) for name, values in SETOSA.items()}
    kernels.update(changes)
    return {name: value for name, value in kernels.items() if value is not None}


MUTANTS = [
    Case("dense", "bias forgotten", lambda x, W, b, activation=None: _act(activation)(A(x, float) @ A(W, float)),
         message="bias b is missing", mistake="dense.bias_missing"),
    Case("dense", "W transposed", lambda x, W, b, activation=None: A(x, float) @ A(W, float).T + b,
         message="transposed", mistake="dense.transposed"),
    Case("dense", "activation ignored", lambda x, W, b, activation=None: A(x, float) @ A(W, float) + b,
         message="activation was not applied", mistake="dense.activation_missing"),
    Case("dense", "activation before the bias",
         lambda x, W, b, activation=None: _act(activation)(A(x, float) @ A(W, float)) + b,
         message="before adding the bias", public=False, mistake="dense.activation_before_bias"),
    Case("dense", "returns a list", lambda x, W, b, activation=None: (A(x, float) @ A(W, float) + b).tolist(),
         message="list"),

    Case("dense_params", "no bias", lambda n_in, n_out: n_in * n_out, message="biases are missing",
         mistake="dense_params.biases_missing"),
    Case("dense_params", "bias per input", lambda n_in, n_out: n_in * n_out + n_in, message="One bias per input",
         mistake="dense_params.bias_per_input"),
    Case("dense_params", "no weight matrix", lambda n_in, n_out: n_in + n_out, message="form a matrix",
         mistake="dense_params.no_matrix"),
    Case("dense_params", "float", lambda n_in, n_out: (n_in + 1.0) * n_out, message="whole number"),

    Case("conv_output_size", "valid rounded up",
         lambda n, k, s, p: math.ceil(n / s) if p == "same" else math.ceil((n - k) / s) + 1, message="Rounded up",
         mistake="conv_output_size.valid_rounded_up"),
    Case("conv_output_size", "same rounded down",
         lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1, message="Rounded down",
         mistake="conv_output_size.same_rounded_down"),
    Case("conv_output_size", "same ignores the stride",
         lambda n, k, s, p: n if p == "same" else (n - k) // s + 1, message="stride was ignored",
         mistake="conv_output_size.same_stride_ignored"),
    Case("conv_output_size", "same with symmetric padding",
         lambda n, k, s, p: (n + 2 * ((k - 1) // 2) - k) // s + 1 if p == "same" else (n - k) // s + 1,
         message="symmetric padding", mistake="conv_output_size.same_symmetric_padding"),
    Case("conv_output_size", "valid without + 1", lambda n, k, s, p: -(-n // s) if p == "same" else (n - k) // s,
         message="+ 1 is missing", mistake="conv_output_size.valid_plus_one_missing"),
    Case("conv_output_size", "valid ignores the stride", lambda n, k, s, p: -(-n // s) if p == "same" else n - k + 1,
         message="with stride s", mistake="conv_output_size.valid_stride_ignored"),
    Case("conv_output_size", "valid as same", lambda n, k, s, p: -(-n // s), message="That is the 'same' size",
         mistake="conv_output_size.valid_is_same"),
    Case("conv_output_size", "np.ceil float",
         lambda n, k, s, p: np.ceil(n / s) if p == "same" else np.floor((n - k) / s) + 1, message="whole number"),

    Case("conv2d", "kernel flipped (true convolution)", _conv_mistake(flip=True), message="kernel is flipped",
         mistake="conv2d.kernel_flipped"),
    Case("conv2d", "extra padding at the top/left", _conv_mistake(extra_first=True), message="top/left",
         mistake="conv2d.extra_padding_first"),
    Case("conv2d", "cv2.filter2D's centred anchor", conv2d_opencv_default_anchor, message="top/left",
         mistake="conv2d.extra_padding_first"),
    Case("conv2d", "padding ignores the stride", conv2d_stride_after, message="ignores the stride",
         mistake="conv2d.padding_ignores_stride"),
    Case("conv2d", "stride ignored", _conv_mistake(fixed_stride=1), message="stride was ignored",
         mistake="conv2d.stride_ignored"),
    Case("conv2d", "no padding for same", _conv_mistake(fixed_padding="valid"), message="'valid' result",
         mistake="conv2d.not_padded"),
    Case("conv2d", "padding for valid too", _conv_mistake(fixed_padding="same"), message="'same' result",
         mistake="conv2d.padded"),
    Case("conv2d", "square kernels assumed", conv2d_square, message="raised ValueError", public=False),
    Case("conv2d", "np.zeros_like(image)", _conv_mistake(out_like_image=True), message="zeros_like",
         mistake="conv2d.zeros_like_image"),

    Case("more_kernels", "blur not divided by 16", args=(_kernels(blur=np.outer([1, 2, 1], [1, 2, 1]) * 1.0),),
         message="sum to 1"),
    Case("kernels", "top and bottom sobel swapped",
         args=(_kernels(top_sobel=-A(SETOSA["top_sobel"], float), bottom_sobel=A(SETOSA["top_sobel"], float)),),
         message="That is bottom_sobel"),
    Case("kernels", "left sobel transposed", args=(_kernels(left_sobel=A(SETOSA["top_sobel"], float)),),
         message="transposed"),
    Case("more_kernels", "box_blur forgotten", args=(_kernels(box_blur=None),), message="'box_blur'"),
    Case("more_kernels", "emboss rotated by 180°", args=(_kernels(emboss=A(SETOSA["emboss"], float)[::-1, ::-1]),),
         message="flipped"),
    Case("more_kernels", "right sobel as the left one", args=(_kernels(right_sobel=A(SETOSA["left_sobel"], float)),),
         message="That is left_sobel"),
    Case("more_kernels", "a list of arrays", args=([A(v, float) for v in SETOSA.values()],), message="dict"),
    Case("kernels", "left_sobel forgotten", args=(_kernels(left_sobel=None),), message="'left_sobel'"),
    Case("kernels", "kernels as flat lists", args=({n: A(v, float).ravel() for n, v in SETOSA.items()},),
         message="shape (9,)"),
    Case("kernels", "a list of arrays", args=([A(v, float) for v in SETOSA.values()],), message="dict"),

    Case("conv2d_layer", "bias forgotten", conv2d_layer_no_bias, message="bias is missing",
         mistake="conv2d_layer.bias_missing"),
    Case("conv2d_layer", "kernels flipped",
         layer_from(lambda i, k, s, p: conv2d_loops(i, k, s, p, flip=True)), message="kernels are flipped",
         mistake="conv2d_layer.kernels_flipped"),
    Case("conv2d_layer", "channels first", layer_from(conv2d_windows, image_axes_last=False), message="channels-first",
         mistake="conv2d_layer.channels_first"),
    Case("conv2d_layer", "first input channel only", layer_from(conv2d_windows, channels=1),
         message="first input channel", mistake="conv2d_layer.first_channel_only"),
    Case("conv2d_layer", "channels averaged", layer_from(conv2d_windows, mean=True), message="averaged",
         mistake="conv2d_layer.channels_averaged"),
    Case("conv2d_layer", "bias once per channel", layer_from(conv2d_windows, bias_once=False),
         message="once per input channel", mistake="conv2d_layer.bias_per_channel"),
    Case("conv2d_layer", "channels kept apart", conv2d_layer_apart, message="kept apart",
         mistake="conv2d_layer.channels_kept_apart"),
    Case("conv2d_layer", "extra padding at the top/left", layer_from(_conv_mistake(extra_first=True)),
         message="top/left", mistake="conv2d_layer.extra_padding_first"),
    Case("conv2d_layer", "stride ignored", layer_from(_conv_mistake(fixed_stride=1)), message="stride was ignored",
         mistake="conv2d_layer.stride_ignored"),

    Case("conv2d_layer", "first image of the batch only", _first_image(conv2d_layer_einsum),
         message="expected shape (2,", public=False),
    Case("conv_params", "no bias", lambda kh, kw, c_in, c_out: kh * kw * c_in * c_out, message="biases are missing",
         mistake="conv_params.biases_missing"),
    Case("conv_params", "input channels forgotten", lambda kh, kw, c_in, c_out: kh * kw * c_out + c_out,
         message="input channels are missing", mistake="conv_params.channels_missing"),
    Case("conv_params", "bias per input channel", lambda kh, kw, c_in, c_out: kh * kw * c_in * c_out + c_in,
         message="One bias per input channel", mistake="conv_params.bias_per_channel"),
    Case("conv_params", "bias per kernel slice", lambda kh, kw, c_in, c_out: kh * kw * c_in * c_out + c_in * c_out,
         message="One bias per kernel slice", mistake="conv_params.bias_per_slice"),
    Case("conv_params", "float", lambda kh, kw, c_in, c_out: float(kh * kw * c_in * c_out + c_out),
         message="whole number"),

    Case("max_pool2d", "stride defaults to 1", pool_loops(np.max, -np.inf, default_stride=1), message="defaulted to 1",
         mistake="max_pool2d.stride_one"),
    Case("max_pool2d", "zero padding", pool_loops(np.max, -np.inf, count_padding=True), message="zeros",
         mistake="max_pool2d.zero_padding"),
    Case("max_pool2d", "extra padding at the top/left", pool_loops(np.max, -np.inf, extra_first=True),
         message="top/left", mistake="max_pool2d.extra_padding_first"),
    Case("max_pool2d", "reshape trick (no padding, no stride)", max_pool_reshape, message="'valid' result",
         mistake="max_pool2d.not_padded"),
    Case("max_pool2d", "padding for valid too", pool_fixed(np.max, -np.inf, padding="same"), message="'same' result",
         mistake="max_pool2d.padded"),
    Case("max_pool2d", "stride ignored", pool_fixed(np.max, -np.inf, stride=None), message="move `stride` cells",
         mistake="max_pool2d.stride_ignored"),
    Case("max_pool2d", "first image of the batch only", _first_image(pool_loops(np.max, -np.inf)),
         message="expected shape (2,", public=False),
    Case("max_pool2d", "average instead of max", pool_loops(np.mean, np.nan), message="expected"),

    Case("avg_pool2d", "padding zeros counted", pool_loops(np.mean, np.nan, count_padding=True), message="counted",
         mistake="avg_pool2d.zero_padding"),
    Case("avg_pool2d", "stride defaults to 1", pool_loops(np.nanmean, np.nan, default_stride=1),
         message="defaulted to 1", mistake="avg_pool2d.stride_one"),
    Case("avg_pool2d", "extra padding at the top/left", pool_loops(np.nanmean, np.nan, extra_first=True),
         message="top/left", mistake="avg_pool2d.extra_padding_first"),
    Case("avg_pool2d", "no padding for same", pool_fixed(np.nanmean, np.nan, padding="valid"), message="'valid' result",
         mistake="avg_pool2d.not_padded"),
    Case("avg_pool2d", "padding for valid too", pool_fixed(np.nanmean, np.nan, padding="same"),
         message="'same' result", mistake="avg_pool2d.padded"),
    Case("avg_pool2d", "stride ignored", pool_fixed(np.nanmean, np.nan, stride=None), message="move `stride` cells",
         mistake="avg_pool2d.stride_ignored"),
    Case("avg_pool2d", "max instead of average", pool_loops(np.nanmax, np.nan), message="expected"),
]

ALTERNATIVES = [
    Case("dense", "reference", lambda *a, **k: _ref().dense(*a, **k)),
    Case("dense", "np.dot", lambda x, W, b, activation=None: (activation or (lambda z: z))(np.dot(x, W) + A(b))),
    Case("dense", "one neuron at a time", dense_per_neuron),
    Case("dense_params", "reference", lambda *a: _ref().dense_params(*a)),
    Case("dense_params", "factored", lambda n_in, n_out: (n_in + 1) * n_out),
    Case("dense_params", "NumPy integer", lambda n_in, n_out: np.int64(n_in) * n_out + n_out),
    Case("conv_output_size", "reference", lambda *a: _ref().conv_output_size(*a)),
    Case("conv_output_size", "math.ceil and math.floor",
         lambda n, k, s, p: math.ceil(n / s) if p == "same" else math.floor((n - k) / s) + 1),
    Case("conv_output_size", "int(np.ceil(...))",
         lambda n, k, s, p: int(np.ceil(n / s)) if p == "same" else int((n - k) / s) + 1),
    Case("conv2d", "reference", lambda *a, **k: _ref().conv2d(*a, **k)),
    Case("conv2d", "pixel loops", conv2d_loops),
    Case("conv2d", "sliding_window_view + einsum", conv2d_windows),
    Case("conv2d", "scipy.signal.correlate2d", conv2d_scipy),
    Case("conv2d", "cv2.filter2D", conv2d_opencv),
    Case("kernels", "np.outer blur, np.full box blur",
         args=(_kernels(blur=np.outer([1, 2, 1], [1, 2, 1]) / 16, box_blur=np.full((3, 3), 1 / 9)),)),
    Case("kernels", "lists of numbers, extra keys", args=({**SETOSA, "my_kernel": [[0, 0, 0], [0, 2, 0], [0, 0, 0]]},)),
    Case("kernels", "float32 arrays", args=({n: A(v, np.float32) for n, v in SETOSA.items()},)),
    Case("kernels", "only the two sobels, as lists", args=({n: SETOSA[n] for n in ("top_sobel", "left_sobel")},)),
    Case("more_kernels", "np.outer blur, np.full box blur",
         args=(_kernels(blur=np.outer([1, 2, 1], [1, 2, 1]) / 16, box_blur=np.full((3, 3), 1 / 9)),)),
    Case("more_kernels", "lists of numbers, extra keys",
         args=({**SETOSA, "my_kernel": [[0, 0, 0], [0, 2, 0], [0, 0, 0]]},)),
    Case("conv2d_layer", "reference", lambda *a, **k: _ref().conv2d_layer(*a, **k)),
    Case("conv2d_layer", "loops over conv2d", layer_from(conv2d_loops)),
    Case("conv2d_layer", "sliding_window_view + einsum", conv2d_layer_einsum),
    Case("conv2d_layer", "scipy per channel", layer_from(conv2d_scipy)),
    Case("conv_params", "reference", lambda *a: _ref().conv_params(*a)),
    Case("conv_params", "factored", lambda kh, kw, c_in, c_out: (kh * kw * c_in + 1) * c_out),
    Case("conv_params", "np.prod", lambda *shape: int(np.prod(shape)) + shape[-1]),
    Case("max_pool2d", "reference", lambda *a, **k: _ref().max_pool2d(*a, **k)),
    Case("max_pool2d", "loops with -inf padding", pool_loops(np.max, -np.inf)),
    Case("max_pool2d", "loops with NaN padding", pool_loops(np.nanmax, np.nan)),
    Case("avg_pool2d", "reference", lambda *a, **k: _ref().avg_pool2d(*a, **k)),
    Case("avg_pool2d", "loops with NaN padding", pool_loops(np.nanmean, np.nan)),
    Case("avg_pool2d", "window sums / real-cell counts", avg_pool_sum_count),
]
