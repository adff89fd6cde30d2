"""Hidden checks for 05-equalization: questions for the kernel, judged here against the reference;
the known mistakes (computed here, never in ``course``) explain a wrong answer.

Every random image has an odd number of pixels, so round(cdf · (levels - 1)) never meets an exact .5
(ties are not graded); images for OpenCV's variant are redrawn until its map has no tie either.
"""
import cv2
import numpy as np

from autograder.judging.answered import answered, calls
from autograder.judging.questions import Check
from autograder.judging.reference import reference
from course.checking import CheckFailed, with_hint
from course.checks import equalization as public
from course.photos import astronaut, camera, dark


def _ref():
    return reference("05-equalization")


# ---- what plausible mistakes return, by mistake id (public.MISTAKES has their diagnoses) ------------------

def _cdf(hist):
    hist = np.asarray(hist, float)
    return np.cumsum(hist) / hist.sum()


def _slide_map(hist, top=None):
    """round(cdf · top) with top = levels - 1 unless given."""
    return np.round(_cdf(hist) * (len(hist) - 1 if top is None else top))


def histogram_mistakes(image, levels=256):
    image = np.asarray(image).ravel()
    return {"histogram.ten_bins": np.histogram(image)[0],
            "histogram.range_missing": np.histogram(image, bins=levels)[0],
            "histogram.one_bin_short": np.histogram(image, bins=np.arange(levels))[0],
            "histogram.minlength_missing": np.bincount(image),
            "histogram.fractions": np.bincount(image, minlength=levels) / image.size}


def pdf_mistakes(hist):
    hist = np.asarray(hist, float)
    return {"pdf.not_normalised": hist, "pdf.divided_by_levels": hist / len(hist),
            "pdf.percentages": 100 * hist / hist.sum(), "pdf.cdf_instead": _cdf(hist)}


def cdf_mistakes(hist):
    hist = np.asarray(hist, float)
    return {"cdf.not_normalised": np.cumsum(hist), "cdf.pdf_instead": hist / hist.sum(),
            "cdf.exclusive": _cdf(hist) - hist / hist.sum(),
            "cdf.reversed": np.cumsum(hist[::-1])[::-1] / hist.sum()}


def equalization_map_mistakes(hist):
    levels = len(hist)
    cdf = _cdf(hist)
    return {"equalization_map.scaled_by_levels": _slide_map(hist, levels),
            "equalization_map.floor": np.floor(cdf * (levels - 1)),
            "equalization_map.ceil": np.ceil(cdf * (levels - 1) - 1e-9),
            "equalization_map.cdf_not_normalised": np.round(np.cumsum(np.asarray(hist, float)) * (levels - 1)),
            "equalization_map.scaled_by_255": _slide_map(hist, 255),
            "equalization_map.rounded_first": np.round(cdf) * (levels - 1)}


def _apply(image, lut):
    return np.asarray(lut)[np.asarray(image)]


def _opencv(image):
    """What cv2.equalizeHist returns for a 2-D uint8 image (and None for other shapes)."""
    image = np.asarray(image)
    return cv2.equalizeHist(image) if image.ndim == 2 and image.size else None


def equalize_mistakes(image, levels=256):
    hist = np.bincount(np.asarray(image).ravel(), minlength=levels)
    return {"equalize.levels_ignored": _apply(image, _slide_map(np.bincount(np.asarray(image).ravel(), minlength=256)))
            if levels != 256 else None,
            "equalize.scaled_by_levels": _apply(image, _slide_map(hist, levels)),
            "equalize.floor": _apply(image, np.floor(_cdf(hist) * (levels - 1))),
            "equalize.opencv_variant": _opencv(image) if np.asarray(image).dtype == np.uint8 else None}


def equalize_like_opencv_mistakes(image):
    image = np.asarray(image)
    hist = np.bincount(image.ravel(), minlength=256)
    counts = np.cumsum(hist)
    lowest = counts[image.min()]
    stretch = (counts - lowest) / max(image.size - lowest, 1)
    return {"equalize_like_opencv.no_stretch": _apply(image, _slide_map(hist)),
            "equalize_like_opencv.floor": _apply(image, np.clip(np.floor(stretch * 255), 0, 255)),
            "equalize_like_opencv.scaled_by_256": _apply(image, np.clip(np.round(stretch * 256), 0, 255))}


def equalize_color_mistakes(image_bgr):
    image = np.asarray(image_bgr, np.uint8)

    def luma(to, back, channel=0, eq=cv2.equalizeHist):
        planes = list(cv2.split(cv2.cvtColor(image, to)))
        planes[channel] = eq(planes[channel])
        merged = cv2.merge(planes)
        return merged if back is None else cv2.cvtColor(merged, back)

    slide = lambda y: _apply(y, _slide_map(np.bincount(y.ravel(), minlength=256))).astype(np.uint8)  # noqa: E731
    return {"equalize_color.per_channel": cv2.merge([cv2.equalizeHist(c) for c in cv2.split(image)]),
            "equalize_color.rgb_codes": luma(cv2.COLOR_RGB2YCrCb, cv2.COLOR_YCrCb2RGB),
            "equalize_color.back_to_rgb": luma(cv2.COLOR_BGR2YCrCb, cv2.COLOR_YCrCb2BGR)[..., ::-1],
            "equalize_color.still_ycrcb": luma(cv2.COLOR_BGR2YCrCb, None),
            "equalize_color.cr_channel": luma(cv2.COLOR_BGR2YCrCb, cv2.COLOR_YCrCb2BGR, 1),
            "equalize_color.hsv": luma(cv2.COLOR_BGR2HSV, cv2.COLOR_HSV2BGR, 2),
            "equalize_color.slide_formula": luma(cv2.COLOR_BGR2YCrCb, cv2.COLOR_YCrCb2BGR, eq=slide)}


# ---- the questions: inputs -------------------------------------------------------------------------------

def _images(rng):
    """(image, levels): the slide in three forms, constant and few-level images, then random ones."""
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


def _histograms(rng):
    """Counts shaped like the images' histograms above (of other random images), plus random ones: some
    empty levels, an odd total of at most a few thousand pixels (so no .5 is within float32 rounding of
    cdf · (levels - 1))."""
    for image, levels in _images(rng):
        yield np.bincount(np.asarray(image).ravel(), minlength=levels)
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


def _gray_8bit(rng):
    """2-D uint8 images for OpenCV's variant: the slide, constants, few levels, photos' histograms, noise."""
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


def _color_8bit(rng):
    """BGR uint8 images whose luma has no tie: one colour, gray, few colours, noise, a dark photo."""
    draws = [lambda r: np.repeat(r.integers(0, 256, size=(9, 11, 1), dtype=np.uint8), 3, axis=2),
             lambda r: r.choice(r.integers(0, 256, size=(4, 3), dtype=np.uint8), size=(15, 13)),
             lambda r: r.integers(0, 256, size=(24, 32, 3), dtype=np.uint8),
             lambda r: (80 * r.beta(2.0, 5.0, size=(33, 35, 3))).astype(np.uint8),
             lambda r: _crop(dark(astronaut(), high=60), r)]
    yield np.full((5, 6, 3), (40, 90, 160), np.uint8)                              # one colour
    for draw in draws:
        yield _without_ties(draw, rng, tie=_luma_tie)


# ---- judging ---------------------------------------------------------------------------------------------

def _dtype(image):
    """The dtype equalize must keep: the array's own, or any integer dtype for a list."""
    return image.dtype if isinstance(image, np.ndarray) else None


def _constant(image):
    return np.ptp(np.asarray(image)) == 0


def _check(name, inputs, reference_name=None, mistakes=None, floats=False, dtype=None, hint=None, levels=None):
    """A check asking ``name`` on each tuple of arguments from ``inputs(rng)``; each answer is compared
    with the reference's, with ``mistakes(*args)`` to diagnose (the number of levels they name
    ``levels(*args)``), ``dtype(*args)`` the dtype it must have and ``hint(*args)`` what is special
    about the input."""
    def ask(rng):
        return calls(name, inputs(rng))

    def judge(questions, records):
        reference_fn = getattr(_ref(), reference_name or name)
        for args, _, where, got in answered(questions, records, hint=hint):
            try:
                public.expect_result(got, reference_fn(*args), where, floats=floats,
                                     mistakes=public.diagnosed(mistakes(*args), levels(*args) if levels else None),
                                     dtype=dtype(*args) if dtype else None)
            except CheckFailed as failure:
                raise with_hint(failure, hint(*args) if hint else "") from None
    return Check(ask, judge)


CHECKS = {
    "test_histogram": _check("histogram", _images, mistakes=histogram_mistakes),
    "test_pdf": _check("pdf", lambda rng: ((h,) for h in _histograms(rng)), mistakes=pdf_mistakes, floats=True),
    "test_cdf": _check("cdf", lambda rng: ((h,) for h in _histograms(rng)), mistakes=cdf_mistakes, floats=True),
    "test_equalization_map": _check("equalization_map", lambda rng: ((h,) for h in _histograms(rng)),
                                    mistakes=equalization_map_mistakes, levels=len),
    "test_equalize": _check("equalize", _images, mistakes=equalize_mistakes, dtype=lambda image, levels: _dtype(image),
                            hint=lambda image, levels: public.CONSTANT if _constant(image) else "",
                            levels=lambda image, levels: levels),
    "test_equalize_like_opencv": _check(
        "equalize_like_opencv", lambda rng: ((image,) for image in _gray_8bit(rng)),
        mistakes=equalize_like_opencv_mistakes, dtype=lambda image: np.uint8,
        hint=lambda image: public.CONSTANT + " OpenCV returns it unchanged." if _constant(image) else ""),
    "test_equalize_color": _check("equalize_color", lambda rng: ((image,) for image in _color_8bit(rng)),
                                  mistakes=equalize_color_mistakes, dtype=lambda image: np.uint8),
}
