"""Hidden checks for 06's finale (faces → emotions, a model that leaves the notebook), judged here.

* ``emotion_input``: faces the grader chooses — the bundled photos' faces cut from a larger random
  part of the photo (new offsets), scaled, brighter, dimmer, mirrored; boxes as tuples, lists and
  arrays — compared with the reference solution on average within
  ``course.checks.finale.MEAN_TOLERANCE`` (any interpolation passes, a known mistake is named).
* ``read_emotions``: end to end with the learner's own ``detect_faces`` and ``emotion_input`` on
  the grader's photos. The kernel reports what ``read_emotions`` returned and the learner's own
  ``emotion_input`` for each returned box; the grader finds the faces with the reference
  ``detect_faces`` and runs **its own copy** of the emotion model on those inputs: the model's
  outputs are computed here and never handed to the kernel.
* ``save_and_reload``: the kernel saves the notebook's trained model to a fresh path and reports the
  file, the model returned, and the predictions of the model given, of the model returned and of a
  model loaded from the file on random images; a model saved before training or another model fails.
* ``to_tflite`` (stretch): the kernel converts the trained model with the learner's ``to_tflite`` and
  runs the bytes with their ``tflite_predict``; the grader compares with the Keras model's outputs.
* ``annotate_frame`` (stretch): frames of a clip written with ``cv2.VideoWriter`` and read back with
  ``cv2.VideoCapture`` (``course.clip``, a fresh sheet per grading run); the grader knows where each
  digit and the face are, and looks for a box drawn along each.
"""
from __future__ import annotations

import functools
import types

import cv2
import numpy as np

from autograder.hidden.pipeline import _recall, _remember
from autograder.judging.answered import answered, calls, matching
from autograder.judging.questions import Check
from autograder.judging.reference import reference_cells
from course.checking import CheckFailed, expect_answered
from course.checks import finale as public
from course.checks.pipeline import FACES
from course.photos import astronaut, china, grace_hopper

STEPS = ("detect_faces", "emotion_input")


@functools.cache
def _ref() -> types.SimpleNamespace:
    """The reference's detect_faces and emotion_input alone (NumPy and OpenCV, no TensorFlow)."""
    namespace = reference_cells("06-pipeline", STEPS, {"__name__": "reference_06_finale", "np": np, "cv2": cv2})
    return types.SimpleNamespace(**{name: namespace[name] for name in STEPS})


def _model():
    """The grader's own emotion model (the installed fer file), loaded once per grading process."""
    from course.emotions import load_emotion_model
    return load_emotion_model()


# --- emotion_input ---------------------------------------------------------------------

def emotion_input_mistakes(image, box, size=64):
    """What the classic mistakes return, by mistake id (``public.MISTAKES`` has their diagnoses)."""
    x, y, w, h = (int(v) for v in box)
    crop = image[y:y + h, x:x + w]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)

    def shrink(face):
        return cv2.resize(face, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)[..., None]

    swapped = image[x:x + w, y:y + h]
    return {
        "emotion_input.scaled_to_unit": shrink(gray) / 255,
        "emotion_input.bgr_as_rgb": (shrink(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)) / 255 - 0.5) * 2,
        "emotion_input.equalized": (shrink(cv2.equalizeHist(gray)) / 255 - 0.5) * 2,
        "emotion_input.not_shifted": shrink(gray) / 127.5,
        "emotion_input.crop_swapped": (shrink(cv2.cvtColor(swapped, cv2.COLOR_BGR2GRAY)) / 255 - 0.5) * 2
        if swapped.shape[:2] == (w, h) and swapped.size else None,
    }


def _around(rng, image, box):
    """A random part of the photo around the box, and the box in it: new offsets, fewer bytes."""
    x, y, w, h = (int(v) for v in box)
    height, width = image.shape[:2]
    left, top = max(0, x - int(rng.integers(0, 60))), max(0, y - int(rng.integers(0, 60)))
    right, bottom = min(width, x + w + int(rng.integers(0, 60))), min(height, y + h + int(rng.integers(0, 60)))
    return np.ascontiguousarray(image[top:bottom, left:right]), (x - left, y - top, w, h)


def _ask_emotion_input(rng):
    photo, portrait = astronaut(), grace_hopper()
    cases = []
    for image, box in ((photo, FACES["astronaut"]), (portrait, FACES["grace_hopper"])):
        cases.append((*_around(rng, image, box), 64))
        factor = float(rng.uniform(0.4, 1.4))  # scaled
        scaled = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        cases.append((*_around(rng, scaled, tuple(round(v * factor) for v in box)), 64))
        brighter = np.clip(image.astype(int) + int(rng.integers(30, 70)), 0, 255).astype(np.uint8)
        cases.append((*_around(rng, brighter, box), 64))
        x, y, w, h = box
        mirrored = np.ascontiguousarray(image[:, ::-1])
        cases.append((*_around(rng, mirrored, (image.shape[1] - x - w, y, w, h)), 64))
    dim = (photo * float(rng.uniform(0.3, 0.6))).astype(np.uint8)
    image, box = _around(rng, dim, FACES["astronaut"])
    cases += [(image, list(box), 64), (*_around(rng, portrait, FACES["grace_hopper"]), 48)]
    image, box = _around(rng, photo, FACES["astronaut"])
    cases.append((image, np.array(box), 32))
    return calls("emotion_input", cases)


def _judge_emotion_input(questions, records):
    for args, _, _, got in answered(questions, records):
        image, box, size = args
        where = f"emotion_input(a photo, {tuple(int(v) for v in box)}, size={size})"
        public.expect_emotion_input(got, size, where)
        public.expect_close_input(got, _ref().emotion_input(image, box, size), where,
                                  public.diagnosed(emotion_input_mistakes(image, box, size)))


# --- read_emotions ---------------------------------------------------------------------

def _two_faces():
    """The astronaut and Grace Hopper side by side, at about the same face size."""
    left = astronaut()[:300, 60:420]
    right = cv2.resize(grace_hopper(), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)[:300]
    canvas = np.full((300, left.shape[1] + right.shape[1] + 20, 3), 128, np.uint8)
    canvas[:, :left.shape[1]] = left
    canvas[:right.shape[0], left.shape[1] + 20:] = right
    return canvas


def _ask_read_emotions(rng):
    photo = astronaut()
    brighter = np.clip(grace_hopper().astype(int) + int(rng.integers(20, 60)), 0, 255).astype(np.uint8)
    factor = float(rng.uniform(0.7, 1.3))
    images = [photo, brighter, _two_faces(), china(), np.ascontiguousarray(photo[:, ::-1]),
              cv2.resize(photo, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)]
    questions = [{"name": "emotion_model", "call": "probe:hold_subject", "subject": 1}]
    questions += [{"name": "read_emotions", "call": "probe:emotions_read", "args": [image]} for image in images]
    return questions


NAMES = ("astronaut()", "grace_hopper() brighter", "the astronaut and Grace Hopper side by side", "china()",
         "astronaut() mirrored", "astronaut() rescaled")


def _judge_read_emotions(questions, records):
    records = matching(questions, records)
    model = None
    for number, (question, record) in enumerate(zip(questions[1:], records[1:], strict=False)):
        image = question["args"][0]
        where = f"read_emotions({NAMES[number] if number < len(NAMES) else 'a photo'}, emotion_model)"
        report = expect_answered(record, where)
        report = report if isinstance(report, dict) else {}
        boxes, got = public.expect_emotions(report.get("found"), where)
        public.expect_faces_matched(boxes, _ref().detect_faces(image), where)
        if not len(boxes):
            continue
        inputs = report.get("inputs")
        if not isinstance(inputs, list) or len(inputs) != len(boxes) or not all(
                isinstance(x, np.ndarray) and x.shape == (64, 64, 1) and x.dtype.kind == "f" for x in inputs):
            raise CheckFailed(f"{where}: your emotion_input could not prepare the faces read_emotions returned "
                              f"({str(inputs)[:120]}); read_emotions is judged with your own emotion_input, so it "
                              "must work for each box, with size=64 by default.")
        model = model or _model()
        expected = np.asarray(model(np.stack(inputs).astype(np.float32), training=False), float)
        difference = np.abs(got - expected).max()
        if not difference <= public.PROBABILITY_TOLERANCE:
            raise CheckFailed(f"{where}: the probabilities differ by up to {difference:.3f} from what the emotion "
                              f"model gives for your emotion_input of the same faces (e.g. "
                              f"{np.round(got[0], 3).tolist()}, expected {np.round(expected[0], 3).tolist()}). "
                              "Give the model emotion_input's output for each box, as it is (no second softmax, "
                              "no other scaling), and return its output rows in the order of the boxes.")


# --- save_and_reload -------------------------------------------------------------------

def _ask_save_and_reload(rng):
    batch = rng.random((16, 28, 28, 1)).astype(np.float32)
    name = f"model-{int(rng.integers(10**6))}.keras"
    return [{"name": "model", "call": "probe:hold_subject", "subject": 1},
            {"name": "save_and_reload", "call": "probe:saved_and_reloaded", "args": [name, batch]}]


def _judge_save_and_reload(questions, records):
    records = matching(questions, records)
    where = f"save_and_reload(model, \"{questions[1]['args'][0]}\")"
    public.expect_saved_and_reloaded(expect_answered(records[1], where), where)


# --- annotate_frame (a stretch task) ----------------------------------------------------

def _ask_annotate_frame(rng):
    """Frames of a clip written with cv2.VideoWriter and read back with cv2.VideoCapture, for a fresh sheet."""
    import tempfile
    from pathlib import Path

    from course.clip import read_clip, scene, write_clip

    seed, count = int(rng.integers(2**31 - 1)), 12
    with tempfile.TemporaryDirectory() as folder:
        frames = read_clip(write_clip(Path(folder) / "clip.avi", seed=seed, frames=count))
    truths = scene(seed, count)[1]
    picked = sorted(int(i) for i in rng.choice(min(len(frames), count), 3, replace=False))
    for index in picked:
        _remember(frames[index], truths[index])
    return [{"name": "model", "call": "probe:hold_subject", "subject": 1},
            {"name": "emotion_model", "call": "probe:hold_emotion_model", "subject": 2}] + [
        {"name": "annotate_frame", "call": "probe:frame_annotated", "args": [frames[index]]} for index in picked]


def _judge_annotate_frame(questions, records):
    records = matching(questions, records)
    for number, (question, record) in enumerate(zip(questions[2:], records[2:], strict=False), 1):
        frame = question["args"][0]
        where = f"annotate_frame(frame {number} of a clip, model, emotion_model)"
        public.expect_annotated(expect_answered(record, where), frame, _recall(frame), where)


# --- to_tflite / tflite_predict (a stretch task) --------------------------------------

def _ask_to_tflite(rng):
    batch = rng.random((int(rng.integers(3, 12)), 28, 28, 1)).astype(np.float32)
    return [{"name": "model", "call": "probe:hold_subject", "subject": 2},
            {"name": "tflite_predict", "call": "probe:hold_as", "subject": 1, "args": ["tflite_predict"]},
            {"name": "to_tflite", "call": "probe:tflite_compared", "args": [batch]}]


def _judge_to_tflite(questions, records):
    records = matching(questions, records)
    where = f"tflite_predict(to_tflite(model), {len(questions[2]['args'][0])} random images)"
    public.expect_converted(expect_answered(records[2], where), where)


CHECKS = {
    "test_emotion_input": Check(_ask_emotion_input, _judge_emotion_input),
    "test_read_emotions": Check(_ask_read_emotions, _judge_read_emotions),
    "test_save_and_reload": Check(_ask_save_and_reload, _judge_save_and_reload),
    "test_to_tflite": Check(_ask_to_tflite, _judge_to_tflite),
    "test_annotate_frame": Check(_ask_annotate_frame, _judge_annotate_frame),
}
