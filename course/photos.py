"""Photos that ship inside installed packages, in OpenCV's convention.

Colour photos come back as BGR ``uint8`` arrays of shape ``(H, W, 3)`` (pass
``gray=True`` for one ``(H, W)`` channel), gray photos as ``(H, W)`` ``uint8``.
Every file is read from the installed scikit-image, matplotlib or scikit-learn
package: nothing is downloaded. ``low_contrast`` and ``dark`` make the poorly
exposed copies that histogram equalization repairs.
"""
from __future__ import annotations

import cv2
import numpy as np
import skimage.data
from matplotlib import cbook

__all__ = ["astronaut", "camera", "grace_hopper", "china", "flower", "PHOTOS", "low_contrast", "dark"]


def _sample_image(name: str) -> np.ndarray:
    """One of scikit-learn's sample images (RGB); imported here because sklearn.datasets takes seconds."""
    from sklearn.datasets import load_sample_image

    return load_sample_image(name)


def _bgr(rgb: np.ndarray, gray: bool) -> np.ndarray:
    """An RGB array as a contiguous BGR (or gray) uint8 array."""
    code = cv2.COLOR_RGB2GRAY if gray else cv2.COLOR_RGB2BGR
    return cv2.cvtColor(np.ascontiguousarray(rgb, dtype=np.uint8), code)


def astronaut(gray: bool = False) -> np.ndarray:
    """Astronaut Eileen Collins, 512 × 512, from ``skimage.data.astronaut()`` (shipped in the wheel).

    Source: NASA Great Images database; public domain (no known copyright restrictions).
    """
    return _bgr(skimage.data.astronaut(), gray)


def camera() -> np.ndarray:
    """The cameraman, 512 × 512 gray, from ``skimage.data.camera()`` (shipped in the wheel).

    Source: photograph by Lav Varshney; CC0 (no copyright restrictions).
    """
    return np.ascontiguousarray(skimage.data.camera(), dtype=np.uint8)


def grace_hopper(gray: bool = False) -> np.ndarray:
    """Rear Admiral Grace Hopper, 600 × 512, matplotlib's sample ``grace_hopper.jpg``.

    Source: official U.S. Navy portrait, public domain; read with
    ``matplotlib.cbook.get_sample_data`` from matplotlib's own data folder.
    """
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"matplotlib's sample photo is missing: {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if gray else image


def china(gray: bool = False) -> np.ndarray:
    """A Chinese temple, 427 × 640, ``sklearn.datasets.load_sample_image("china.jpg")``.

    Source: danielbuechele on Flickr (flickr.com/photos/danielbuechele/6061409035); CC BY 2.0, as
    scikit-learn's datasets/images/README.txt states.
    """
    return _bgr(_sample_image("china.jpg"), gray)


def flower(gray: bool = False) -> np.ndarray:
    """A flower, 427 × 640, ``sklearn.datasets.load_sample_image("flower.jpg")``.

    Source: vultilion on Flickr (flickr.com/photos/vultilion/6056698931); CC BY 2.0, as
    scikit-learn's datasets/images/README.txt states.
    """
    return _bgr(_sample_image("flower.jpg"), gray)


PHOTOS = {"astronaut": astronaut, "camera": camera, "grace_hopper": grace_hopper, "china": china, "flower": flower}


def low_contrast(image, low: int = 96, high: int = 160, gamma: float = 1.0) -> np.ndarray:
    """A washed-out copy: every level v becomes low + (high - low) · (v / 255) ** gamma, rounded.

    Works on gray or colour uint8 images (each channel the same way) and keeps
    the order of the levels, so equalization can spread them out again.
    >>> low_contrast(np.array([0, 128, 255], np.uint8)).tolist()
    [96, 128, 160]
    """
    if not 0 <= low <= high <= 255:
        raise ValueError(f"need 0 <= low <= high <= 255, got low={low}, high={high}")
    levels = np.arange(256) / 255.0
    table = np.round(low + (high - low) * levels ** gamma).astype(np.uint8)
    return table[np.asarray(image, dtype=np.uint8)]


def dark(image, high: int = 40, gamma: float = 1.5) -> np.ndarray:
    """An underexposed copy: levels squeezed into 0..high, the shadows pushed down by gamma > 1."""
    return low_contrast(image, 0, high, gamma)
