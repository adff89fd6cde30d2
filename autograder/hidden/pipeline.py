"""Hidden tests for 06-pipeline.

Grading must stay fast (the whole notebook, these tests included, in about a
minute on two cores), so the TensorFlow checks divide the work:

* ``build_model`` checks the contract (shapes, Conv2D and pooling, softmax
  output, at most 200,000 parameters, compiled for integer labels with an
  accuracy metric) for three input shapes, then trains the learner's network
  with the *reference* ``train_model`` for one epoch on 1,024 digits: the loss
  must fall. It does not train to 97 %: that would repeat the notebook's
  training.
* ``train_model`` trains a tiny fixed CNN (no dropout) with the learner's
  function twice, on ``(m, 28, 28)`` and on ``(m, 28, 28, 1)`` digits: both runs
  must lower the loss, run the requested epochs, return the History and end with
  the same weights (same seed, same run).
* ``trained_model`` reuses the model the notebook trained, the only one trained
  to the target. It cannot be fooled by what the notebook passes: it checks the
  architecture's contract again and measures the accuracy itself on the 1,000
  held-out digits it loads. It only reads the model (no fit, no compile), so the
  cells after it still run as they would without it.
* ``read_sheet`` runs the learner's ``read_sheet`` with the reference
  ``preprocess_sheet``, ``find_digit_boxes`` and ``to_mnist`` in its namespace
  and compares with the reference ``read_sheet`` on the same (notebook) model,
  so only the composition is graded here (the public check before it uses
  stand-ins for the steps and the model); ``reads_sheets`` grades the learner's
  whole pipeline end to end on ten held-out sheets.
"""
from __future__ import annotations

import cv2
import numpy as np

from course.checking import CheckFailed, call, expect_array, learner_facing
from course.checks import pipeline as public
from course.digits import digit_sheet, load_digits_28, reading_accuracy
from course.photos import astronaut, china, grace_hopper

from ..reference import reference

SEED = 606


def _ref():
    return reference("06-pipeline")


def _reference_steps(fn):
    """The reference's three steps in place of the learner's, while ``fn`` runs."""
    ref = _ref()
    return public.replaced(fn, preprocess_sheet=ref.preprocess_sheet, find_digit_boxes=ref.find_digit_boxes,
                           to_mnist=ref.to_mnist)


@learner_facing
def preprocess_sheet(preprocess_sheet):
    cases = public.sheets(range(SEED, SEED + 5))
    cases["a small sheet"] = digit_sheet(SEED, rows=2, cols=4, size=(300, 420))
    public.sheet_found(preprocess_sheet, cases)


@learner_facing
def find_digit_boxes(find_digit_boxes):
    ref = _ref()
    for seed in range(SEED, SEED + 3):
        binary, truth = public.binary_sheet(seed, rows=4, cols=6)
        public.boxes_match(find_digit_boxes, binary, truth, f"find_digit_boxes(binary sheet {seed}, 4 rows)")
    for seed in range(SEED + 10, SEED + 13):
        binary = ref.preprocess_sheet(digit_sheet(seed).image)
        public.boxes_match(find_digit_boxes, binary, ref.find_digit_boxes(binary),
                           f"find_digit_boxes(preprocessed digit_sheet({seed}))")
    one, truth = public.binary_sheet(SEED, rows=1, cols=1, specks=0)
    public.boxes_match(find_digit_boxes, one, truth, "find_digit_boxes(a sheet with one digit)")
    specks, _ = public.binary_sheet(SEED, rows=0, cols=0, specks=40)
    public.boxes_match(find_digit_boxes, specks, [], "find_digit_boxes(a sheet with specks only)")


@learner_facing
def to_mnist(to_mnist):
    ref = _ref()
    crops = [crop for seed in range(SEED, SEED + 3) for crop in public.digit_crops(seed)]
    binary = ref.preprocess_sheet(digit_sheet(SEED).image)
    crops += [binary[y:y + h, x:x + w] for x, y, w, h in ref.find_digit_boxes(binary)[:8]]
    for crop in crops:
        where = f"to_mnist(a {crop.shape[0]} × {crop.shape[1]} crop)"
        got = call(to_mnist, crop, name="to_mnist")
        public.mnist_problems(got, crop, where)
        similarity = np.corrcoef(got.ravel(), ref.to_mnist(crop).ravel())[0, 1]
        if similarity < 0.8:
            raise CheckFailed(f"{where} does not look like the expected digit (correlation {similarity:.2f}): "
                              "is it flipped, transposed or cut off?")


@learner_facing
def build_model(build_model):
    ref = _ref()
    model = call(build_model, name="build_model")
    public.model_problems(model, "build_model()")
    public.compile_problems(model, "build_model()")
    for shape, classes in (((32, 32, 1), 5), ((48, 48, 1), 7)):
        other = call(build_model, shape, classes, name="build_model")
        public.model_problems(other, f"build_model({shape}, {classes})", shape, classes)
    x, y = load_digits_28("train")
    x, y = x[::4][:1024], y[::4][:1024]
    before = public.mean_loss(model, x, y)
    with public.quiet():
        ref.train_model(model, x, y, epochs=1, seed=0)
    after = public.mean_loss(model, x, y)
    if not after < 0.97 * before:  # NaN fails too
        raise CheckFailed(f"build_model()'s network barely learns: one epoch on 1,024 digits took its loss from "
                          f"{before:.3f} to {after:.3f}. Check the optimizer's learning rate (Adam's 0.001 "
                          "to 0.003 work) and the activations (ReLU inside, softmax at the end).")


@learner_facing
def train_model(train_model):
    x, y = load_digits_28("train")
    public.training_problems(train_model, x[5::16][:256], y[5::16][:256], epochs=3, seed=4)


@learner_facing
def trained_model(model, history):
    public.accuracy_problems(model, history)  # measured on the held-out split: the public check is complete


@learner_facing
def read_sheet(read_sheet, model):
    ref = _ref()
    public.require_trained(model)
    expected_all, got_all = [], []
    for seed in range(SEED + 20, SEED + 24):
        image = digit_sheet(seed).image
        with _reference_steps(read_sheet):
            got = public.read(read_sheet, image, model, f"read_sheet(digit_sheet({seed}).image, model)")
        expected = ref.read_sheet(image, model)
        if len(got) != len(expected):
            raise CheckFailed(f"read_sheet(digit_sheet({seed}).image, model) read {len(got)} digits; "
                              f"find_digit_boxes found {len(expected)}: read every box, once, in its order.")
        expected_all += expected
        got_all += got
    if reading_accuracy(expected_all, got_all) < 0.95:
        raise CheckFailed(f"read_sheet's digits differ from what the model reads in the boxes in "
                          f"{sum(a != b for a, b in zip(got_all, expected_all))} of {len(expected_all)} places. "
                          "Cut each box from the binary image as binary[y:y + h, x:x + w], make it MNIST-like "
                          "with to_mnist, and take the argmax of each row of the model's probabilities.")


@learner_facing
def reads_sheets(read_sheet, model):
    public.sheets_read(read_sheet, model, range(SEED + 30, SEED + 40))


@learner_facing
def detect_faces(detect_faces):
    photo = astronaut()
    x, y, w, h = public.FACES["astronaut"]
    mirrored = np.ascontiguousarray(photo[:, ::-1])
    small = cv2.resize(grace_hopper(), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    half = tuple(v // 2 for v in public.FACES["grace_hopper"])
    public.faces_problems(detect_faces, photo, "detect_faces(astronaut())", public.FACES["astronaut"])
    public.faces_problems(detect_faces, grace_hopper(), "detect_faces(grace_hopper())", public.FACES["grace_hopper"])
    public.faces_problems(detect_faces, mirrored, "detect_faces(astronaut() mirrored)", (photo.shape[1] - x - w, y, w, h))
    public.faces_problems(detect_faces, small, "detect_faces(grace_hopper() at half size)", half)
    public.faces_problems(detect_faces, china(), "detect_faces(china())")
    public.faces_problems(detect_faces, np.full((240, 320, 3), 128, np.uint8), "detect_faces(a gray image)")


@learner_facing
def face_to_input(face_to_input):
    ref = _ref()
    rng = np.random.default_rng(SEED)
    temple = china()
    cases = [(astronaut(), public.FACES["astronaut"], 48), (grace_hopper(), public.FACES["grace_hopper"], 48),
             (astronaut(), np.array(public.FACES["astronaut"]), 32), (grace_hopper(), list(public.FACES["grace_hopper"]), 64)]
    for _ in range(3):
        side = int(rng.integers(40, 160))
        cases.append((temple, (int(rng.integers(0, 640 - side)), int(rng.integers(0, 427 - side)), side, side), 48))
    for image, box, size in cases:
        where = f"face_to_input(photo, {tuple(int(v) for v in box)}, size={size})"
        got = call(face_to_input, image, box, size, name="face_to_input")
        public.face_input_problems(got, size, where)
        expect_array(got, ref.face_to_input(image, box, size), where, rtol=1e-5, atol=1e-5,
                     mistakes=public.face_to_input_mistakes(image, box, size))
