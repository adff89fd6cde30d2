"""Public checks for 05-equalization: the workshop's 5 × 5 example and tiny images you can count by hand."""
import cv2
import numpy as np

from course.checking import CheckFailed, call, expect_array, learner_facing, passed, signature

SLIDE = np.array([[4, 4, 4, 4, 4], [3, 4, 5, 4, 3], [3, 5, 5, 5, 3], [3, 4, 5, 4, 3], [4, 4, 4, 4, 4]], np.uint8)
SLIDE_LEVELS = 8
SLIDE_HIST = np.array([0, 0, 0, 6, 14, 5, 0, 0])
SLIDE_PDF = np.array([0, 0, 0, 0.24, 0.56, 0.2, 0, 0])
SLIDE_CDF = np.array([0, 0, 0, 0.24, 0.8, 1.0, 1.0, 1.0])
SLIDE_MAP = np.array([0, 0, 0, 2, 6, 7, 7, 7])
SLIDE_EQUALIZED = np.array([[6, 6, 6, 6, 6], [2, 6, 7, 6, 2], [2, 7, 7, 7, 2], [2, 6, 7, 6, 2], [6, 6, 6, 6, 6]],
                           np.uint8)
SLIDE_OPENCV = np.where(SLIDE == 3, 0, np.where(SLIDE == 4, 188, 255)).astype(np.uint8)  # 4 → round(14/19 · 255)


# ---- what plausible mistakes return, keyed by their diagnosis --------------------------------------------

def _cdf(hist):
    hist = np.asarray(hist, float)
    return np.cumsum(hist) / hist.sum()


def _slide_map(hist, top=None):
    """round(cdf · top) with top = levels - 1 unless given."""
    return np.round(_cdf(hist) * (len(hist) - 1 if top is None else top))


def histogram_mistakes(image, levels=256):
    image = np.asarray(image).ravel()
    return {
        "np.histogram's default is 10 bins; pass bins=levels and range=(0, levels).": np.histogram(image)[0],
        "np.histogram(image, bins=levels) without range= spreads the bins from the image's smallest to its "
        "largest value, not over 0..levels-1; pass range=(0, levels).": np.histogram(image, bins=levels)[0],
        "Off by one: levels - 1 bins, and the last one holds two levels (levels-2 and levels-1); the bin "
        "edges must run from 0 to levels (bins=np.arange(levels + 1)).":
            np.histogram(image, bins=np.arange(levels))[0],
        "np.bincount stops at the largest level present in the image; pass minlength=levels.": np.bincount(image),
        "These are fractions, not counts: the histogram counts pixels (that is the pdf's job).":
            np.bincount(image, minlength=levels) / image.size,
    }


def pdf_mistakes(hist):
    hist = np.asarray(hist, float)
    return {"Not normalised: the pdf is n / sum, the counts divided by the number of pixels.": hist,
            "Divided by the number of levels (len(hist)); divide by the number of pixels, hist.sum().":
                hist / len(hist),
            "These are percentages; the pdf is a fraction between 0 and 1.": 100 * hist / hist.sum(),
            "That is the cdf (a running sum); the pdf is each count divided by the total.": _cdf(hist)}


def cdf_mistakes(hist):
    hist = np.asarray(hist, float)
    return {"Not normalised: the running sum of counts ends at the number of pixels; the cdf is the running "
            "sum of the pdf and ends at 1.": np.cumsum(hist),
            "No running sum: that is the pdf; the cdf adds up the pdf from level 0 to each level (np.cumsum).":
                hist / hist.sum(),
            "Off by one: the cdf at level k includes level k itself (an inclusive running sum).":
                _cdf(hist) - hist / hist.sum(),
            "The running sum goes the wrong way: start at level 0, not at the brightest level.":
                np.cumsum(hist[::-1])[::-1] / hist.sum()}


def equalization_map_mistakes(hist):
    levels = len(hist)
    cdf = _cdf(hist)
    return {f"Scaled by levels = {levels}; the slide scales by the maximum gray level, levels - 1 = {levels - 1}.":
                _slide_map(hist, levels),
            "Floor instead of round: 1.68 must become 2, not 1 (use np.round, then convert to int).":
                np.floor(cdf * (levels - 1)),
            "Ceil instead of round: 5.6 rounds to 6, but 1.2 would round to 1 (use np.round).":
                np.ceil(cdf * (levels - 1) - 1e-9),
            "The cdf was not normalised (it must end at 1 before scaling by levels - 1).":
                np.round(np.cumsum(np.asarray(hist, float)) * (levels - 1)),
            "Scaled by 255 whatever the number of levels; use levels - 1 with levels = len(hist).":
                _slide_map(hist, 255),
            "Rounded the cdf before scaling; scale by levels - 1 first, then round.":
                np.round(cdf) * (levels - 1)}


def _apply(image, lut):
    return np.asarray(lut)[np.asarray(image)]


def equalize_mistakes(image, levels=256):
    hist = np.bincount(np.asarray(image).ravel(), minlength=levels)
    found = {"`levels` was ignored: the map was built for 256 levels; use the levels argument.":
                 _apply(image, _slide_map(np.bincount(np.asarray(image).ravel(), minlength=256)))
             if levels != 256 else None,
             f"The map scaled by levels = {levels} instead of levels - 1.": _apply(image, _slide_map(hist, levels)),
             "Floor instead of round in the map (1.68 must become 2).":
                 _apply(image, np.floor(_cdf(hist) * (levels - 1))),
             "That is OpenCV's variant (the darkest level becomes 0); equalize uses the slide's formula "
             "round(cdf · (levels - 1)).": _opencv(image) if np.asarray(image).dtype == np.uint8 else None}
    return {k: v for k, v in found.items() if v is not None}


def _opencv(image):
    """What cv2.equalizeHist returns for a 2-D uint8 image (and None for other shapes)."""
    image = np.asarray(image)
    return cv2.equalizeHist(image) if image.ndim == 2 and image.size else None


def equalize_like_opencv_mistakes(image):
    image = np.asarray(image)
    hist = np.bincount(image.ravel(), minlength=256)
    counts = np.cumsum(hist)
    lowest = counts[image.min()]
    stretch = (counts - lowest) / max(image.size - lowest, 1)
    return {"No stretch from the lowest occupied level: that is the slide's equalize. OpenCV maps the darkest "
            "level in use to 0 with (cdf - cdf_min) / (1 - cdf_min) · 255, where cdf_min is the cdf at that level "
            "(not cdf[0] or cdf.min(), which are 0 when level 0 is empty).": _apply(image, _slide_map(hist)),
            "Floor instead of round: round to the nearest level (np.round).":
                _apply(image, np.clip(np.floor(stretch * 255), 0, 255)),
            "Scaled by 256; the brightest level is 255 (levels - 1).":
                _apply(image, np.clip(np.round(stretch * 256), 0, 255))}


def equalize_color_mistakes(image_bgr):
    image = np.asarray(image_bgr, np.uint8)

    def luma(to, back, channel=0, eq=cv2.equalizeHist):
        planes = list(cv2.split(cv2.cvtColor(image, to)))
        planes[channel] = eq(planes[channel])
        merged = cv2.merge(planes)
        return merged if back is None else cv2.cvtColor(merged, back)

    per_channel = cv2.merge([cv2.equalizeHist(c) for c in cv2.split(image)])
    correct = luma(cv2.COLOR_BGR2YCrCb, cv2.COLOR_YCrCb2BGR)
    return {"Each of B, G, R was equalized on its own: that shifts the colours. Equalize only the luma Y "
            "of YCrCb and keep the chroma.": per_channel,
            "RGB/BGR confusion: OpenCV images are BGR, so convert with COLOR_BGR2YCrCb (the luma weights blue "
            "0.114 and red 0.299).": luma(cv2.COLOR_RGB2YCrCb, cv2.COLOR_YCrCb2RGB),
            "RGB/BGR confusion: converted back with COLOR_YCrCb2RGB, so red and blue are swapped.":
                correct[..., ::-1],
            "Still in YCrCb: convert back with cv2.COLOR_YCrCb2BGR.": luma(cv2.COLOR_BGR2YCrCb, None),
            "Equalized channel 1 (Cr) instead of channel 0, the luma Y.":
                luma(cv2.COLOR_BGR2YCrCb, cv2.COLOR_YCrCb2BGR, 1),
            "Equalized V of HSV; the exercise asks for Y of YCrCb.": luma(cv2.COLOR_BGR2HSV, cv2.COLOR_HSV2BGR, 2),
            "Y was equalized with the slide's formula; use OpenCV's (cv2.equalizeHist or equalize_like_opencv).":
                luma(cv2.COLOR_BGR2YCrCb, cv2.COLOR_YCrCb2BGR,
                     eq=lambda y: _apply(y, _slide_map(np.bincount(y.ravel(), minlength=256))).astype(np.uint8))}


# ---- comparing gray levels -------------------------------------------------------------------------------

def _matching(got, mistakes):
    """The diagnosis of the first mistake whose output has got's shape and values, else ""."""
    for message, wrong in mistakes.items():
        if np.shape(wrong) == got.shape and np.allclose(got.astype(float), np.asarray(wrong, float), rtol=0, atol=0):
            return message
    return ""


def _sentences(*parts):
    return " ".join(part for part in parts if part)


def _wrong_dtype(where, got, expected, values_right, diagnosis, conversion):
    """A dtype verdict: convert if the values are right, else the diagnosis of the values."""
    advice = f"The values are right: convert with {conversion}." if values_right else diagnosis
    return CheckFailed(_sentences(f"{where} returned dtype {got.dtype}; expected {expected}.", advice))


def expect_levels(got, expected, where, *, mistakes=None, dtype=None):
    """Counts or gray levels: an array of the right shape, integer dtype (exactly ``dtype`` if given), exact values."""
    expected = np.asarray(expected)
    mistakes = {k: v for k, v in (mistakes or {}).items() if v is not None}
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        keep = ("The result keeps the image's shape." if expected.ndim > 1 and got.ndim == 1 else
                "A colour image keeps its three channels (B, G, R)." if expected.shape == got.shape + (3,) else
                "Remove the extra axis of length 1 (cv2.calcHist returns a column: use .ravel())."
                if got.shape == expected.shape + (1,) else "")
        raise CheckFailed(_sentences(f"{where} returned shape {got.shape}; expected shape {expected.shape}.",
                                     _matching(got, mistakes), keep))
    if isinstance(got, np.ndarray) and np.issubdtype(got.dtype, np.number):
        right, diagnosis = np.array_equal(got, expected), _matching(got, mistakes)
        if dtype is not None and got.dtype != dtype:
            cause = ("np.round and divisions give floats" if np.issubdtype(got.dtype, np.floating)
                     else "the lookup table's dtype carried over")
            raise _wrong_dtype(where, got, f"{np.dtype(dtype)}, the input's dtype ({cause})", right, diagnosis,
                               ".astype(image.dtype)")
        if not np.issubdtype(got.dtype, np.integer):
            raise _wrong_dtype(where, got, "integers: counts and gray levels are whole numbers", right, diagnosis,
                               ".astype(int)")
    return expect_array(got, expected, where, rtol=0, atol=0, require_float=False, mistakes=mistakes)


def run_case(fn, name, args, expected, *, mistakes, hint="", floats=False, dtype=None):
    """Call ``fn(*args)``, compare with ``expected`` (floats, or levels of ``dtype``); ``hint`` explains the input."""
    where = signature(name, args)
    try:
        got = call(fn, *args, name=name)
        if floats:
            expect_array(got, expected, where, mistakes=mistakes)
        else:
            expect_levels(got, expected, where, mistakes=mistakes, dtype=dtype)
    except CheckFailed as failure:
        raise CheckFailed(f"{failure} {hint}".strip()) from None


CONSTANT = "(A constant image: every pixel has the same level.)"


@learner_facing
def histogram(histogram):
    run_case(histogram, "histogram", (SLIDE, SLIDE_LEVELS), SLIDE_HIST,
             mistakes=histogram_mistakes(SLIDE, SLIDE_LEVELS),
             hint="(The workshop's 5 × 5 example: six 3s, fourteen 4s, five 5s.)")
    image = np.array([[0, 255], [255, 7]], np.uint8)
    expected = np.zeros(256, int)
    expected[[0, 7, 255]] = [1, 1, 2]
    run_case(histogram, "histogram", (image,), expected, mistakes=histogram_mistakes(image),
             hint="(Default levels=256: one count per level 0..255.)")
    passed("histogram")


@learner_facing
def pdf(pdf):
    run_case(pdf, "pdf", (SLIDE_HIST,), SLIDE_PDF, mistakes=pdf_mistakes(SLIDE_HIST), floats=True)
    run_case(pdf, "pdf", (np.array([1, 1, 2]),), [0.25, 0.25, 0.5], mistakes=pdf_mistakes([1, 1, 2]), floats=True)
    passed("pdf")


@learner_facing
def cdf(cdf):
    run_case(cdf, "cdf", (SLIDE_HIST,), SLIDE_CDF, mistakes=cdf_mistakes(SLIDE_HIST), floats=True)
    run_case(cdf, "cdf", (np.array([1, 1, 2]),), [0.25, 0.5, 1.0], mistakes=cdf_mistakes([1, 1, 2]), floats=True)
    passed("cdf")


@learner_facing
def equalization_map(equalization_map):
    run_case(equalization_map, "equalization_map", (SLIDE_HIST,), SLIDE_MAP,
             mistakes=equalization_map_mistakes(SLIDE_HIST),
             hint="(The slide: CDF × 7 = 1.68, 5.6, 7 rounds to 2, 6, 7.)")
    hist = np.array([2, 1, 0, 2])  # cdf 0.4, 0.6, 0.6, 1 → × 3 = 1.2, 1.8, 1.8, 3
    run_case(equalization_map, "equalization_map", (hist,), [1, 2, 2, 3], mistakes=equalization_map_mistakes(hist))
    passed("equalization_map")


@learner_facing
def equalize(equalize):
    run_case(equalize, "equalize", (SLIDE, SLIDE_LEVELS), SLIDE_EQUALIZED,
             mistakes=equalize_mistakes(SLIDE, SLIDE_LEVELS),
             dtype=np.uint8, hint="(The workshop's example: 3 → 2, 4 → 6, 5 → 7.)")
    flat = np.full((3, 3), 90, np.uint8)
    run_case(equalize, "equalize", (flat,), np.full((3, 3), 255, np.uint8), mistakes=equalize_mistakes(flat),
             dtype=np.uint8, hint=CONSTANT + " Its cdf is 1 from that level on, so it maps to 255.")
    passed("equalize")


@learner_facing
def equalize_like_opencv(equalize_like_opencv):
    run_case(equalize_like_opencv, "equalize_like_opencv", (SLIDE,), SLIDE_OPENCV,
             mistakes=equalize_like_opencv_mistakes(SLIDE), dtype=np.uint8,
             hint="(The workshop's example as an 8-bit image: 3 → 0, 4 → round(14/19 · 255) = 188, 5 → 255.)")
    flat = np.full((3, 4), 90, np.uint8)
    run_case(equalize_like_opencv, "equalize_like_opencv", (flat,), flat, mistakes={}, dtype=np.uint8,
             hint=CONSTANT + " There is nothing to stretch: OpenCV returns it unchanged.")
    passed("equalize_like_opencv")


TINY_BGR = np.array([[[20, 40, 60], [30, 30, 30]], [[60, 50, 40], [10, 80, 20]]], np.uint8)
TINY_BGR_EQUALIZED = np.array([[[60, 82, 100], [0, 0, 0]], [[182, 172, 162], [211, 255, 221]]], np.uint8)


@learner_facing
def equalize_color(equalize_color):
    run_case(equalize_color, "equalize_color", (TINY_BGR,), TINY_BGR_EQUALIZED,
             mistakes=equalize_color_mistakes(TINY_BGR), dtype=np.uint8,
             hint="(A 2 × 2 BGR image: its luma Y = [[44, 30], [48, 54]] becomes [[85, 0], [170, 255]]; "
                  "Cr and Cb stay.)")
    gray = np.array([[10, 10, 20], [20, 20, 90]], np.uint8)
    as_bgr = cv2.merge([gray, gray, gray])
    run_case(equalize_color, "equalize_color", (as_bgr,), cv2.merge([cv2.equalizeHist(gray)] * 3),
             mistakes=equalize_color_mistakes(as_bgr), dtype=np.uint8,
             hint="(A gray image stored as BGR: its luma is the gray level itself, so the result is "
                  "cv2.equalizeHist of the gray image in all three channels.)")
    passed("equalize_color")
