"""Hidden checks for 04-layers: questions for the kernel, judged here with TensorFlow and Keras
as the oracle; the known mistakes (computed here, never in ``course``) explain a wrong answer.

TensorFlow is imported in the background as soon as the questions are asked, while the kernel
runs the notebook in its own process, and each Keras layer is built once per configuration in
the grader's process, then reused with new weights.
"""
import functools
import sys
import threading
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograder.judging.answered import answered, calls, matching
from autograder.judging.questions import Check
from course.answering.answers import FUNCTIONS
from course.answering.wire import Function, Opaque
from course.checking import CheckFailed, expect_answered
from course.checks import layers as public

KERAS_ACTIVATION = {FUNCTIONS[name]: keras_name  # the activations questions pass, by their Keras name
                    for name, keras_name in (("identity", "linear"), ("tanh", "tanh"), ("exp", "exponential"))}


def _keras():
    import keras  # after course (imported above), so TensorFlow stays quiet

    return keras


def _import_keras_meanwhile():
    """Start importing Keras (seconds) now, so that it is ready when the answers come back."""
    if "keras" not in sys.modules:
        threading.Thread(target=_keras, name="import-keras", daemon=True).start()


# ---------------------------------------------------------------- judging

def _judge_outputs(oracle, mistakes, **tolerances):
    def judge(questions, records):
        for args, kwargs, where, got in answered(questions, records, expected="a NumPy array"):
            public.expect_output(got, oracle(*args, **kwargs), where,
                                 mistakes=public.diagnosed(mistakes(*args, **kwargs)), **tolerances)
    return judge


def _judge_counts(oracle, mistakes):
    def judge(questions, records):
        for args, _, where, got in answered(questions, records, expected="a whole number (an int)"):
            args = [int(a) if isinstance(a, (int, np.integer)) else a for a in args]
            public.expect_count(got, oracle(*args), where, public.diagnosed(mistakes(*args)))
    return judge


# ---------------------------------------------------------------- oracles

@functools.cache
def _dense_layer(n_in, n_out, activation):
    layer = _keras().layers.Dense(n_out, activation=activation, dtype="float64")
    layer.build((None, n_in))
    return layer


def keras_dense(x, W, b, activation=None):
    """keras.layers.Dense holding W and b (``activation`` one of ``KERAS_ACTIVATION``'s functions)."""
    W = np.asarray(W, float)
    layer = _dense_layer(*W.shape, None if activation is None else KERAS_ACTIVATION[activation])
    layer.set_weights([W, np.asarray(b, float)])
    return np.asarray(layer(np.asarray(x, float)))


def tf_conv2d(image, kernel, stride=1, padding="valid"):
    """tf.nn.conv2d on one channel."""
    _keras()
    import tensorflow as tf

    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    return tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride,
                        padding.upper())[0, :, :, 0].numpy()


@functools.cache
def _conv_layer(kh, kw, c_in, c_out, stride, padding):
    layer = _keras().layers.Conv2D(c_out, (kh, kw), strides=stride, padding=padding, dtype="float64")
    layer.build((None, None, None, c_in))
    return layer


def keras_conv2d(x, kernels, bias, stride=1, padding="valid"):
    """keras.layers.Conv2D holding kernels and bias."""
    kernels = np.asarray(kernels, float)
    layer = _conv_layer(*kernels.shape, stride, padding)
    layer.set_weights([kernels, np.asarray(bias, float)])
    return np.asarray(layer(np.asarray(x, float)))


@functools.cache
def _pool_layer(kind, pool_size, stride, padding):
    layers = _keras().layers
    pooling = layers.MaxPooling2D if kind == "max" else layers.AveragePooling2D
    return pooling(pool_size, stride, padding, dtype="float64")


def keras_pool(kind):
    """keras.layers.MaxPooling2D (kind "max") or AveragePooling2D (kind "avg") as a function."""
    def pool(x, pool_size=2, stride=None, padding="valid"):
        return np.asarray(_pool_layer(kind, pool_size, stride, padding)(np.asarray(x, float)))
    return pool


@functools.cache
def keras_output_size(n, k, stride, padding):
    """The output length Keras' Conv2D computes along one axis."""
    layer = _keras().layers.Conv2D(1, (k, 1), strides=(stride, 1), padding=padding)
    return layer.compute_output_shape((None, n, 1, 1))[1]


@functools.cache
def keras_dense_params(n_in, n_out):
    layer = _keras().layers.Dense(n_out)
    layer.build((None, n_in))
    return layer.count_params()


@functools.cache
def keras_conv_params(kh, kw, c_in, c_out):
    layer = _keras().layers.Conv2D(c_out, (kh, kw))
    layer.build((None, None, None, c_in))
    return layer.count_params()


# ---------------------------------------------------------------- what known mistakes return

def same_padding(n, k, stride):
    """TensorFlow's "same" padding along one axis: (before, after), the odd cell after."""
    total = max((-(-n // stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _extra_first(n, k, stride):
    before, after = same_padding(n, k, stride)
    return after, before


def _stride_one(n, k, stride):
    return same_padding(n, k, 1)


def _correlate(image, kernel, stride, padding, split=same_padding, flip=False):
    """Cross-correlation (or, with ``flip``, true convolution) of one channel, TensorFlow's way."""
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    if padding == "same":
        image = np.pad(image, [split(n, k, stride) for n, k in zip(image.shape, kernel.shape, strict=False)])
    if any(n < k for n, k in zip(image.shape, kernel.shape, strict=False)):
        return None  # the kernel does not fit: this mistake cannot happen here
    windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel[::-1, ::-1] if flip else kernel)


def conv2d_mistakes(image, kernel, stride=1, padding="valid"):
    """What the classic mistakes of ``conv2d`` return, by mistake id (None: not possible here)."""
    out = {"conv2d.kernel_flipped": _correlate(image, kernel, stride, padding, flip=True)}
    if padding == "same":
        out["conv2d.padding_ignores_stride"] = _correlate(image, kernel, stride, padding, split=_stride_one)
        out["conv2d.extra_padding_first"] = _correlate(image, kernel, stride, padding, split=_extra_first)
        out["conv2d.not_padded"] = _correlate(image, kernel, stride, "valid")
    else:
        out["conv2d.padded"] = _correlate(image, kernel, stride, "same")
        out["conv2d.zeros_like_image"] = np.full(np.shape(image), np.nan)
    if stride > 1:
        out["conv2d.stride_ignored"] = _correlate(image, kernel, 1, padding)
    return out


def _conv_layer_numpy(x, kernels, bias, stride, padding, **options):
    x, kernels = np.asarray(x, float), np.asarray(kernels, float)
    if padding == "valid" and any(n < k for n, k in zip(x.shape[1:3], kernels.shape, strict=False)):
        return None
    maps = [[sum(_correlate(image[:, :, c], kernels[:, :, c, f], stride, padding, **options)
                 for c in range(kernels.shape[2])) for f in range(kernels.shape[3])] for image in x]
    return np.moveaxis(np.array(maps), 1, -1) + np.asarray(bias, float)


def conv2d_layer_mistakes(x, kernels, bias, stride=1, padding="valid"):
    """What the classic mistakes of ``conv2d_layer`` return, by mistake id (None: not possible here)."""
    x, kernels, bias = np.asarray(x, float), np.asarray(kernels, float), np.asarray(bias, float)
    right = _conv_layer_numpy(x, kernels, bias, stride, padding)
    if right is None:
        return {}
    c_in = kernels.shape[2]
    out = {"conv2d_layer.bias_missing": right - bias,
           "conv2d_layer.kernels_flipped": _conv_layer_numpy(x, kernels, bias, stride, padding, flip=True),
           "conv2d_layer.channels_first": np.moveaxis(right, -1, 1),
           "conv2d_layer.first_channel_only": _conv_layer_numpy(x[..., :1], kernels[:, :, :1], bias, stride, padding),
           "conv2d_layer.channels_averaged": (right - bias) / c_in + bias,
           "conv2d_layer.bias_per_channel": right + (c_in - 1) * bias,
           "conv2d_layer.channels_kept_apart": np.full(right.shape[:3] + (c_in * kernels.shape[3],), np.nan)}
    if padding == "same":
        out["conv2d_layer.extra_padding_first"] = _conv_layer_numpy(x, kernels, bias, stride, padding,
                                                                    split=_extra_first)
    if stride > 1:
        out["conv2d_layer.stride_ignored"] = _conv_layer_numpy(x, kernels, bias, 1, padding)
    return out


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


def _pool_mistakes(name, reduce, x, pool_size=2, stride=None, padding="valid"):
    """What the classic mistakes of the pooling ``name`` return, by mistake id (None: not possible here)."""
    step = stride or pool_size
    out = {}
    if stride is None:
        out[f"{name}.stride_one"] = _pool(x, pool_size, 1, padding, reduce)
    if padding == "same":
        out[f"{name}.zero_padding"] = _pool(x, pool_size, step, padding, reduce, fill=0.0)
        out[f"{name}.extra_padding_first"] = _pool(x, pool_size, step, padding, reduce, split=_extra_first)
        out[f"{name}.not_padded"] = _pool(x, pool_size, step, "valid", reduce)
    else:
        out[f"{name}.padded"] = _pool(x, pool_size, step, "same", reduce)
    if stride is not None and stride != pool_size:
        out[f"{name}.stride_ignored"] = _pool(x, pool_size, pool_size, padding, reduce)
    return out


def max_pool2d_mistakes(x, pool_size=2, stride=None, padding="valid"):
    """What the classic mistakes of ``max_pool2d`` return, by mistake id."""
    return _pool_mistakes("max_pool2d", np.nanmax, x, pool_size, stride, padding)


def avg_pool2d_mistakes(x, pool_size=2, stride=None, padding="valid"):
    """What the classic mistakes of ``avg_pool2d`` return, by mistake id."""
    return _pool_mistakes("avg_pool2d", np.nanmean, x, pool_size, stride, padding)


def dense_mistakes(x, W, b, activation=None):
    """What the classic mistakes of ``dense`` return, by mistake id."""
    x, W, b = np.asarray(x, float), np.asarray(W, float), np.asarray(b, float)
    act = activation or (lambda z: z)
    out = {"dense.bias_missing": act(x @ W), "dense.activation_before_bias": act(x @ W) + b}
    if W.shape[0] == W.shape[1]:
        out["dense.transposed"] = act(x @ W.T + b)
    if activation is not None:
        out["dense.activation_missing"] = x @ W + b
    return out


def conv_output_size_mistakes(n, k, stride, padding):
    """What the classic mistakes of ``conv_output_size`` return, by mistake id."""
    if padding == "same":
        return {"conv_output_size.same_rounded_down": n // stride, "conv_output_size.same_stride_ignored": n,
                "conv_output_size.same_symmetric_padding": (n + 2 * ((k - 1) // 2) - k) // stride + 1}
    return {"conv_output_size.valid_rounded_up": -(-(n - k) // stride) + 1,
            "conv_output_size.valid_plus_one_missing": (n - k) // stride,
            "conv_output_size.valid_stride_ignored": n - k + 1, "conv_output_size.valid_is_same": -(-n // stride)}


def dense_params_mistakes(n_in, n_out):
    """What the classic mistakes of ``dense_params`` return, by mistake id."""
    return {"dense_params.biases_missing": n_in * n_out, "dense_params.bias_per_input": n_in * n_out + n_in,
            "dense_params.no_matrix": n_in + n_out}


def conv_params_mistakes(kh, kw, c_in, c_out):
    """What the classic mistakes of ``conv_params`` return, by mistake id."""
    return {"conv_params.biases_missing": kh * kw * c_in * c_out,
            "conv_params.channels_missing": kh * kw * c_out + c_out,
            "conv_params.bias_per_channel": kh * kw * c_in * c_out + c_in,
            "conv_params.bias_per_slice": kh * kw * c_in * c_out + c_in * c_out}


# ---------------------------------------------------------------- questions

def _ask_dense(rng):
    _import_keras_meanwhile()  # the first cell's questions: the notebook is about to run
    cases = []
    for m, n_in, n_out, activation in ((3, 4, 4, None), (4, 4, 4, "tanh"), (5, 3, 1, "exp"), (1, 784, 10, None),
                                       (6, 5, 3, "tanh"), (2, 2, 7, "exp"), (3, 3, 3, "identity")):
        scale = 0.5 if activation == "exp" else 1.0  # exp of moderate sums only
        args = (rng.normal(size=(m, n_in)), rng.normal(0, scale, size=(n_in, n_out)), rng.normal(size=n_out))
        cases.append((args, {"activation": Function(activation)} if activation else {}))
    cases.append((([[1.0, -2.0, 0.5]], [[0.3, 0.1], [-0.7, 0.2], [0.5, 0.5]], [0.2, -0.1]), {}))  # lists
    pixels = rng.integers(0, 256, size=(3, 16))                                 # integer inputs
    cases.append(((pixels, rng.normal(0, 0.01, size=(16, 4)), np.zeros(4)), {"activation": Function("tanh")}))
    return calls("dense", cases, with_kwargs=True)


def _ask_dense_params(rng):
    cases = [(784, 128), (1, 1), (800, 10), (128, 10), (5, 1), (1, 5), (3072, 64)]
    cases += [tuple(int(v) for v in rng.integers(2, 300, size=2)) for _ in range(4)]
    return calls("dense_params", cases)


def _ask_conv_output_size(rng):
    cases = [(28, 3, 1, "valid"), (26, 2, 2, "valid"), (13, 3, 1, "valid"), (11, 2, 2, "valid"),  # the CNN
             (5, 5, 1, "valid"), (9, 1, 1, "valid"), (9, 1, 3, "valid"), (10, 2, 3, "valid"),
             (7, 2, 1, "same"), (28, 4, 1, "same"), (7, 3, 2, "same"), (8, 3, 2, "same"),
             (3, 5, 1, "same"), (5, 3, 7, "same"), (9, 1, 3, "same"), (np.int64(30), np.int64(4), np.int64(4), "same")]
    for _ in range(12):
        k, stride = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        n = int(rng.integers(max(4, k), 40))  # a window never larger than the input: "valid" has no output then
        cases += [(n, k, stride, "valid"), (n, k, stride, "same")]
    return calls("conv_output_size", cases)


def _ask_conv2d(rng):
    image = kernel = lambda h, w: rng.normal(size=(h, w))  # noqa: E731
    cases = [((image(7, 8), kernel(3, 3)), {}),                                       # defaults
             (([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[0, 1], [1, 0]]), {}),            # lists of ints
             ((rng.integers(0, 256, size=(9, 11)).astype(np.uint8), np.array(public.SETOSA["top_sobel"], float)),
              {"padding": "same"}),                                                 # an 8-bit image
             ((image(6, 5), kernel(1, 1)), {"stride": 2}),
             ((image(6, 5), kernel(1, 1)), {"stride": 2, "padding": "same"}),
             ((image(4, 5), kernel(4, 5)), {}),                                       # kernel = image: 1 × 1
             ((image(5, 6), kernel(2, 2)), {"padding": "same"}),                      # even kernels: split
             ((image(9, 7), kernel(4, 4)), {"padding": "same"}),
             ((image(9, 7), kernel(4, 4)), {"stride": 2, "padding": "same"}),
             ((image(8, 8), kernel(3, 3)), {"stride": 2, "padding": "same"}),         # the split depends on stride
             ((image(7, 9), kernel(1, 3)), {"padding": "same"}),                      # non-square kernels
             ((image(7, 9), kernel(3, 1)), {"stride": 2}),
             ((image(8, 9), kernel(2, 3)), {"stride": 3, "padding": "same"}),
             ((image(10, 9), kernel(2, 2)), {"stride": 3}),                           # stride > kernel
             ((image(6, 6), kernel(2, 2)), {"stride": 2, "padding": "same"}),         # no padding needed
             ((image(3, 3), kernel(5, 5)), {"padding": "same"}),                      # kernel > image
             ((image(11, 10), kernel(3, 3), 2, "same"), {})]                          # positional
    return calls("conv2d", cases, with_kwargs=True)


def _judge_kernels(questions, records, names=public.CORE_KERNELS):
    (record,) = matching(questions, records)
    kernels = expect_answered(record, "KERNELS")
    if isinstance(kernels, Opaque):
        raise CheckFailed(f"KERNELS is a {kernels.type_name}; expected a dict from names to 3 × 3 arrays.")
    public.expect_kernels(kernels, names)  # the values are the whole domain: the public check is complete


def _ask_conv2d_layer(rng):
    cases = []
    for (m, h, w, c_in), (kh, kw, c_out), kwargs in (
            ((2, 6, 7, 3), (3, 3, 4), {}),
            ((2, 7, 6, 2), (2, 2, 3), {"stride": 2, "padding": "same"}),
            ((1, 5, 5, 4), (1, 1, 2), {}),
            ((1, 8, 8, 1), (3, 3, 1), {"padding": "same"}),
            ((3, 9, 9, 2), (3, 2, 5), {"stride": 2}),
            ((1, 6, 5, 3), (4, 4, 2), {"padding": "same"}),
            ((2, 7, 7, 1), (5, 5, 3), {"stride": 3})):
        args = (rng.normal(size=(m, h, w, c_in)), rng.normal(size=(kh, kw, c_in, c_out)), rng.normal(size=c_out))
        cases.append((args, kwargs))
    cases.append(((rng.normal(size=(1, 5, 6, 2)), rng.normal(size=(3, 3, 2, 2)), [0.5, -0.5], 1, "same"), {}))
    return calls("conv2d_layer", cases, with_kwargs=True)


def _ask_conv_params(rng):
    cases = [(3, 3, 1, 16), (3, 3, 16, 32), (1, 1, 8, 4), (5, 5, 3, 6), (2, 3, 4, 5), (7, 7, 3, 64),
             (3, 3, 1, 1), (1, 1, 1, 1)]
    cases += [tuple(int(v) for v in rng.integers(1, 9, size=4)) for _ in range(3)]
    return calls("conv_params", cases)


def _ask_pool(name):
    def ask(rng):
        x = lambda *shape: rng.normal(size=shape)  # noqa: E731
        negative = -np.abs(x(1, 5, 5, 2)) - 0.1
        return calls(name, [
            ((x(2, 6, 6, 3),), {}),                                             # defaults
            ((x(1, 7, 5, 2),), {}),                                             # odd sizes: floor
            ((x(1, 7, 5, 2),), {"padding": "same"}),                            # odd sizes: the extra cell
            ((x(2, 8, 7, 1),), {"pool_size": 3, "stride": 2, "padding": "same"}),
            ((x(1, 9, 9, 2),), {"pool_size": 3, "stride": None}),
            ((x(1, 5, 5, 1),), {"stride": 1}),                                  # overlapping windows
            ((x(1, 5, 5, 1),), {"stride": 1, "padding": "same"}),
            ((x(1, 10, 9, 2),), {"stride": 3}),                                 # stride > pool size
            ((x(1, 10, 9, 2),), {"stride": 3, "padding": "same"}),
            ((negative,), {"padding": "same"}),                                 # all negative
            ((negative,), {"pool_size": 3, "stride": 2, "padding": "same"}),
            ((x(1, 6, 7, 2), 3, 2, "same"), {}),                                # positional
            ((np.round(x(1, 4, 4, 1), 2).tolist(),), {})], with_kwargs=True)    # a nested list
    return ask


CHECKS = {
    "test_dense": Check(_ask_dense, _judge_outputs(keras_dense, dense_mistakes)),
    "test_dense_params": Check(_ask_dense_params, _judge_counts(keras_dense_params, dense_params_mistakes)),
    "test_conv_output_size": Check(_ask_conv_output_size,
                                   _judge_counts(keras_output_size, conv_output_size_mistakes)),
    "test_conv2d": Check(_ask_conv2d, _judge_outputs(tf_conv2d, conv2d_mistakes)),
    "test_kernels": Check(lambda rng: [{"call": "value"}], _judge_kernels),
    "test_more_kernels": Check(lambda rng: [{"call": "value"}],
                               functools.partial(_judge_kernels, names=public.MORE_KERNELS)),
    "test_conv2d_layer": Check(_ask_conv2d_layer, _judge_outputs(keras_conv2d, conv2d_layer_mistakes,
                                                                 rtol=1e-5, atol=1e-5)),
    "test_conv_params": Check(_ask_conv_params, _judge_counts(keras_conv_params, conv_params_mistakes)),
    "test_max_pool2d": Check(_ask_pool("max_pool2d"), _judge_outputs(keras_pool("max"), max_pool2d_mistakes)),
    "test_avg_pool2d": Check(_ask_pool("avg_pool2d"), _judge_outputs(keras_pool("avg"), avg_pool2d_mistakes)),
}
