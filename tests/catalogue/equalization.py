"""Mistakes and alternatives for 05-equalization."""
import cv2
import numpy as np

from . import Case

A = np.asarray


def _hist(image, levels=256):
    return np.bincount(A(image).ravel(), minlength=levels)


def _cdf(hist):
    return np.cumsum(A(hist, float)) / np.sum(hist)


def _map(hist, top=None, rounding=np.round):
    top = len(hist) - 1 if top is None else top
    return rounding(_cdf(hist) * top).astype(int)


def _equalize(image, levels=256, **kwargs):
    image = A(image)
    return _map(_hist(image, levels), **kwargs)[image].astype(image.dtype)


def _opencv_table(image, scale=255, rounding=np.round, constant_ok=True):
    """OpenCV's table from integer counts (Wikipedia's formula); the variants make the mutants."""
    image = A(image)
    counts = np.cumsum(_hist(image))
    lowest = counts[image.min()]
    if constant_ok and lowest == image.size:
        return np.arange(256)
    return np.clip(rounding((counts - lowest) / (image.size - lowest) * scale), 0, 255)


def _like_opencv(image, **kwargs):
    return _opencv_table(image, **kwargs).astype(np.uint8)[A(image)]


def _like_opencv_loop(image):
    image = A(image)
    hist = [0] * 256
    for value in image.ravel():
        hist[value] += 1
    first = next(k for k in range(256) if hist[k])
    out = image.copy()
    if hist[first] == image.size:
        return out
    running, table = 0, [0] * 256
    for k in range(first, 256):
        running += hist[k]
        table[k] = round((running - hist[first]) * 255 / (image.size - hist[first]))
    for index, value in np.ndenumerate(image):
        out[index] = table[value]
    return out


def _luma(image_bgr, to=cv2.COLOR_BGR2YCrCb, back=cv2.COLOR_YCrCb2BGR, channel=0, eq=cv2.equalizeHist):
    planes = list(cv2.split(cv2.cvtColor(A(image_bgr, np.uint8), to)))
    planes[channel] = eq(planes[channel])
    merged = cv2.merge(planes)
    return merged if back is None else cv2.cvtColor(merged, back)


def _histogram_loop(image, levels=256):
    counts = np.zeros(levels, dtype=int)
    for value in A(image).ravel():
        counts[value] += 1
    return counts


def _histogram_unique(image, levels=256):
    counts = np.zeros(levels, dtype=np.int32)
    values, found = np.unique(A(image), return_counts=True)
    counts[values] = found
    return counts


def _running_sum(hist):
    total, out, running = float(np.sum(hist)), [], 0.0
    for count in hist:
        running += count / total
        out.append(running)
    return A(out)


def _lookup_loop(image, levels=256):
    image = A(image)
    table = _map(_hist(image, levels))
    out = np.empty_like(image)
    for level in range(levels):
        out[image == level] = table[level]
    return out


MUTANTS = [
    Case("histogram", "np.histogram with its default 10 bins", lambda im, levels=256: np.histogram(im)[0],
         message="default is 10 bins", mistake="histogram.ten_bins"),
    Case("histogram", "np.histogram(bins=levels) without range",
         lambda im, levels=256: np.histogram(im, bins=levels)[0], message="without range=",
         mistake="histogram.range_missing"),
    Case("histogram", "levels - 1 bins over range=(0, levels - 1)",
         lambda im, levels=256: np.histogram(im, bins=levels - 1, range=(0, levels - 1))[0],
         message="last one holds two levels", mistake="histogram.one_bin_short"),
    Case("histogram", "bin edges np.arange(levels): one bin short",
         lambda im, levels=256: np.histogram(im, bins=np.arange(levels))[0], message="levels - 1 bins",
         mistake="histogram.one_bin_short"),
    Case("histogram", "np.bincount without minlength", lambda im, levels=256: np.bincount(A(im).ravel()),
         message="minlength=levels", mistake="histogram.minlength_missing"),
    Case("histogram", "float counts (np.zeros without dtype)",
         lambda im, levels=256: _histogram_loop(im, levels).astype(float), message="expected integers"),
    Case("histogram", "normalised counts", lambda im, levels=256: _hist(im, levels) / A(im).size,
         message="fractions, not counts", mistake="histogram.fractions"),

    Case("pdf", "counts not normalised", lambda h: A(h, float), message="Not normalised", mistake="pdf.not_normalised"),
    Case("pdf", "divided by the number of levels", lambda h: A(h) / len(h), message="number of levels",
         mistake="pdf.divided_by_levels"),
    Case("pdf", "percentages", lambda h: 100 * A(h) / np.sum(h), message="percentages", mistake="pdf.percentages"),
    Case("pdf", "integer division", lambda h: A(h) // np.sum(h), message="expected floats"),
    Case("pdf", "running sum (the cdf)", lambda h: _cdf(h), message="That is the cdf", mistake="pdf.cdf_instead"),

    Case("cdf", "running sum of counts", lambda h: np.cumsum(A(h, float)), message="Not normalised",
         mistake="cdf.not_normalised"),
    Case("cdf", "no running sum", lambda h: A(h) / np.sum(h), message="No running sum", mistake="cdf.pdf_instead"),
    Case("cdf", "exclusive running sum", lambda h: _cdf(h) - A(h) / np.sum(h), message="Off by one",
         mistake="cdf.exclusive"),
    Case("cdf", "summed from the bright end", lambda h: np.cumsum(A(h, float)[::-1])[::-1] / np.sum(h),
         message="wrong way", mistake="cdf.reversed"),

    Case("equalization_map", "scaled by levels", lambda h: _map(h, top=len(h)), message="Scaled by levels",
         mistake="equalization_map.scaled_by_levels"),
    Case("equalization_map", "floor instead of round", lambda h: _map(h, rounding=np.floor),
         message="Floor instead of round", mistake="equalization_map.floor"),
    Case("equalization_map", "ceil instead of round", lambda h: _map(h, rounding=np.ceil), message="Ceil",
         mistake="equalization_map.ceil"),
    Case("equalization_map", "floats, not ints", lambda h: np.round(_cdf(h) * (len(h) - 1)),
         message="expected integers"),
    Case("equalization_map", "cdf not normalised",
         lambda h: np.round(np.cumsum(h) * (len(h) - 1)).astype(int), message="not normalised",
         mistake="equalization_map.cdf_not_normalised"),
    Case("equalization_map", "255 whatever the levels", lambda h: _map(h, top=255), message="Scaled by 255",
         mistake="equalization_map.scaled_by_255"),
    Case("equalization_map", "cdf rounded before scaling", lambda h: (np.round(_cdf(h)) * (len(h) - 1)).astype(int),
         message="Rounded the cdf before scaling", mistake="equalization_map.rounded_first"),

    Case("equalize", "float result", lambda im, levels=256: _map(_hist(im, levels)).astype(float)[A(im)],
         message="float64; expected uint8"),
    Case("equalize", "int64 result (the table's dtype)", lambda im, levels=256: _map(_hist(im, levels))[A(im)],
         message="int64; expected uint8"),
    Case("equalize", "levels ignored", lambda im, levels=256: _equalize(im), message="`levels` was ignored",
         mistake="equalize.levels_ignored"),
    Case("equalize", "map scaled by levels", lambda im, levels=256: _equalize(im, levels, top=levels),
         message="scaled by levels", mistake="equalize.scaled_by_levels"),
    Case("equalize", "floor in the map", lambda im, levels=256: _equalize(im, levels, rounding=np.floor),
         message="Floor instead of round", mistake="equalize.floor"),
    Case("equalize", "cv2.equalizeHist (OpenCV's variant)",
         lambda im, levels=256: cv2.equalizeHist(A(im, np.uint8)).astype(A(im).dtype), message="OpenCV's variant",
         mistake="equalize.opencv_variant"),
    Case("equalize", "flattened result", lambda im, levels=256: _equalize(im, levels).ravel(),
         message="keeps the image's shape"),

    Case("equalize_like_opencv", "the slide's equalize", lambda im: _equalize(im), message="No stretch",
         mistake="equalize_like_opencv.no_stretch"),
    Case("equalize_like_opencv", "cdf_min taken at level 0",
         lambda im: np.clip(np.round((np.cumsum(_hist(im)) - _hist(im)[0]) / (A(im).size - _hist(im)[0]) * 255),
                            0, 255).astype(np.uint8)[A(im)], message="lowest occupied level",
         mistake="equalize_like_opencv.no_stretch"),
    Case("equalize_like_opencv", "constant image divides by zero",
         lambda im: _like_opencv(im, constant_ok=False), message="OpenCV returns it unchanged"),
    Case("equalize_like_opencv", "constant image sent to 255",
         lambda im: np.full_like(A(im), 255) if np.ptp(im) == 0 else _like_opencv(im),
         message="OpenCV returns it unchanged", mistake="equalize_like_opencv.no_stretch"),
    Case("equalize_like_opencv", "floor instead of round", lambda im: _like_opencv(im, rounding=np.floor),
         message="Floor instead of round", mistake="equalize_like_opencv.floor"),
    Case("equalize_like_opencv", "scaled by 256", lambda im: _like_opencv(im, scale=256), message="Scaled by 256",
         mistake="equalize_like_opencv.scaled_by_256"),
    Case("equalize_like_opencv", "float result", lambda im: _opencv_table(im)[A(im)], message="expected uint8"),

    Case("equalize_color", "B, G, R equalized separately",
         lambda im: cv2.merge([cv2.equalizeHist(c) for c in cv2.split(A(im))]), message="Each of B, G, R",
         mistake="equalize_color.per_channel"),
    Case("equalize_color", "RGB conversion codes on a BGR image",
         lambda im: _luma(im, cv2.COLOR_RGB2YCrCb, cv2.COLOR_YCrCb2RGB), message="RGB/BGR confusion",
         mistake="equalize_color.rgb_codes"),
    Case("equalize_color", "converted back to RGB", lambda im: _luma(im, back=cv2.COLOR_YCrCb2RGB),
         message="red and blue are swapped", mistake="equalize_color.back_to_rgb"),
    Case("equalize_color", "left in YCrCb", lambda im: _luma(im, back=None), message="Still in YCrCb",
         mistake="equalize_color.still_ycrcb"),
    Case("equalize_color", "equalized Cr", lambda im: _luma(im, channel=1), message="channel 1 (Cr)",
         mistake="equalize_color.cr_channel"),
    Case("equalize_color", "V of HSV", lambda im: _luma(im, cv2.COLOR_BGR2HSV, cv2.COLOR_HSV2BGR, 2),
         message="V of HSV", mistake="equalize_color.hsv"),
    Case("equalize_color", "Y equalized with the slide's formula", lambda im: _luma(im, eq=_equalize),
         message="slide's formula", mistake="equalize_color.slide_formula"),
    Case("equalize_color", "gray result", lambda im: cv2.equalizeHist(cv2.cvtColor(A(im), cv2.COLOR_BGR2GRAY)),
         message="shape"),
]

ALTERNATIVES = [
    Case("histogram", "np.histogram with one bin per level",
         lambda im, levels=256: np.histogram(im, bins=levels, range=(0, levels))[0]),
    Case("histogram", "np.histogram with integer edges",
         lambda im, levels=256: np.histogram(im, bins=np.arange(levels + 1))[0]),
    Case("histogram", "a loop", _histogram_loop),
    Case("histogram", "levels bins over range=(0, levels - 1)",
         lambda im, levels=256: np.histogram(im, bins=levels, range=(0, levels - 1))[0]),
    Case("histogram", "np.unique counts", _histogram_unique),
    Case("pdf", "divide by the sum", lambda h: A(h) / np.sum(h)),
    Case("pdf", "a loop", lambda h: A([count / sum(list(h)) for count in h])),
    Case("pdf", "float32", lambda h: (A(h) / np.sum(h)).astype(np.float32)),
    Case("pdf", "true divide as floats", lambda h: np.true_divide(h, np.sum(h, dtype=float))),
    Case("cdf", "cumsum of counts, then normalise", lambda h: np.cumsum(h) / np.sum(h)),
    Case("cdf", "a loop", _running_sum),
    Case("cdf", "np.add.accumulate of the pdf", lambda h: np.add.accumulate(A(h) / np.sum(h))),
    Case("equalization_map", "floor(x + 0.5)", lambda h: np.floor(_cdf(h) * (len(h) - 1) + 0.5).astype(np.int64)),
    Case("equalization_map", "np.rint into int32", lambda h: np.rint(_cdf(h) * (len(h) - 1)).astype(np.int32)),
    Case("equalization_map", "float32 arithmetic",
         lambda h: np.round(_cdf(h).astype(np.float32) * np.float32(len(h) - 1)).astype(int)),
    Case("equalization_map", "Python round in a loop", lambda h: A([round(c * (len(h) - 1)) for c in _cdf(h)])),
    Case("equalize", "np.take", lambda im, levels=256: np.take(_map(_hist(im, levels)), A(im)).astype(A(im).dtype)),
    Case("equalize", "one mask per level", _lookup_loop),
    Case("equalize", "lookup through a dict",
         lambda im, levels=256: np.vectorize(dict(enumerate(_map(_hist(im, levels)))).get, otypes=[A(im).dtype])(im)),
    Case("equalize_like_opencv", "cv2.equalizeHist itself", lambda im: cv2.equalizeHist(A(im))),
    Case("equalize_like_opencv", "integer counts and cv2.LUT",
         lambda im: cv2.LUT(A(im), _opencv_table(im).astype(np.uint8))),
    Case("equalize_like_opencv", "loops", _like_opencv_loop),
    Case("equalize_color", "split, equalizeHist, merge", lambda im: _luma(im)),
    Case("equalize_color", "own OpenCV-style equalization of Y", lambda im: _luma(im, eq=_like_opencv)),
    Case("equalize_color", "through RGB order", lambda im: _luma(A(im)[..., ::-1].copy(), cv2.COLOR_RGB2YCrCb,
                                                                  cv2.COLOR_YCrCb2RGB)[..., ::-1]),
]
