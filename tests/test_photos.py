"""The bundled photos load offline, in OpenCV's convention, the same every time."""
import doctest
import socket

import cv2
import numpy as np
import pytest
import skimage.data
from PIL import Image

from course import photos

SHAPES = {"astronaut": (512, 512, 3), "camera": (512, 512), "grace_hopper": (600, 512, 3),
          "china": (427, 640, 3), "flower": (427, 640, 3)}


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a photo loader tried to use the network")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_exports_every_photo():
    assert set(SHAPES) == set(photos.PHOTOS) <= set(photos.__all__)
    assert {"low_contrast", "dark"} <= set(photos.__all__)


@pytest.mark.parametrize("name", SHAPES)
def test_loads_offline_as_contiguous_uint8(name, offline):
    image = photos.PHOTOS[name]()
    assert image.shape == SHAPES[name]
    assert image.dtype == np.uint8
    assert image.flags.c_contiguous
    assert 0 < image.mean() < 255
    assert image.std() > 20


@pytest.mark.parametrize("name", [n for n, shape in SHAPES.items() if len(shape) == 3])
def test_gray_is_opencv_gray_of_the_colour_photo(name, offline):
    loader = photos.PHOTOS[name]
    gray = loader(gray=True)
    assert gray.shape == SHAPES[name][:2]
    assert gray.dtype == np.uint8
    assert np.array_equal(gray, cv2.cvtColor(loader(), cv2.COLOR_BGR2GRAY))


@pytest.mark.parametrize("name", SHAPES)
def test_deterministic_and_fresh(name):
    first = photos.PHOTOS[name]()
    first[:] = 0  # a learner scribbling on one copy ...
    assert np.array_equal(photos.PHOTOS[name](), photos.PHOTOS[name]())
    assert photos.PHOTOS[name]().any()  # ... does not change the next


def test_channel_order_is_bgr():
    assert np.array_equal(photos.astronaut(), skimage.data.astronaut()[..., ::-1])
    from matplotlib import cbook
    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as rgb:
        rgb = np.asarray(rgb.convert("RGB"), dtype=int)
    assert np.abs(photos.grace_hopper()[..., ::-1] - rgb).mean() < 1.0
    from sklearn.datasets import load_sample_image
    assert np.array_equal(photos.china(), load_sample_image("china.jpg")[..., ::-1])


@pytest.mark.parametrize("image", [photos.camera(), photos.astronaut()], ids=["gray", "colour"])
def test_low_contrast_squeezes_levels_in_order(image):
    hazy = photos.low_contrast(image, low=96, high=160, gamma=1.3)
    assert hazy.shape == image.shape
    assert hazy.dtype == np.uint8
    assert hazy.min() >= 96
    assert hazy.max() <= 160
    order = np.argsort(image.ravel(), kind="stable")
    assert np.all(np.diff(hazy.ravel()[order].astype(int)) >= 0)  # brighter stays brighter


def test_dark_stays_below_high_and_docstring_examples():
    assert photos.dark(photos.camera(), high=40).max() <= 40
    assert photos.dark(photos.camera()).max() == 40  # default high
    assert doctest.testmod(photos).failed == 0
    with pytest.raises(ValueError, match="need 0 <= low <= high <= 255"):
        photos.low_contrast(photos.camera(), low=200, high=100)


def test_dark_photo_hides_the_face_until_equalized():
    """The story of 05-equalization: Haar finds the astronaut's face, not in the dark, again after equalizing."""
    detector = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")

    def faces(gray):
        return len(detector.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40)))

    gray = photos.astronaut(gray=True)
    night = photos.dark(gray)
    assert faces(gray) == 1
    assert faces(night) == 0
    assert faces(cv2.equalizeHist(night)) == 1
