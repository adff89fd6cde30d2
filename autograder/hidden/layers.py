"""Hidden tests for 04-layers: TensorFlow and Keras are the oracle, the public checks' known
mistakes explain a wrong answer. TensorFlow is imported lazily and each Keras layer is built
once per configuration, then reused with new weights."""
import functools

import numpy as np

from course.checking import call, learner_facing, signature
from course.checks import layers as public

SEED = 404
ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh,
               "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))}
KERAS_NAME = {fn: name for name, fn in ACTIVATIONS.items()}


def _keras():
    import keras  # after course (imported above), so TensorFlow stays quiet

    return keras


def _against(fn, oracle, cases, name, mistakes, **tolerances):
    """Compare ``fn(*args, **kwargs)`` with the oracle for every ``(args, kwargs)`` in ``cases``."""
    for args, kwargs in cases:
        got = call(fn, *args, name=name, **kwargs)
        public.expect_output(got, oracle(*args, **kwargs), signature(name, args, kwargs),
                             mistakes=mistakes(*args, **kwargs), **tolerances)


def _counts(fn, oracle, cases, name, mistakes):
    for args in cases:
        public.expect_count(call(fn, *args, name=name), oracle(*args), signature(name, args), mistakes(*args))


# ---------------------------------------------------------------- oracles

@functools.cache
def _dense_layer(n_in, n_out, activation):
    layer = _keras().layers.Dense(n_out, activation=activation, dtype="float64")
    layer.build((None, n_in))
    return layer


def keras_dense(x, W, b, activation=None):
    """keras.layers.Dense holding W and b."""
    W = np.asarray(W, float)
    layer = _dense_layer(*W.shape, KERAS_NAME.get(activation))
    layer.set_weights([W, np.asarray(b, float)])
    return np.asarray(layer(np.asarray(x, float)))


def tf_conv2d(image, kernel, stride=1, padding="valid"):
    """tf.nn.conv2d on one channel."""
    import tensorflow as tf

    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    return tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride, padding.upper())[0, :, :, 0].numpy()


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


# ---------------------------------------------------------------- hidden checks

@learner_facing
def dense(dense):
    rng = np.random.default_rng(SEED)
    cases = [(([[1.0, -2.0, 0.5]], [[0.3, 0.1], [-0.7, 0.2], [0.5, 0.5]], [0.2, -0.1]), {})]  # lists
    for m, n_in, n_out, activation in ((4, 4, 4, "tanh"), (3, 4, 4, None), (5, 3, 1, "relu"), (1, 784, 10, None),
                                       (6, 5, 3, "sigmoid"), (2, 2, 7, "relu")):
        args = (rng.normal(size=(m, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))
        cases.append((args, {"activation": ACTIVATIONS[activation]} if activation else {}))
    pixels = rng.integers(0, 256, size=(3, 16))                                 # integer inputs
    cases.append(((pixels, rng.normal(0, 0.05, size=(16, 4)), np.zeros(4)), {"activation": ACTIVATIONS["relu"]}))
    _against(dense, keras_dense, cases, "dense", public.dense_mistakes)


@learner_facing
def dense_params(dense_params):
    rng = np.random.default_rng(SEED + 1)
    cases = [(784, 128), (1, 1), (800, 10), (128, 10), (5, 1), (1, 5), (3072, 64)]
    cases += [tuple(int(v) for v in rng.integers(2, 300, size=2)) for _ in range(4)]
    _counts(dense_params, keras_dense_params, cases, "dense_params", public.dense_params_mistakes)


@learner_facing
def conv_output_size(conv_output_size):
    rng = np.random.default_rng(SEED + 2)
    cases = [(28, 3, 1, "valid"), (26, 2, 2, "valid"), (13, 3, 1, "valid"), (11, 2, 2, "valid"),  # the CNN
             (5, 5, 1, "valid"), (9, 1, 1, "valid"), (9, 1, 3, "valid"), (10, 2, 3, "valid"),
             (7, 2, 1, "same"), (28, 4, 1, "same"), (7, 3, 2, "same"), (8, 3, 2, "same"),
             (3, 5, 1, "same"), (5, 3, 7, "same"), (9, 1, 3, "same"), (np.int64(30), np.int64(4), np.int64(4), "same")]
    for _ in range(12):
        n, k, stride = (int(v) for v in (rng.integers(4, 40), rng.integers(1, 6), rng.integers(1, 5)))
        cases += [(n, k, stride, "valid"), (n, k, stride, "same")]
    _counts(conv_output_size, lambda n, k, s, p: keras_output_size(int(n), int(k), int(s), p), cases,
            "conv_output_size", public.conv_output_size_mistakes)


@learner_facing
def conv2d(conv2d):
    rng = np.random.default_rng(SEED + 3)
    image = lambda h, w: rng.normal(size=(h, w))  # noqa: E731
    kernel = lambda h, w: rng.normal(size=(h, w))  # noqa: E731
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
             ((image(8, 8), kernel(3, 3)), {"stride": 2, "padding": "same"}),         # the split depends on the stride
             ((image(7, 9), kernel(1, 3)), {"padding": "same"}),                      # non-square kernels
             ((image(7, 9), kernel(3, 1)), {"stride": 2}),
             ((image(8, 9), kernel(2, 3)), {"stride": 3, "padding": "same"}),
             ((image(10, 9), kernel(2, 2)), {"stride": 3}),                           # stride > kernel
             ((image(6, 6), kernel(2, 2)), {"stride": 2, "padding": "same"}),         # no padding needed
             ((image(3, 3), kernel(5, 5)), {"padding": "same"}),                      # kernel > image
             ((image(11, 10), kernel(3, 3), 2, "same"), {})]                          # positional
    _against(conv2d, tf_conv2d, cases, "conv2d", public.conv2d_mistakes)


@learner_facing
def kernels(kernels):
    public.kernels_match(kernels)  # the values are the whole domain: the public check is complete


@learner_facing
def conv2d_layer(conv2d_layer):
    rng = np.random.default_rng(SEED + 4)
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
    _against(conv2d_layer, keras_conv2d, cases, "conv2d_layer", public.conv2d_layer_mistakes,
             rtol=1e-5, atol=1e-5)


@learner_facing
def conv_params(conv_params):
    cases = [(3, 3, 1, 16), (3, 3, 16, 32), (1, 1, 8, 4), (5, 5, 3, 6), (2, 3, 4, 5), (7, 7, 3, 64),
             (3, 3, 1, 1), (1, 1, 1, 1)]
    _counts(conv_params, keras_conv_params, cases, "conv_params", public.conv_params_mistakes)


def _pool_cases(seed):
    rng = np.random.default_rng(seed)
    x = lambda *shape: rng.normal(size=shape)  # noqa: E731
    negative = -np.abs(x(1, 5, 5, 2)) - 0.1
    return [((x(2, 6, 6, 3),), {}),                                             # defaults
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
            ((np.round(x(1, 4, 4, 1), 2).tolist(),), {})]                       # a nested list


@learner_facing
def max_pool2d(max_pool2d):
    _against(max_pool2d, keras_pool("max"), _pool_cases(SEED + 5), "max_pool2d", public.max_pool2d_mistakes)


@learner_facing
def avg_pool2d(avg_pool2d):
    _against(avg_pool2d, keras_pool("avg"), _pool_cases(SEED + 6), "avg_pool2d", public.avg_pool2d_mistakes)
