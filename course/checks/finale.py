"""Public checks for 06's finale: faces → emotions, and a model that leaves the notebook.

The ``expect_*`` helpers judge plain data (an input array, a list of faces and
probabilities, what ``course.emotions.saved_and_reloaded`` reports), so the
grader judges its own cases with the same messages.
"""
from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import cv2
import numpy as np

from course.checking import CheckFailed, call, describe, diagnoses, expect_answered, learner_facing, passed, respond
from course.checks.pipeline import FACES, expect_box_list, require_trained
from course.checks.pipeline import MISTAKES as PIPELINE_MISTAKES
from course.digits import iou
from course.emotions import EMOTIONS, frame_annotated, saved_and_reloaded, tflite_compared
from course.photos import astronaut, china

# emotion_input: an answer passes when, both slightly blurred (what sets interpolations apart is the finest
# detail: INTER_LINEAR shrinks Grace Hopper's 222-pixel face to 48 with 0.056 from INTER_AREA unblurred), it
# is on average this close to the expected input; never RGB order (0.06 to 0.12) nor [0, 1] scaling (0.18+).
MEAN_TOLERANCE = 0.05
BLUR = 1.0  # the Gaussian's sigma, in pixels of the input
PROBABILITY_TOLERANCE = 1e-3  # read_emotions: the model's own outputs, batched or face by face

LITE_TOLERANCE = 1e-4  # to_tflite: the .tflite file's probabilities against Keras' (float32, another order of sums)

__all__ = ["emotion_input", "read_emotions", "save_and_reload", "annotate_frame", "to_tflite", "expect_emotion_input",
           "expect_emotions", "expect_annotated", "MISTAKES", "diagnosed"]
DRAWN, NEAR, ALONG, AT_MOST = 60, 8, 0.6, 0.3  # annotate_frame: a drawn pixel, how near a box, how much of it

# The diagnosis of each classic mistake, by id "<function>.<what>" (the hidden checks and the catalogue name them);
# emotion_input shares two with face_to_input.
MISTAKES = {
    "emotion_input.scaled_to_unit":
        "Scaled to [0, 1] (x / 255): the model was trained on (x / 255 - 0.5) * 2, in [-1, 1].",
    "emotion_input.bgr_as_rgb": PIPELINE_MISTAKES["face_to_input.bgr_as_rgb"],
    "emotion_input.equalized": "Equalized, as face_to_input does: this model was trained without equalization.",
    "emotion_input.not_shifted": "Scaled x / 127.5 without subtracting: (x / 255 - 0.5) * 2 is x / 127.5 - 1.",
    "emotion_input.crop_swapped": PIPELINE_MISTAKES["face_to_input.crop_swapped"],
}


def diagnosed(outputs):
    """{diagnosis: output} for {mistake id: output}: ``mistakes`` for ``expect_array``."""
    return diagnoses(MISTAKES, outputs)


# --- emotion_input ---------------------------------------------------------------------

def expect_emotion_input(got, size, where):
    """The emotion model's input: a float array (size, size, 1) in [-1, 1]."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf":
        raise CheckFailed(f"{where} returned {describe(got)}; expected a NumPy array of floats.")
    if got.shape != (size, size, 1):
        hint = {(size, size): " Add the channel axis: [..., np.newaxis].",
                (size, size, 3): " Convert to gray: one channel."}.get(got.shape, "")
        if got.ndim >= 2 and got.shape[:2] != (size, size):
            hint = f" Resize the gray crop to {size} × {size}: cv2.resize(face, (size, size))."
        raise CheckFailed(f"{where} returned shape {got.shape}; expected {(size, size, 1)}, what the model's "
                          f"input_shape asks for.{hint}")
    if got.dtype.kind != "f":
        raise CheckFailed(f"{where} returned dtype {got.dtype}; expected float32: the model computes with floats.")
    if not np.isfinite(got).all():
        raise CheckFailed(f"{where} contains NaN or infinite values.")
    low, high = float(got.min()), float(got.max())
    if high > 1.0 + 1e-5 or low < -1.0 - 1e-5:
        raise CheckFailed(f"{where} has values in [{low:.3g}, {high:.3g}]; expected [-1, 1]: the model was "
                          "trained on (x / 255 - 0.5) * 2.")
    if low >= -1e-6 and high > 0.2:
        raise CheckFailed(f"{where} has values in [{low:.3g}, {high:.3g}], all of them ≥ 0: that is x / 255, "
                          "but the model was trained on (x / 255 - 0.5) * 2, in [-1, 1].")


def expect_close_input(got, expected, where, mistakes=None):
    """``got`` is ``expected`` within MEAN_TOLERANCE on average; a known mistake is named."""
    for diagnosis, wrong in (mistakes or {}).items():
        if wrong.shape == got.shape and np.abs(got - wrong).mean() < 2e-3 and np.abs(wrong - expected).mean() > 0.02:
            raise CheckFailed(f"{where} is not the input the model expects. {diagnosis}", diagnosis)
    def blurred(x):
        return cv2.GaussianBlur(np.asarray(x, np.float32)[..., 0], (0, 0), BLUR)

    distance = float(np.abs(blurred(got) - blurred(expected)).mean())
    if not distance <= MEAN_TOLERANCE:
        raise CheckFailed(f"{where} differs from the expected input by {distance:.3f} on average (up to "
                          f"{MEAN_TOLERANCE} is fine, both slightly blurred): crop image[y:y + h, x:x + w] "
                          "(rows are y, columns x), convert with cv2.COLOR_BGR2GRAY, resize, then scale "
                          "(x / 255 - 0.5) * 2.")


@learner_facing
def emotion_input(emotion_input):
    image, box = astronaut(), FACES["astronaut"]
    where = "emotion_input(astronaut(), (177, 66, 95, 95))"
    got = call(emotion_input, image, box, name="emotion_input")
    expect_emotion_input(got, 64, where)
    # literal values of the expected input: its mean, and two pixels
    if abs(float(got.mean()) - 0.1386) < 0.01:
        raise CheckFailed(f"{where} has a mean of {got.mean():.3f}; the expected input's is 0.220, and 0.139 is "
                          "what converting as if the photo were RGB gives: OpenCV images are BGR "
                          "(cv2.COLOR_BGR2GRAY).")
    if abs(float(got.mean()) - 0.0051) < 0.01:
        raise CheckFailed(f"{where} has a mean of {got.mean():.3f}; the expected input's is 0.220, and 0.005 is "
                          "what equalizing gives: the emotion model was trained without equalization "
                          "(that was face_to_input's network).")
    if abs(float(got.mean()) - 0.2202) > 0.02 or abs(float(got[32, 32, 0]) - 0.4902) > 0.1 \
            or abs(float(got[10, 50, 0]) + 0.6078) > 0.1:
        raise CheckFailed(f"{where} has a mean of {got.mean():.3f} and, at [32, 32] and [10, 50], "
                          f"{got[32, 32, 0]:.3f} and {got[10, 50, 0]:.3f}; expected about 0.220, 0.490 and -0.608. "
                          "Crop image[y:y + h, x:x + w] (rows are y), gray, resize, (x / 255 - 0.5) * 2.")
    got = call(emotion_input, image, list(box), 48, name="emotion_input")
    expect_emotion_input(got, 48, "emotion_input(astronaut(), [177, 66, 95, 95], 48)")
    passed("emotion_input")


# --- read_emotions ---------------------------------------------------------------------

def expect_emotions(got, where):
    """A list of (box, probabilities): each box four ints, each probabilities 7 floats ≥ 0 summing to 1.
    Returns (boxes as an (n, 4) array, probabilities as an (n, 7) array)."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, (list, tuple)):
        raise CheckFailed(f"{where} returned {describe(got)}; expected a list of (box, probabilities) pairs.")
    boxes, rows = [], []
    for number, item in enumerate(got, 1):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise CheckFailed(f"{where}: item {number} is {describe(item)}; expected a pair (box, probabilities).")
        box, p = item
        boxes.append(box)
        p = np.asarray(p) if isinstance(p, (list, tuple, np.ndarray)) else None
        if p is None or p.dtype.kind not in "biuf" or p.size != 7:
            raise CheckFailed(f"{where}: the probabilities of face {number} are {describe(item[1])}; expected "
                              f"{len(EMOTIONS)} numbers, one per emotion (the model's output row for that face).")
        p = p.astype(float).ravel()
        if not np.isfinite(p).all() or p.min() < -1e-6 or abs(p.sum() - 1) > 1e-3:
            raise CheckFailed(f"{where}: the probabilities of face {number} are {np.round(p, 3).tolist()}, which sum "
                              f"to {p.sum():.3f}; probabilities are ≥ 0 and sum to 1, as the model's softmax "
                              "output does: return the model's output row, not scores taken before the softmax.")
        rows.append(p)
    boxes = expect_box_list(boxes, where)
    return boxes, np.array(rows).reshape(-1, 7)


def expect_faces_matched(boxes, faces, where):
    """Every box is one of ``faces`` (IoU ≥ 0.5), and every face is one of the boxes."""
    boxes = [tuple(b) for b in np.asarray(boxes).reshape(-1, 4).tolist()]
    faces = [tuple(int(v) for v in face) for face in faces]
    for box in boxes:
        if not faces or max(iou(box, face) for face in faces) < 0.5:
            y, x, h, w = box
            hint = (" It looks like (y, x, h, w): return each box as detect_faces gives it, (x, y, w, h)."
                    if faces and max(iou((x, y, w, h), face) for face in faces) >= 0.5 else
                    " Use detect_faces(image_bgr) to find the faces, one (box, probabilities) pair per box.")
            expected = f"the faces at about {faces}" if faces else "no face at all"
            raise CheckFailed(f"{where} returned a face at {box}; expected {expected}.{hint}")
    if len(boxes) != len(faces) or any(max(iou(b, face) for b in boxes) < 0.5 for face in faces):
        raise CheckFailed(f"{where} returned {len(boxes)} faces; detect_faces finds {len(faces)} (at about {faces}): "
                          "one (box, probabilities) pair for each face, in detect_faces' order.")


@learner_facing
def read_emotions(read_emotions, model):
    where = "read_emotions(astronaut(), emotion_model)"
    def read(image):  # call copies every argument but the model
        return read_emotions(image, model)

    read.__name__ = "read_emotions"
    boxes, p = expect_emotions(call(read, astronaut()), where)
    expect_faces_matched(boxes, [FACES["astronaut"]], where)
    if p[0].argmax() != EMOTIONS.index("happy") or p[0].max() < 0.9:
        raise CheckFailed(f"{where}: the astronaut's probabilities are {np.round(p[0], 3).tolist()}; the model says "
                          "happy (index 3) with about 0.99 on the input emotion_input makes. Give the model "
                          "emotion_input's output, as a batch of shape (n, 64, 64, 1).")
    got = call(read, china())
    if not isinstance(got, (list, tuple)) or len(got):
        raise CheckFailed(f"read_emotions(china(), emotion_model) returned {describe(got)}; expected [], there is no "
                          "face: return an empty list before calling the model on an empty batch.")
    passed("read_emotions")


# --- save_and_reload -------------------------------------------------------------------

def expect_saved_and_reloaded(report, where):
    """What ``course.emotions.saved_and_reloaded`` measured: a Keras file at the path, and a new model
    loaded back, with predictions identical to the model given."""
    report = report if isinstance(report, dict) else {}
    file = report.get("file") if isinstance(report.get("file"), dict) else {}
    returned = report.get("returned") if isinstance(report.get("returned"), dict) else {}
    before = report.get("before")
    if returned.get("kind") == "None":
        raise CheckFailed(f"{where} returned None; return the model loaded back from the file.")
    if not file.get("exists"):
        raise CheckFailed(f"{where} wrote no file at the path it was given: model.save(path).")
    if not file.get("keras_archive"):
        raise CheckFailed(f"{where} wrote a file that is not in Keras' format (a .keras archive with the "
                          "architecture and the weights): model.save(path) with a path ending in .keras, not "
                          "save_weights.")
    if returned.get("kind") != "Model":
        raise CheckFailed(f"{where} returned {returned.get('kind', 'something else')}; expected the Keras model "
                          "loaded back: keras.models.load_model(path).")
    if report.get("same_object") is True:
        raise CheckFailed(f"{where} returned the model it was given; load it back from the file "
                          "(keras.models.load_model(path)), so that you know the file holds it.")
    outputs = returned.get("outputs")
    for label, value in (("the model given", before), ("the model returned", outputs),
                         ("the model in the file", report.get("from_file"))):
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.shape != getattr(before, "shape", 0):
            raise CheckFailed(f"{where}: the predictions of {label} could not be read ({describe(value)}).")
    if not np.allclose(report["from_file"], before, rtol=0, atol=1e-6):
        raise CheckFailed(f"{where}: the file holds another model than the one given (its predictions differ by up "
                          f"to {np.abs(report['from_file'] - before).max():.3g}): was it saved before training, or "
                          "is it a different model? Save the model you were given, model.save(path).")
    if not np.allclose(outputs, before, rtol=0, atol=1e-6):
        raise CheckFailed(f"{where} returned a model whose predictions differ from the model given by up to "
                          f"{np.abs(outputs - before).max():.3g}; return the model loaded from that file.")
    if not np.allclose(report.get("after"), before, rtol=0, atol=1e-6):
        raise CheckFailed(f"{where} changed the model it was given (its predictions moved); only save it.")


@learner_facing
def save_and_reload(save_and_reload, model):
    require_trained(model)
    batch = np.random.default_rng(6).random((8, *model.input_shape[1:])).astype(np.float32)
    where = "save_and_reload(model, \"check.keras\")"
    measure = functools.partial(saved_and_reloaded, save_and_reload, model=model)  # the model itself, not a copy
    record = respond(measure, "check.keras", batch, name="save_and_reload")
    expect_saved_and_reloaded(expect_answered(record, where), where)
    with tempfile.TemporaryDirectory() as folder:  # a pathlib.Path works too
        loaded = call(lambda path: save_and_reload(model, path), Path(folder) / "digits.keras", name="save_and_reload")
        if loaded is model or not hasattr(loaded, "predict"):
            raise CheckFailed("save_and_reload(model, Path(\".../digits.keras\")) did not return a model loaded back.")
    passed("save_and_reload")



# --- annotate_frame --------------------------------------------------------------------

def _along(near, box):
    """The fraction of a box's outline that lies in the mask ``near``."""
    x, y, w, h = box
    height, width = near.shape
    xs, ys = np.arange(x, x + w), np.arange(y, y + h)
    points = [(y, c) for c in xs] + [(y + h - 1, c) for c in xs] + [(r, x) for r in ys] + [(r, x + w - 1) for r in ys]
    inside = [(r, c) for r, c in points if 0 <= r < height and 0 <= c < width]
    return float(np.mean([near[r, c] for r, c in inside])) if inside else 1.0


def expect_annotated(report, frame, truth, where):
    """What ``course.emotions.frame_annotated`` measured: a new frame of the same shape, a box drawn along
    each digit and the face of ``truth`` (within NEAR pixels), and most of the frame left as it was."""
    report = report if isinstance(report, dict) else {}
    if report.get("changed_input") is True:
        raise CheckFailed(f"{where} drew on the frame it was given; draw on a copy (frame_bgr.copy()) and return it.")
    got = report.get("frame")
    if got is None:
        raise CheckFailed(f"{where} returned None; return the annotated copy of the frame.")
    if not isinstance(got, np.ndarray) or got.shape != frame.shape or got.dtype != np.uint8:
        raise CheckFailed(f"{where} returned {describe(got)}; expected a frame like the one given: shape "
                          f"{frame.shape}, dtype uint8 (a copy with boxes and labels drawn on it).")
    drawn = (np.abs(got.astype(int) - frame.astype(int)).max(axis=2) > DRAWN).astype(np.uint8)
    if drawn.mean() > AT_MOST:
        raise CheckFailed(f"{where} changed {drawn.mean():.0%} of the frame; draw only the boxes and labels.")
    near = cv2.dilate(drawn, np.ones((2 * NEAR + 1, 2 * NEAR + 1), np.uint8)).astype(bool)
    missing = [box for box in truth["digits"] if _along(near, box) < ALONG]
    if len(missing) > len(truth["digits"]) // 4:
        raise CheckFailed(f"{where} drew no box around {len(missing)} of the {len(truth['digits'])} digits, e.g. "
                          f"the one at {tuple(missing[0])}: draw each box find_digit_boxes finds, (x, y) to "
                          "(x + w, y + h), with cv2.rectangle.")
    if _along(near, truth["face"]) < ALONG:
        raise CheckFailed(f"{where} drew no box around the face at about {tuple(truth['face'])}: draw each box "
                          "read_emotions returns, with its most likely emotion (EMOTIONS[argmax]).")


@learner_facing
def annotate_frame(annotate_frame, digit_model, emotion_model):
    from course.clip import read_clip, scene, write_clip

    with tempfile.TemporaryDirectory() as folder:
        frames = read_clip(write_clip(Path(folder) / "check.avi", frames=9))
    truths = scene(frames=9)[1]
    for number in (0, 8):
        where = f"annotate_frame(frame {number} of a clip, model, emotion_model)"
        measure = functools.partial(frame_annotated, annotate_frame, digit_model=digit_model,
                                    emotion_model=emotion_model)
        report = expect_answered(respond(measure, frames[number], name="annotate_frame"), where)
        expect_annotated(report, frames[number], truths[number], where)
    passed("annotate_frame")


# --- to_tflite / tflite_predict --------------------------------------------------------

def expect_converted(report, where):
    """What ``course.emotions.tflite_compared`` measured: the bytes of a .tflite file, and tflite_predict's
    probabilities with it equal to the Keras model's (within LITE_TOLERANCE)."""
    report = report if isinstance(report, dict) else {}
    keras_out, predicted = report.get("keras"), report.get("predicted")
    if not report.get("is_tflite"):
        raise CheckFailed(f"to_tflite(model) returned {report.get('kind', 'something')}, not the bytes of a .tflite "
                          "file: return what tf.lite.TFLiteConverter.from_keras_model(model).convert() returns.")
    if not isinstance(keras_out, np.ndarray) or keras_out.ndim != 2:
        raise CheckFailed(f"{where}: the Keras model's own outputs could not be read ({describe(keras_out)}).")
    if predicted is None:
        raise CheckFailed("tflite_predict(tflite_model, x) returned None; return the interpreter's output tensor.")
    if not isinstance(predicted, np.ndarray) or predicted.shape != keras_out.shape or predicted.dtype.kind != "f":
        raise CheckFailed(f"{where} returned {describe(predicted)}; expected shape {keras_out.shape}, one row of "
                          "probabilities per image: resize the input tensor to x.shape "
                          "(interpreter.resize_tensor_input) before allocate_tensors.")
    gap = float(np.abs(predicted.astype(float) - keras_out).max())
    if not gap <= LITE_TOLERANCE:
        raise CheckFailed(f"{where} differs from the Keras model's probabilities by up to {gap:.3g} (up to "
                          f"{LITE_TOLERANCE} is fine): convert the model you were given (trained, not a new one), "
                          "pass x as float32, unchanged, and return interpreter.get_tensor of the output's index "
                          "after invoke().")


@learner_facing
def to_tflite(to_tflite, tflite_predict, model):
    require_trained(model)
    where = "tflite_predict(to_tflite(model), 6 random images)"
    batch = np.random.default_rng(8).random((6, *model.input_shape[1:])).astype(np.float32)
    measure = functools.partial(tflite_compared, to_tflite, model=model, tflite_predict=tflite_predict)
    expect_converted(expect_answered(respond(measure, batch, name="to_tflite"), where), where)
    passed("to_tflite")
