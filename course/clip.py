"""A short clip for 06's last stretch task, written by OpenCV itself: a sheet of held-out digits
and a face, panning slowly, as a camera pointed at a desk might see them. Nothing is downloaded.

``write_clip`` encodes it with ``cv2.VideoWriter`` (Motion-JPEG in an .avi, which every OpenCV build
writes); ``read_clip`` reads the frames back with ``cv2.VideoCapture``, compression and all.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from course.digits import digit_sheet
from course.photos import astronaut

SIZE = (320, 640)  # height, width of a frame
FPS = 8

__all__ = ["scene", "write_clip", "read_clip", "SIZE", "FPS"]


def scene(seed: int = 0, frames: int = 16) -> tuple[list[np.ndarray], list[dict]]:
    """The clip's frames (BGR uint8) and where things are in each: a sheet of held-out digits, a photo of
    the astronaut's face lying on it on the right, the camera panning a few pixels per frame. The second list
    holds, per frame, ``{"digits": [(x, y, w, h), ...], "face": (x, y, w, h)}``."""
    height, width = SIZE
    sheet = digit_sheet(seed, rows=2, cols=6, size=(height + 40, width + 40))  # the desk is the paper
    face_box = (177, 66, 95, 95)
    x, y, w, h = face_box
    face = astronaut()[y - 30:y + h + 30, x - 30:x + w + 30]
    left, top = width + 40 - face.shape[1] - 40, 60
    canvas = sheet.image.copy()
    canvas[top:top + face.shape[0], left:left + face.shape[1]] = face
    digits = [tuple(int(v) for v in box) for box in sheet.boxes if box[0] + box[2] < left - 10]
    images, truths = [], []
    for t in range(frames):
        dx, dy = 2 * t, int(round(20 * (0.5 - abs(t / max(1, frames - 1) - 0.5))))
        images.append(np.ascontiguousarray(canvas[dy:dy + height, dx:dx + width]))
        truths.append({"digits": [(bx - dx, by - dy, bw, bh) for bx, by, bw, bh in digits],
                       "face": (left + 30 - dx, top + 30 - dy, w, h)})
    return images, truths


def write_clip(path, seed: int = 0, frames: int = 16, fps: int = FPS) -> Path:
    """The scene written to ``path`` (an .avi) with cv2.VideoWriter; returns the path."""
    path = Path(path)
    height, width = SIZE
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV could not open {path} for writing (Motion-JPEG .avi)")
    try:
        for frame in scene(seed, frames)[0]:
            writer.write(frame)
    finally:
        writer.release()
    return path


def read_clip(path, limit: int | None = None) -> list[np.ndarray]:
    """The frames of a video file (or a camera index) read with cv2.VideoCapture, at most ``limit``;
    no frames (and no OpenCV warnings) when there is no such camera."""
    logging = cv2.utils.logging
    level = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)  # "can't open camera by index" is an answer, not an error
    try:
        capture = cv2.VideoCapture(str(path) if isinstance(path, (str, Path)) else path)
    finally:
        logging.setLogLevel(level)
    frames: list[np.ndarray] = []
    try:
        while capture.isOpened() and (limit is None or len(frames) < limit):
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(frame)
    finally:
        capture.release()
    return frames
