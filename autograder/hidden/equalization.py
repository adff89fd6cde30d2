"""Hidden tests for 05-equalization.

Every random image has an odd number of pixels, so round(cdf · (levels - 1)) never meets an exact .5
(ties are not graded); images for OpenCV's variant are redrawn until its map has no tie either.
"""
import cv2
import numpy as np

from course.checking import learner_facing
from course.checks import equalization as public
from course.photos import astronaut, camera, dark

from ..reference import reference

SEED = 505


def _ref():
    return reference("05-equalization")


def _images(seed):
    """(image, levels): the slide in three forms, constant and few-level images, then seeded random ones."""
    rng = np.random.default_rng(seed)
    yield public.SLIDE, 8
    yield public.SLIDE.tolist(), 8                                                 # a list: int64
    yield public.SLIDE.astype(np.int32), 8
    yield np.full((5, 7), 3, np.uint8), 8                                          # constant
    yield np.full((9, 11), 200, np.uint8), 256
    yield rng.choice(np.array([10, 11, 200], np.uint8), size=(15, 17)), 256        # three levels
    yield rng.choice(np.array([0, 255], np.uint8), size=(1, 31)), 256              # black and white only
    yield (255 * rng.beta(1.2, 8.0, size=(31, 33))).astype(np.uint8), 256          # a dark photo's histogram
    yield rng.integers(0, 256, size=(45, 63), dtype=np.uint8), 256                 # every level
    yield rng.integers(100, 140, size=(3, 5, 7), dtype=np.uint8), 256              # three axes
    yield rng.integers(0, 1024, size=(21, 25), dtype=np.uint16), 1024              # 10-bit in uint16
    yield rng.integers(2, 14, size=(1, 49)).astype(np.int16), 16
    yield rng.integers(0, 64, size=(9, 9)), 64                                     # int64


def _histograms(seed):
    """Histograms of the images above, plus random ones: some empty levels, an odd total of at most a few
    thousand pixels (so no .5 is within float32 rounding of cdf · (levels - 1))."""
    ref = _ref()
    for image, levels in _images(seed):
        yield ref.histogram(image, levels)
    rng = np.random.default_rng(seed + 1)
    for levels in (2, 8, 16, 256, 1000):
        hist = rng.integers(0, max(3, 3000 // levels), size=levels) * (rng.random(levels) < 0.7)
        hist[rng.integers(levels)] += 1 - hist.sum() % 2
        yield hist
    yield [0, 3, 0, 4, 0, 2]                                                       # a list


def _opencv_tie(image):
    """Whether OpenCV's map meets an exact .5 (its float32 rounding may then differ from float64)."""
    counts = np.cumsum(np.bincount(image.ravel(), minlength=256))[np.unique(image)]
    spread = image.size - counts[0]
    return spread > 0 and bool(np.any((2 * 255 * (counts - counts[0])) % (2 * spread) == spread))


def _crop(photo, rng, size=40):
    """A photo shrunk to about size × size, with a random margin cut off."""
    small = cv2.resize(photo, (size + 8, size + 8), interpolation=cv2.INTER_AREA)
    top, left = rng.integers(0, 8, size=2)
    return np.ascontiguousarray(small[top:top + size, left:left + size - rng.integers(0, 3)])


def _luma_tie(image_bgr):
    return _opencv_tie(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2YCrCb)[..., 0])


def _without_ties(draw, rng, tie=_opencv_tie):
    """The first image ``draw(rng)`` makes whose OpenCV map has no tie."""
    image = draw(rng)
    while tie(image):
        image = draw(rng)
    return image


def _gray_8bit(seed):
    """2-D uint8 images for OpenCV's variant: the slide, constants, few levels, photos' histograms, noise."""
    rng = np.random.default_rng(seed)
    yield public.SLIDE
    yield np.full((6, 8), 77, np.uint8)
    yield np.zeros((3, 3), np.uint8)
    yield np.full((4, 4), 255, np.uint8)
    yield np.array([[50, 60, 60], [60, 60, 60]], np.uint8)                         # two levels
    draws = [lambda r: r.choice(np.array([0, 128, 129], np.uint8), size=(13, 17)),  # level 0 in use
             lambda r: r.choice(np.array([30, 31, 250], np.uint8), size=(20, 24)),
             lambda r: (255 * r.beta(1.2, 8.0, size=(32, 40))).astype(np.uint8),
             lambda r: (40 + 120 * r.beta(5.0, 2.0, size=(37, 29))).astype(np.uint8),
             lambda r: r.integers(0, 256, size=(48, 64), dtype=np.uint8),
             lambda r: r.integers(1, 255, size=(1, 60), dtype=np.uint8),
             lambda r: _crop(dark(camera()), r)]
    for draw in draws:
        yield _without_ties(draw, rng)


def _color_8bit(seed):
    """BGR uint8 images whose luma has no tie: one colour, gray, few colours, noise, a dark photo."""
    rng = np.random.default_rng(seed)
    draws = [lambda r: np.repeat(r.integers(0, 256, size=(9, 11, 1), dtype=np.uint8), 3, axis=2),
             lambda r: r.choice(r.integers(0, 256, size=(4, 3), dtype=np.uint8), size=(15, 13)),
             lambda r: r.integers(0, 256, size=(24, 32, 3), dtype=np.uint8),
             lambda r: (80 * r.beta(2.0, 5.0, size=(33, 35, 3))).astype(np.uint8),
             lambda r: _crop(dark(astronaut(), high=60), r)]
    yield np.full((5, 6, 3), (40, 90, 160), np.uint8)                              # one colour
    for draw in draws:
        yield _without_ties(draw, rng, tie=_luma_tie)


def _dtype(image):
    """The dtype equalize must keep: the array's own, or any integer dtype for a list."""
    return image.dtype if isinstance(image, np.ndarray) else None


@learner_facing
def histogram(histogram):
    for image, levels in _images(SEED):
        public.run_case(histogram, "histogram", (image, levels), _ref().histogram(image, levels),
                        mistakes=public.histogram_mistakes(image, levels))


@learner_facing
def pdf(pdf):
    for hist in _histograms(SEED):
        public.run_case(pdf, "pdf", (hist,), _ref().pdf(hist), mistakes=public.pdf_mistakes(hist), floats=True)


@learner_facing
def cdf(cdf):
    for hist in _histograms(SEED):
        public.run_case(cdf, "cdf", (hist,), _ref().cdf(hist), mistakes=public.cdf_mistakes(hist), floats=True)


@learner_facing
def equalization_map(equalization_map):
    for hist in _histograms(SEED):
        public.run_case(equalization_map, "equalization_map", (hist,), _ref().equalization_map(hist),
                        mistakes=public.equalization_map_mistakes(hist))


@learner_facing
def equalize(equalize):
    for image, levels in _images(SEED):
        constant = np.ptp(np.asarray(image)) == 0
        public.run_case(equalize, "equalize", (image, levels), _ref().equalize(image, levels),
                        mistakes=public.equalize_mistakes(image, levels), dtype=_dtype(image),
                        hint=public.CONSTANT if constant else "")


@learner_facing
def equalize_like_opencv(equalize_like_opencv):
    for image in _gray_8bit(SEED):
        constant = np.ptp(image) == 0
        public.run_case(equalize_like_opencv, "equalize_like_opencv", (image,), _ref().equalize_like_opencv(image),
                        mistakes=public.equalize_like_opencv_mistakes(image), dtype=np.uint8,
                        hint=public.CONSTANT + " OpenCV returns it unchanged." if constant else "")


@learner_facing
def equalize_color(equalize_color):
    for image in _color_8bit(SEED):
        public.run_case(equalize_color, "equalize_color", (image,), _ref().equalize_color(image),
                        mistakes=public.equalize_color_mistakes(image), dtype=np.uint8)
