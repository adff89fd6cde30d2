"""Public checks for 05-equalization: the workshop's 5 × 5 example and tiny images you can count by hand.

Every expected value below, and what each known mistake returns for the same input, is written
out as numbers; the graded version has the formulas.
"""
import numpy as np

from course.checking import CheckFailed, call, diagnoses, expect_array, learner_facing, passed, signature, with_hint

SLIDE = np.array([[4, 4, 4, 4, 4], [3, 4, 5, 4, 3], [3, 5, 5, 5, 3], [3, 4, 5, 4, 3], [4, 4, 4, 4, 4]], np.uint8)
SLIDE_LEVELS = 8
SLIDE_HIST = np.array([0, 0, 0, 6, 14, 5, 0, 0])
SLIDE_PDF = np.array([0, 0, 0, 0.24, 0.56, 0.2, 0, 0])
SLIDE_CDF = np.array([0, 0, 0, 0.24, 0.8, 1.0, 1.0, 1.0])
SLIDE_MAP = np.array([0, 0, 0, 2, 6, 7, 7, 7])
SLIDE_EQUALIZED = np.array([[6, 6, 6, 6, 6], [2, 6, 7, 6, 2], [2, 7, 7, 7, 2], [2, 6, 7, 6, 2], [6, 6, 6, 6, 6]],
                           np.uint8)
SLIDE_OPENCV = np.array([[188, 188, 188, 188, 188], [0, 188, 255, 188, 0], [0, 255, 255, 255, 0],
                         [0, 188, 255, 188, 0], [188, 188, 188, 188, 188]], np.uint8)  # 4 → round(14/19 · 255)
TINY_BGR = np.array([[[20, 40, 60], [30, 30, 30]], [[60, 50, 40], [10, 80, 20]]], np.uint8)
TINY_BGR_EQUALIZED = np.array([[[60, 82, 100], [0, 0, 0]], [[182, 172, 162], [211, 255, 221]]], np.uint8)
CONSTANT = "(A constant image: every pixel has the same level.)"

# ---- the diagnoses of known mistakes, by id "<function>.<what>" ------------------------------------------
# The hand cases below, the hidden checks and the catalogue name them; {levels} and {top} (levels - 1) are
# filled in from the number of levels.

MISTAKES = {
    "histogram.ten_bins": "np.histogram's default is 10 bins; pass bins=levels and range=(0, levels).",
    "histogram.range_missing": "np.histogram(image, bins=levels) without range= spreads the bins from the image's "
        "smallest to its largest value, not over 0..levels-1; pass range=(0, levels).",
    "histogram.one_bin_short": "Off by one: levels - 1 bins, and the last one holds two levels (levels-2 and "
        "levels-1); the bin edges must run from 0 to levels (bins=np.arange(levels + 1)).",
    "histogram.minlength_missing":
        "np.bincount stops at the largest level present in the image; pass minlength=levels.",
    "histogram.fractions": "These are fractions, not counts: the histogram counts pixels (that is the pdf's job).",
    "pdf.not_normalised": "Not normalised: the pdf is n / sum, the counts divided by the number of pixels.",
    "pdf.divided_by_levels": "Divided by the number of levels (len(hist)); divide by the number of pixels, hist.sum().",
    "pdf.percentages": "These are percentages; the pdf is a fraction between 0 and 1.",
    "pdf.cdf_instead": "That is the cdf (a running sum); the pdf is each count divided by the total.",
    "cdf.not_normalised": "Not normalised: the running sum of counts ends at the number of pixels; the cdf is the "
        "running sum of the pdf and ends at 1.",
    "cdf.pdf_instead": "No running sum: that is the pdf; the cdf adds up the pdf from level 0 to each level "
        "(np.cumsum).",
    "cdf.exclusive": "Off by one: the cdf at level k includes level k itself (an inclusive running sum).",
    "cdf.reversed": "The running sum goes the wrong way: start at level 0, not at the brightest level.",
    "equalization_map.scaled_by_levels": "Scaled by levels = {levels}; the slide scales by the maximum gray level, "
        "levels - 1 = {top}.",
    "equalization_map.floor": "Floor instead of round: 1.68 must become 2, not 1 (use np.round, then convert to int).",
    "equalization_map.ceil": "Ceil instead of round: 5.6 rounds to 6, but 1.2 would round to 1 (use np.round).",
    "equalization_map.cdf_not_normalised":
        "The cdf was not normalised (it must end at 1 before scaling by levels - 1).",
    "equalization_map.scaled_by_255": "Scaled by 255 whatever the number of levels; use levels - 1 with levels = "
        "len(hist).",
    "equalization_map.rounded_first": "Rounded the cdf before scaling; scale by levels - 1 first, then round.",
    "equalize.levels_ignored": "`levels` was ignored: the map was built for 256 levels; use the levels argument.",
    "equalize.scaled_by_levels": "The map scaled by levels = {levels} instead of levels - 1.",
    "equalize.floor": "Floor instead of round in the map (1.68 must become 2).",
    "equalize.opencv_variant": "That is OpenCV's variant (the darkest level becomes 0); equalize uses the slide's "
        "formula round(cdf · (levels - 1)).",
    "equalize_like_opencv.no_stretch": "No stretch from the lowest occupied level: that is the slide's equalize. "
        "OpenCV maps the darkest level in use to 0 with (cdf - cdf_min) / (1 - cdf_min) · 255, where cdf_min is the "
        "cdf at that level (not cdf[0] or cdf.min(), which are 0 when level 0 is empty).",
    "equalize_like_opencv.floor": "Floor instead of round: round to the nearest level (np.round).",
    "equalize_like_opencv.scaled_by_256": "Scaled by 256; the brightest level is 255 (levels - 1).",
    "equalize_color.per_channel": "Each of B, G, R was equalized on its own: that shifts the colours. Equalize only "
        "the luma Y of YCrCb and keep the chroma.",
    "equalize_color.rgb_codes": "RGB/BGR confusion: OpenCV images are BGR, so convert with COLOR_BGR2YCrCb (the luma "
        "weights blue 0.114 and red 0.299).",
    "equalize_color.back_to_rgb":
        "RGB/BGR confusion: converted back with COLOR_YCrCb2RGB, so red and blue are swapped.",
    "equalize_color.still_ycrcb": "Still in YCrCb: convert back with cv2.COLOR_YCrCb2BGR.",
    "equalize_color.cr_channel": "Equalized channel 1 (Cr) instead of channel 0, the luma Y.",
    "equalize_color.hsv": "Equalized V of HSV; the exercise asks for Y of YCrCb.",
    "equalize_color.slide_formula": "Y was equalized with the slide's formula; use OpenCV's (cv2.equalizeHist or "
        "equalize_like_opencv).",
}


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
    return CheckFailed(_sentences(f"{where} returned dtype {got.dtype}; expected {expected}.", advice),
                       None if values_right else diagnosis or None)


def expect_levels(got, expected, where, *, mistakes=None, dtype=None):
    """Counts or gray levels: an array of the right shape, integer dtype (exactly ``dtype`` if given), exact values."""
    expected = np.asarray(expected)
    mistakes = mistakes or {}
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        keep = ("The result keeps the image's shape." if expected.ndim > 1 and got.ndim == 1 else
                "A colour image keeps its three channels (B, G, R)." if expected.shape == got.shape + (3,) else
                "Remove the extra axis of length 1 (cv2.calcHist returns a column: use .ravel())."
                if got.shape == expected.shape + (1,) else "")
        diagnosis = _matching(got, mistakes)
        raise CheckFailed(_sentences(f"{where} returned shape {got.shape}; expected shape {expected.shape}.",
                                     diagnosis, keep), diagnosis or None)
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


def expect_result(got, expected, where, *, mistakes, floats=False, dtype=None):
    """``got`` against ``expected``: floats (``expect_array``), or levels of ``dtype`` (``expect_levels``)."""
    if floats:
        expect_array(got, expected, where, mistakes=mistakes)
    else:
        expect_levels(got, expected, where, mistakes=mistakes, dtype=dtype)


def diagnosed(outputs, levels=None):
    """{diagnosis: output} for {mistake id: output}; ``levels`` fills in the diagnoses that name it."""
    return diagnoses(MISTAKES, outputs, **({} if levels is None else {"levels": levels, "top": levels - 1}))


def _expect_case(fn, name, args, expected, *, mistakes, levels=None, hint="", floats=False, dtype=None):
    """Call ``fn(*args)`` and compare with the literal ``expected``; ``mistakes`` by id, ``hint`` explains the input."""
    where = signature(name, args)
    try:
        expect_result(call(fn, *args, name=name), expected, where, mistakes=diagnosed(mistakes, levels), floats=floats,
                      dtype=dtype)
    except CheckFailed as failure:
        raise with_hint(failure, hint) from None


def _counts(length, at):
    """An array of ``length`` zeros with the counts ``at`` ({level: count}) filled in."""
    out = np.zeros(length)
    out[list(at)] = list(at.values())
    return out


@learner_facing
def histogram(histogram):
    _expect_case(histogram, "histogram", (SLIDE, SLIDE_LEVELS), SLIDE_HIST,
                 mistakes={"histogram.ten_bins": [6, 0, 0, 0, 0, 14, 0, 0, 0, 5],
                           "histogram.range_missing": [6, 0, 0, 0, 14, 0, 0, 5],
                           "histogram.one_bin_short": [0, 0, 0, 6, 14, 5, 0],
                           "histogram.minlength_missing": [0, 0, 0, 6, 14, 5],
                           "histogram.fractions": [0, 0, 0, 0.24, 0.56, 0.2, 0, 0]},
                 hint="(The workshop's 5 × 5 example: six 3s, fourteen 4s, five 5s.)")
    image = np.array([[0, 255], [255, 7]], np.uint8)
    _expect_case(histogram, "histogram", (image,), _counts(256, {0: 1, 7: 1, 255: 2}).astype(int),
                 mistakes={"histogram.ten_bins": [2, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                           "histogram.one_bin_short": _counts(255, {0: 1, 7: 1, 254: 2}),
                           "histogram.fractions": _counts(256, {0: 0.25, 7: 0.25, 255: 0.5})},
                 hint="(Default levels=256: one count per level 0..255.)")
    passed("histogram")


@learner_facing
def pdf(pdf):
    _expect_case(pdf, "pdf", (SLIDE_HIST,), SLIDE_PDF, floats=True,
                 mistakes={"pdf.not_normalised": SLIDE_HIST,
                           "pdf.divided_by_levels": [0, 0, 0, 0.75, 1.75, 0.625, 0, 0],
                           "pdf.percentages": [0, 0, 0, 24, 56, 20, 0, 0], "pdf.cdf_instead": SLIDE_CDF})
    _expect_case(pdf, "pdf", (np.array([1, 1, 2]),), [0.25, 0.25, 0.5], floats=True,
                 mistakes={"pdf.not_normalised": [1, 1, 2], "pdf.divided_by_levels": [1 / 3, 1 / 3, 2 / 3],
                           "pdf.percentages": [25, 25, 50], "pdf.cdf_instead": [0.25, 0.5, 1.0]})
    passed("pdf")


@learner_facing
def cdf(cdf):
    _expect_case(cdf, "cdf", (SLIDE_HIST,), SLIDE_CDF, floats=True,
                 mistakes={"cdf.not_normalised": [0, 0, 0, 6, 20, 25, 25, 25], "cdf.pdf_instead": SLIDE_PDF,
                           "cdf.exclusive": [0, 0, 0, 0, 0.24, 0.8, 1, 1],
                           "cdf.reversed": [1, 1, 1, 1, 0.76, 0.2, 0, 0]})
    _expect_case(cdf, "cdf", (np.array([1, 1, 2]),), [0.25, 0.5, 1.0], floats=True,
                 mistakes={"cdf.not_normalised": [1, 2, 4], "cdf.pdf_instead": [0.25, 0.25, 0.5],
                           "cdf.exclusive": [0, 0.25, 0.5], "cdf.reversed": [1, 0.75, 0.5]})
    passed("cdf")


@learner_facing
def equalization_map(equalization_map):
    _expect_case(equalization_map, "equalization_map", (SLIDE_HIST,), SLIDE_MAP, levels=8,
                 mistakes={"equalization_map.scaled_by_levels": [0, 0, 0, 2, 6, 8, 8, 8],
                           "equalization_map.floor": [0, 0, 0, 1, 5, 7, 7, 7],
                           "equalization_map.cdf_not_normalised": [0, 0, 0, 42, 140, 175, 175, 175],
                           "equalization_map.scaled_by_255": [0, 0, 0, 61, 204, 255, 255, 255],
                           "equalization_map.rounded_first": [0, 0, 0, 0, 7, 7, 7, 7]},
                 hint="(The slide: CDF × 7 = 1.68, 5.6, 7 rounds to 2, 6, 7.)")
    hist = np.array([2, 1, 0, 2])  # cdf 0.4, 0.6, 0.6, 1 → × 3 = 1.2, 1.8, 1.8, 3
    _expect_case(equalization_map, "equalization_map", (hist,), [1, 2, 2, 3], levels=4,
                 mistakes={"equalization_map.scaled_by_levels": [2, 2, 2, 4], "equalization_map.floor": [1, 1, 1, 3],
                           "equalization_map.ceil": [2, 2, 2, 3], "equalization_map.cdf_not_normalised": [6, 9, 9, 15],
                           "equalization_map.scaled_by_255": [102, 153, 153, 255],
                           "equalization_map.rounded_first": [0, 3, 3, 3]})
    passed("equalization_map")


@learner_facing
def equalize(equalize):
    slide_as = lambda table: np.asarray(table)[SLIDE - 3]  # noqa: E731 - the levels 3, 4, 5 → table
    _expect_case(equalize, "equalize", (SLIDE, SLIDE_LEVELS), SLIDE_EQUALIZED, levels=SLIDE_LEVELS, dtype=np.uint8,
                 mistakes={"equalize.levels_ignored": slide_as([61, 204, 255]),
                           "equalize.scaled_by_levels": slide_as([2, 6, 8]), "equalize.floor": slide_as([1, 5, 7]),
                           "equalize.opencv_variant": SLIDE_OPENCV},
                 hint="(The workshop's example: 3 → 2, 4 → 6, 5 → 7.)")
    flat = np.full((3, 3), 90, np.uint8)
    _expect_case(equalize, "equalize", (flat,), np.full((3, 3), 255, np.uint8), levels=256, dtype=np.uint8,
                 mistakes={"equalize.scaled_by_levels": np.full((3, 3), 256), "equalize.opencv_variant": flat},
                 hint=CONSTANT + " Its cdf is 1 from that level on, so it maps to 255.")
    passed("equalize")


@learner_facing
def equalize_like_opencv(equalize_like_opencv):
    slide_as = lambda table: np.asarray(table)[SLIDE - 3]  # noqa: E731 - the levels 3, 4, 5 → table
    _expect_case(equalize_like_opencv, "equalize_like_opencv", (SLIDE,), SLIDE_OPENCV, dtype=np.uint8,
                 mistakes={"equalize_like_opencv.no_stretch": slide_as([61, 204, 255]),
                           "equalize_like_opencv.floor": slide_as([0, 187, 255]),
                           "equalize_like_opencv.scaled_by_256": slide_as([0, 189, 255])},
                 hint="(The workshop's example as an 8-bit image: 3 → 0, 4 → round(14/19 · 255) = 188, 5 → 255.)")
    flat = np.full((3, 4), 90, np.uint8)
    _expect_case(equalize_like_opencv, "equalize_like_opencv", (flat,), flat, mistakes={}, dtype=np.uint8,
                 hint=CONSTANT + " There is nothing to stretch: OpenCV returns it unchanged.")
    passed("equalize_like_opencv")


@learner_facing
def equalize_color(equalize_color):
    _expect_case(equalize_color, "equalize_color", (TINY_BGR,), TINY_BGR_EQUALIZED, dtype=np.uint8,
                 mistakes={
                     "equalize_color.per_channel": [[[85, 85, 255], [170, 0, 85]], [[255, 170, 170], [0, 255, 0]]],
                     "equalize_color.rgb_codes": [[[70, 88, 110], [0, 0, 0]], [[255, 253, 243], [213, 255, 223]]],
                     "equalize_color.back_to_rgb": [[[100, 82, 60], [0, 0, 0]], [[162, 172, 182], [221, 255, 211]]],
                     "equalize_color.still_ycrcb": [[[85, 139, 114], [0, 128, 128]],
                                                    [[170, 122, 135], [255, 104, 103]]],
                     "equalize_color.cr_channel": [[[19, 0, 222], [30, 0, 89]], [[60, 76, 0], [10, 154, 0]]],
                     "equalize_color.hsv": [[[57, 113, 170], [0, 0, 0]], [[170, 142, 113], [32, 255, 62]]],
                     "equalize_color.slide_formula": [[[103, 125, 143], [64, 64, 64]],
                                                      [[203, 193, 183], [211, 255, 221]]]},
                 hint="(A 2 × 2 BGR image: its luma Y = [[44, 30], [48, 54]] becomes [[85, 0], [170, 255]]; "
                      "Cr and Cb stay.)")
    gray = np.array([[10, 10, 20], [20, 20, 90]], np.uint8)
    as_bgr = np.repeat(gray[..., None], 3, axis=2)
    in_bgr = lambda table: np.repeat(np.asarray(table)[..., None], 3, axis=2)  # noqa: E731 - gray → BGR
    _expect_case(equalize_color, "equalize_color", (as_bgr,), in_bgr([[0, 0, 191], [191, 191, 255]]).astype(np.uint8),
                 dtype=np.uint8,
                 mistakes={"equalize_color.still_ycrcb": [[[0, 128, 128], [0, 128, 128], [191, 128, 128]],
                                                          [[191, 128, 128], [191, 128, 128], [255, 128, 128]]],
                           "equalize_color.cr_channel": as_bgr,
                           "equalize_color.slide_formula": in_bgr([[85, 85, 212], [212, 212, 255]])},
                 hint="(A gray image stored as BGR: its luma is the gray level itself, so the result is "
                      "cv2.equalizeHist of the gray image in all three channels.)")
    passed("equalize_color")
