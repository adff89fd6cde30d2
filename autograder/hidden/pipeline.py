"""Hidden checks for 06-pipeline: questions for the kernel, judged here.

Grading must stay fast, so the TensorFlow work in the kernel is kept small and
the grader never trains anything:

* ``build_model``: the kernel describes three built networks (shapes, layers,
  parameters, compile settings, outputs on random images) and fits one of them
  for one epoch on 640 digits; the grader checks the contract and that the
  loss fell, computed from the network's probabilities before and after.
* ``train_model``: the learner's function trains a tiny fixed CNN twice, on
  ``(m, 28, 28)`` and ``(m, 28, 28, 1)`` digits, and once more with
  ``validation_data``; the kernel reports the History's content, the
  probabilities before and after (and on the validation digits) and the
  weights: the last ``val_loss`` must be the loss on exactly those digits.
* ``trained_model``: no training at all. The notebook's model describes itself
  and reports its probabilities on the held-out digits, shuffled and faintly
  noised for this grading run; the grader computes the accuracy (returned as
  the metric ``accuracy``).
* ``read_sheet``: the learner's ``read_sheet`` runs with lookups of the
  reference's *outputs* for ``preprocess_sheet``, ``find_digit_boxes`` and
  ``to_mnist`` on exactly these sheets (never the reference code), and the
  model reports its probabilities on the reference crops: the digits expected
  are their argmax. ``whole_pipeline`` reads ten held-out sheets with the
  learner's own steps (metric ``sheet_reading``, which the points depend on),
  then the class challenge's harder sheets (``course.digits.challenge_sheet``:
  metric ``challenge``, the share of their digits read right; no points).

What the grader knows about its own inputs (the true boxes and labels of a
sheet, where a face is) never goes into the questions: ``ask`` keeps it in this
process, keyed by a digest of the input, and ``judge`` looks it up.
"""
from __future__ import annotations

import functools
import hashlib
import types
from collections import OrderedDict

import cv2
import numpy as np
from scipy import ndimage

from autograder.judging.answered import answered, calls, matching
from autograder.judging.questions import Check
from autograder.judging.reference import reference_cells
from course.answering.wire import Function
from course.checking import CheckFailed, expect_answered, expect_array, signature
from course.checks import pipeline as public
from course.digits import challenge_sheet, digit_sheet, load_digits_28, reading_accuracy
from course.fixtures import binary_sheet, digit_crops
from course.photos import astronaut, china, grace_hopper

_TRUTH: OrderedDict[str, object] = OrderedDict()  # digest of an input → what the grader knows about it
_KEEP = 4096


STEPS = ("preprocess_sheet", "find_digit_boxes", "to_mnist", "detect_faces", "face_to_input")
GIVEN = ("reading_order", "centre_by_mass")  # the given cells the steps build on


@functools.cache
def _ref() -> types.SimpleNamespace:
    """The reference's OpenCV steps alone: their solution cells (and the given cells they call) run on
    NumPy, OpenCV and SciPy.

    ``autograder.judging.reference`` would also run the notebook's set-up cell, whose TensorFlow
    import costs the grader seconds (tens of them on a busy machine) it never needs here.
    """
    namespace = reference_cells("06-pipeline", STEPS + GIVEN,
                                {"__name__": "reference_06_pipeline", "np": np, "cv2": cv2, "ndimage": ndimage})
    return types.SimpleNamespace(**{name: namespace[name] for name in STEPS})


def _digest(array) -> str:
    array = np.ascontiguousarray(array)
    return hashlib.sha256(f"{array.shape}{array.dtype}".encode() + array.tobytes()).hexdigest()


def _remember(array, truth) -> None:
    _TRUTH[_digest(array)] = truth
    while len(_TRUTH) > _KEEP:
        _TRUTH.popitem(last=False)


def _recall(array):
    key = _digest(array)
    if key not in _TRUTH:
        raise CheckFailed("the grader lost what it knows about its own questions (were they asked by another "
                          "process?); tell your instructor.")
    return _TRUTH[key]


def _seeds(rng, count):
    return [int(s) for s in rng.choice(2**31 - 1, size=count, replace=False)]


# --- preprocess_sheet ------------------------------------------------------------------

def _ask_preprocess_sheet(rng):
    sheets = [digit_sheet(seed) for seed in _seeds(rng, 5)]
    sheets.append(digit_sheet(_seeds(rng, 1)[0], rows=2, cols=4, size=(300, 420)))
    for sheet in sheets:
        _remember(sheet.image, sheet.boxes)
    return calls("preprocess_sheet", [(sheet.image,) for sheet in sheets])


def _judge_preprocess_sheet(questions, records):
    results = []
    for number, (args, _, _, got) in enumerate(answered(questions, records), 1):
        image = args[0]
        name = f"held-out sheet {number} ({image.shape[0]} × {image.shape[1]})"
        results.append((name, image, got, _recall(image)))
    public.expect_digits_found(results)


# --- find_digit_boxes ------------------------------------------------------------------

def _ask_find_digit_boxes(rng):
    seeds = _seeds(rng, 6)
    sheets = [binary_sheet(seed, rows=4, cols=6) for seed in seeds[:3]]
    sheets += [binary_sheet(seeds[3], rows=3, cols=5, specks=30), binary_sheet(seeds[4], rows=1, cols=1, specks=0),
               binary_sheet(seeds[5], rows=0, cols=0, specks=40)]
    for binary, truth in sheets:
        _remember(binary, truth)
    return calls("find_digit_boxes", [(binary,) for binary, _ in sheets])


def _judge_find_digit_boxes(questions, records):
    for args, _, _, got in answered(questions, records):
        binary, truth = args[0], _recall(args[0])
        what = {0: "specks only", 1: "one digit"}.get(len(truth), f"{len(truth)} digits")
        public.expect_boxes(got, truth, binary, f"find_digit_boxes(a binary sheet with {what})")


# --- to_mnist --------------------------------------------------------------------------

def _ask_to_mnist(rng):
    seeds = _seeds(rng, 4)
    crops = [crop for seed in seeds[:3] for crop in digit_crops(seed)]
    binary, boxes = binary_sheet(seeds[3], rows=1, cols=6, specks=0)
    for x, y, w, h in boxes:  # digits at other sizes: scaled up or down to fit 20 × 20
        scale = rng.uniform(0.5, 2.0)
        crop = binary[y:y + h, x:x + w]
        size = (max(2, round(w * scale)), max(2, round(h * scale)))
        crops.append(np.where(cv2.resize(crop, size, interpolation=cv2.INTER_NEAREST) > 127, 255, 0).astype(np.uint8))
    return calls("to_mnist", [(crop,) for crop in crops if crop.any()])


def _judge_to_mnist(questions, records):
    for args, _, _, got in answered(questions, records):
        crop = args[0]
        where = f"to_mnist(a {crop.shape[0]} × {crop.shape[1]} crop)"
        public.expect_mnist(got, crop, where)
        similarity = np.corrcoef(got.ravel().astype(float), _ref().to_mnist(crop).ravel())[0, 1]
        if not similarity >= 0.8:  # NaN fails too
            raise CheckFailed(f"{where} does not look like the expected digit (correlation {similarity:.2f}): "
                              "is it flipped, transposed or cut off?")


# --- build_model -----------------------------------------------------------------------

BUILDS = ((), ((32, 32, 1), 5), ((48, 48, 1), 7))


def _ask_build_model(rng):
    questions = []
    for args in BUILDS:
        shape = args[0] if args else (28, 28, 1)
        batch = rng.random((4, *shape)).astype(np.float32)
        questions.append({"name": "build_model", "call": "probe:model_built", "args": [list(args), batch]})
    x, y = load_digits_28("train")
    pick = rng.choice(len(y), 640, replace=False)
    questions.append({"name": "build_model", "call": "probe:model_learns",
                      "args": [x[pick][..., None], y[pick], int(rng.integers(2**31 - 1))]})
    return questions


def _judge_build_model(questions, records):
    records = matching(questions, records)
    for args, record in zip(BUILDS, records, strict=False):
        where = signature("build_model", args)
        model = expect_answered(record, where)
        public.expect_model(model, where, *args)
        if not args:
            public.expect_compiled(model, where)
    learned = expect_answered(records[-1], "build_model() trained for one epoch")
    y = questions[-1]["args"][1]
    learned = learned if isinstance(learned, dict) else {}
    before, after = public.mean_loss(learned.get("before"), y), public.mean_loss(learned.get("after"), y)
    if not after < 0.97 * before:  # NaN fails too
        raise CheckFailed(f"build_model()'s network barely learns: one epoch on {len(y)} digits took its loss from "
                          f"{before:.3f} to {after:.3f}. Check the optimizer's learning rate (Adam's 0.001 "
                          "to 0.003 work) and the activations (ReLU inside, softmax at the end).")


# --- train_model -----------------------------------------------------------------------

def _ask_train_model(rng):
    x, y = load_digits_28("train")
    pick = rng.choice(len(y), 192, replace=False)
    x, y = x[pick], y[pick]
    epochs, seed = int(rng.integers(2, 4)), int(rng.integers(1000))
    global_seeds = _seeds(rng, 3)
    x_val, y_val = load_digits_28("test")
    held = rng.choice(len(y_val), 48, replace=False)
    questions = [{"name": "train_model", "call": "probe:training_run", "args": [xs, y, epochs, seed, g]}
                 for xs, g in zip((x, x[..., None]), global_seeds, strict=False)]
    validation = [x_val[held], y_val[held]]
    questions.append({"name": "train_model", "call": "probe:training_run",
                      "args": [x, y, epochs, seed, global_seeds[2], validation]})
    return questions


def _judge_train_model(questions, records):
    records = matching(questions, records)
    runs = []
    for question, record in zip(questions[:2], records[:2], strict=False):
        x, y, epochs, seed, _ = question["args"]
        runs.append(expect_answered(record, f"train_model(model, x of shape {x.shape}, y, epochs={epochs}, "
                                            f"seed={seed})"))
    _, y, epochs, seed, _ = questions[0]["args"]
    public.expect_training(runs, y, epochs, f"train_model(model, x, y, epochs={epochs}, seed={seed})")
    if len(questions) > 2:
        x_val, y_val = questions[2]["args"][5]
        where = public.validated_where(epochs, seed, x_val)
        public.expect_validation(public.expect_validated(records[2], where), y, y_val, epochs, where)


# --- the trained model -----------------------------------------------------------------

NOISE = 1.5 / 255  # below one gray level: the digits stay what they are, a lookup of them fails


def _ask_trained_model(rng):
    """All 1,000 held-out digits (the public check's accuracy is the grade's), in a random order and
    with a faint random noise, so that no answer can be a lookup of positions or pixels. (A random
    subset shifted by a pixel measured 97.0-97.9 % on the reference model: too near the target.)"""
    x, y = load_digits_28("test")
    order = rng.permutation(len(y))
    digits = np.clip(x[order] + rng.uniform(-NOISE, NOISE, x.shape).astype(np.float32), 0, 1)[..., None]
    _remember(digits, y[order])
    return [{"name": "model", "call": "probe:model_described", "subject": 0,
             "args": [rng.random((4, 28, 28, 1)).astype(np.float32)]},
            {"name": "history", "call": "probe:history_of", "subject": 1},
            {"name": "model", "call": "probe:model_predictions", "subject": 0, "args": [digits]}]


def _judge_trained_model(questions, records):
    records = matching(questions, records)
    model, history = (expect_answered(r, "your model" if i == 0 else "history") for i, r in enumerate(records[:2]))
    public.require_trained(None if isinstance(model, dict) and model.get("kind") == "None" else model,
                           None if isinstance(history, dict) and history.get("kind") == "None" else history)
    digits = questions[2]["args"][0]
    probabilities = expect_answered(records[2], "your model on the held-out digits")
    labels = _recall(digits)
    p = public.as_numbers(probabilities)
    measured = ({"accuracy": float(np.mean(p.argmax(axis=1) == labels))}
                if p is not None and p.ndim == 2 and p.shape[0] == len(labels) else {})
    try:
        public.expect_accurate(model, history, probabilities, labels,
                               digits=f"the {len(labels):,} held-out digits")
    except CheckFailed as failure:
        raise CheckFailed(str(failure), failure.diagnosis, metrics=measured) from None
    return measured


# --- read_sheet ------------------------------------------------------------------------

def _prepared(image):
    """The reference's outputs for one sheet: its binary image, boxes and MNIST crops."""
    ref = _ref()
    binary = ref.preprocess_sheet(image)
    boxes = [tuple(int(v) for v in box) for box in ref.find_digit_boxes(binary)]
    crops = [binary[y:y + h, x:x + w] for x, y, w, h in boxes]
    return binary, boxes, crops, [np.asarray(ref.to_mnist(crop), np.float32) for crop in crops]


def _ask_read_sheet(rng):
    questions = [{"name": "model", "call": "probe:hold_subject", "subject": 1}]
    seeds = _seeds(rng, 12)
    blank = next((s for s in seeds[4:] if not _prepared(digit_sheet(s, rows=0).image)[1]), None)
    images = [digit_sheet(seed).image for seed in seeds[:4]]
    images += [digit_sheet(blank, rows=0).image] if blank is not None else []
    for image in images:
        binary, boxes, crops, mnist = _prepared(image)
        steps = {"preprocess_sheet": Function("preprocess_sheet", table=[((image,), binary)]),
                 "find_digit_boxes": Function("find_digit_boxes", table=[((binary,), boxes)]),
                 "to_mnist": Function("to_mnist", table=[((c,), m) for c, m in zip(crops, mnist, strict=False)])}
        questions.append({"name": "read_sheet", "call": "probe:read_with_held", "args": [image, steps]})
        batch = np.stack(mnist)[..., None] if mnist else np.zeros((0, 28, 28, 1), np.float32)
        questions.append({"name": "model", "call": "probe:model_predictions", "subject": 1, "args": [batch]})
    return questions


PREPARED = {"to_mnist": "gave to_mnist an image that is not one of the boxes cut from the binary image: cut "
                        "binary[y:y + h, x:x + w] (rows are y, columns x) from what preprocess_sheet returned, one "
                        "crop per box.",
            "find_digit_boxes": "gave find_digit_boxes something other than what preprocess_sheet returned.",
            "preprocess_sheet": "gave preprocess_sheet something other than the photo it was given."}


def _reading(record, where, blank):
    """What read_sheet returned for one sheet, or the learner's message."""
    if record.get("raised") == "ValueError" and "did not prepare" in str(record.get("message")):
        step = str(record.get("message")).split(" ")[0]
        raise CheckFailed(f"{where} {PREPARED.get(step, 'called a step with an input the grader did not prepare.')}")
    try:
        return public.expect_digits(expect_answered(record, where), where)
    except CheckFailed as failure:
        hint = " With no boxes there is nothing to stack: return [] first." if blank and "raised" in record else ""
        raise CheckFailed(f"{failure}{hint}") from None


def _judge_read_sheet(questions, records):
    records = matching(questions, records)
    expected_all, got_all = [], []
    for number, index in enumerate(range(1, len(questions), 2), 1):
        steps = questions[index]["args"][1]
        boxes = steps["find_digit_boxes"].table[0][1]
        blank = not boxes
        where = "read_sheet(a sheet without digits, model)" if blank else f"read_sheet(held-out sheet {number}, model)"
        got = _reading(records[index], where, blank)
        probabilities = public.as_numbers(expect_answered(records[index + 1], "the model on the sheet's digits"))
        if probabilities is None or probabilities.ndim != 2 or len(probabilities) != len(boxes):
            raise CheckFailed(f"the model's probabilities for the {len(boxes)} digits of sheet {number} could not be "
                              "read; expected an array of shape (n, 10).")
        expected = [int(d) for d in probabilities.argmax(axis=1)] if len(boxes) else []
        if len(got) != len(expected):
            raise CheckFailed(f"{where} read {len(got)} digits; find_digit_boxes found {len(expected)}: read every "
                              "box, once, in its order: one digit per box, the argmax of each row of the "
                              "probabilities (axis=1).")
        if got != expected and got == expected[::-1] and reading_accuracy(expected, got) < 0.95:
            raise CheckFailed(f"{where} returned the digits in the wrong order: that is the order of the boxes "
                              "backwards.")
        expected_all += expected
        got_all += got
    if expected_all and reading_accuracy(expected_all, got_all) < 0.95:
        wrong = sum(a != b for a, b in zip(got_all, expected_all, strict=False))
        raise CheckFailed(f"read_sheet's digits differ from what the model reads in the boxes in "
                          f"{wrong} of {len(expected_all)} places. "
                          "Cut each box from the binary image as binary[y:y + h, x:x + w], make it MNIST-like "
                          "with to_mnist, and take the argmax of each row of the model's probabilities.")


# --- the whole pipeline ----------------------------------------------------------------

SHEETS, CHALLENGE_SHEETS = 10, 5


def _ask_whole_pipeline(rng):
    questions = [{"name": "model", "call": "probe:hold_subject", "subject": 1}]
    seeds = _seeds(rng, SHEETS + CHALLENGE_SHEETS)
    sheets = [digit_sheet(seed) for seed in seeds[:SHEETS]] + [challenge_sheet(seed) for seed in seeds[SHEETS:]]
    for number, sheet in enumerate(sheets):
        _remember(sheet.image, sheet.labels)
        questions.append({"name": "read_sheet", "call": "probe:read_with_held", "args": [sheet.image],
                          "challenge": number >= SHEETS})
    return questions


def _share(readings):
    """The share of the digits read right on these sheets, each weighed by its digits (or its reading)."""
    right = sum(reading_accuracy(labels, got) * max(len(labels), len(got)) for labels, got in readings)
    total = sum(max(len(labels), len(got)) for labels, got in readings)
    return right / total if total else 0.0


def _challenge(questions, records):
    """The class challenge: the share read right on the harder sheets; 0 for a sheet that could not be read."""
    readings = []
    for question, record in zip(questions, records, strict=False):
        if question.get("challenge"):
            try:
                got = public.expect_digits(expect_answered(record, "read_sheet"), "read_sheet")
            except CheckFailed:
                got = []
            readings.append((_recall(question["args"][0]), got))
    return {"challenge": _share(readings)} if readings else {}


def _judge_whole_pipeline(questions, records):
    records = matching(questions, records)
    measured = _challenge(questions[1:], records[1:])
    readings = []
    try:
        for number, (question, record) in enumerate(zip(questions[1:], records[1:], strict=False), 1):
            if question.get("challenge"):
                continue
            where = f"read_sheet(held-out sheet {number}, model)"
            got = public.expect_digits(expect_answered(record, where), where)
            readings.append((_recall(question["args"][0]), got))
        measured["sheet_reading"] = _share(readings)
        public.expect_sheets_read(readings)
    except CheckFailed as failure:
        raise CheckFailed(str(failure), failure.diagnosis, metrics=measured) from None
    return measured


# --- faces -----------------------------------------------------------------------------

def _ask_detect_faces(rng):
    photo = astronaut()
    x, y, w, h = public.FACES["astronaut"]
    factor = float(rng.uniform(0.45, 0.6))
    small = cv2.resize(grace_hopper(), None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    gray = np.full((int(rng.integers(200, 300)), int(rng.integers(280, 400)), 3), int(rng.integers(90, 170)),
                   np.uint8)
    cases = [(photo, "detect_faces(astronaut())", public.FACES["astronaut"]),
             (grace_hopper(), "detect_faces(grace_hopper())", public.FACES["grace_hopper"]),
             (np.ascontiguousarray(photo[:, ::-1]), "detect_faces(astronaut() mirrored)",
              (photo.shape[1] - x - w, y, w, h)),
             (small, f"detect_faces(grace_hopper() at {factor:.0%} of its size)",
              tuple(round(v * factor) for v in public.FACES["grace_hopper"])),
             (china(), "detect_faces(china())", None),
             (gray, "detect_faces(a gray image)", None)]
    for image, where, face in cases:
        _remember(image, (where, face))
    return calls("detect_faces", [(image,) for image, _, _ in cases])


def _judge_detect_faces(questions, records):
    for args, _, _, got in answered(questions, records):
        where, face = _recall(args[0])
        public.expect_faces(got, where, face)


def face_to_input_mistakes(image, box, size=48):
    """What the classic mistakes return, by mistake id (``public.MISTAKES`` has their diagnoses)."""
    x, y, w, h = (int(v) for v in box)
    crop = image[y:y + h, x:x + w]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)

    def shrink(face, interpolation=cv2.INTER_AREA):
        return cv2.resize(face, (size, size), interpolation=interpolation)[..., None] / 255.0

    swapped = image[x:x + w, y:y + h]
    return {
        "face_to_input.not_equalized": shrink(gray),
        "face_to_input.inter_linear": shrink(cv2.equalizeHist(gray), cv2.INTER_LINEAR),
        "face_to_input.bgr_as_rgb": shrink(cv2.equalizeHist(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))),
        "face_to_input.equalized_after_resize":
            cv2.equalizeHist(cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA))[..., None] / 255.0,
        "face_to_input.crop_swapped": shrink(cv2.equalizeHist(cv2.cvtColor(swapped, cv2.COLOR_BGR2GRAY)))
        if swapped.shape[:2] == (w, h) and swapped.size else None,
    }


def _ask_face_to_input(rng):
    photo, portrait, temple = astronaut(), grace_hopper(), china()
    cases = [(photo, public.FACES["astronaut"], 48), (portrait, public.FACES["grace_hopper"], 48),
             (photo, np.array(public.FACES["astronaut"]), 32), (portrait, list(public.FACES["grace_hopper"]), 64)]
    for image in (temple, temple, photo):
        side = int(rng.integers(40, 160))
        height, width = image.shape[:2]
        box = (int(rng.integers(0, width - side)), int(rng.integers(0, height - side)), side, side)
        cases.append((image, box, int(rng.choice([32, 48, 64]))))
    return calls("face_to_input", [(*_around(rng, image, box), size) for image, box, size in cases])


def _around(rng, image, box):
    """A random part of the photo around the box, and the box in it: fewer bytes to send, new offsets."""
    x, y, w, h = (int(v) for v in box)
    height, width = image.shape[:2]
    left, top = max(0, x - int(rng.integers(0, 80))), max(0, y - int(rng.integers(0, 80)))
    right, bottom = min(width, x + w + int(rng.integers(0, 80))), min(height, y + h + int(rng.integers(0, 80)))
    moved = (x - left, y - top, w, h)
    kind = type(box) if isinstance(box, (list, tuple)) else np.array
    return np.ascontiguousarray(image[top:bottom, left:right]), kind(moved)


def _judge_face_to_input(questions, records):
    for args, _, _, got in answered(questions, records):
        image, box, size = args
        where = f"face_to_input(photo, {tuple(int(v) for v in box)}, size={size})"
        public.expect_face_input(got, size, where, spread=False)  # the comparison below is exact
        expect_array(got, _ref().face_to_input(image, box, size), where, rtol=1e-5, atol=1e-5,
                     mistakes=public.diagnosed(face_to_input_mistakes(image, box, size)))


CHECKS = {
    "test_preprocess_sheet": Check(_ask_preprocess_sheet, _judge_preprocess_sheet),
    "test_find_digit_boxes": Check(_ask_find_digit_boxes, _judge_find_digit_boxes),
    "test_to_mnist": Check(_ask_to_mnist, _judge_to_mnist),
    "test_build_model": Check(_ask_build_model, _judge_build_model),
    "test_train_model": Check(_ask_train_model, _judge_train_model),
    "test_trained_model": Check(_ask_trained_model, _judge_trained_model),
    "test_read_sheet": Check(_ask_read_sheet, _judge_read_sheet),
    "test_whole_pipeline": Check(_ask_whole_pipeline, _judge_whole_pipeline),
    "test_detect_faces": Check(_ask_detect_faces, _judge_detect_faces),
    "test_face_to_input": Check(_ask_face_to_input, _judge_face_to_input),
}
