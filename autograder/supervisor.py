"""The first process in a grading kernel's sandbox: it fills the workspace, runs the kernel and,
when the kernel ends for whatever reason, hands the grader the kernel's answers.

The workspace is a size-capped tmpfs that lives only as long as the sandbox (autograder/sandbox.py),
so nothing a notebook writes there reaches the grader's disk, and the answers must leave before the
sandbox ends. This process outlives the kernel to carry them out:

1. it copies the grader's copy of the execution folder (``inbox``, a read-only view) into the workspace;
2. it runs the kernel (``kernel``, the rest of the command line) with none of its own file descriptors;
3. when the kernel exits or dies, or the grader writes to (or closes) the ``stop`` pipe, it kills every
   other process of the sandbox, and writes the regular files of ``.grading/answers/`` as a tar to
   ``out`` (a file of the grader's, open but nameless), each and all capped as the grader reads them;
4. it exits as the kernel did (``128 + N`` for a signal N), which bubblewrap passes on.

It runs under bubblewrap as ``python -I -S supervisor.py SETTINGS -- KERNEL...`` with the standard
library only (nothing of the grader is importable there), and is not dumpable, so the kernel, though the
same user, can neither trace it nor open its descriptors through ``/proc``.
"""
from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import threading
import time

PR_SET_DUMPABLE = 4


def main(argv: list[str]) -> int:
    settings = json.loads(argv[1])
    kernel = argv[3:] if argv[2:3] == ["--"] else argv[2:]
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    fill(settings["inbox"], settings["workspace"])
    threading.Thread(target=_stop_when_told, args=(settings["stop"],), daemon=True).start()
    process = subprocess.Popen(kernel)  # close_fds: the kernel gets none of this process's descriptors
    status = process.wait()
    _kill_the_rest()
    with contextlib.suppress(OSError):  # the grader's disk is full: the grader finds no answers, and says so
        send_answers(settings["out"], os.path.join(settings["workspace"], ".grading", "answers"), settings["caps"])
    return 128 - status if status < 0 else status


def fill(inbox: str, workspace: str) -> None:
    """Copy the folder ``inbox`` into ``workspace``; what is there already (the questions, read-only) stays.
    A copy that does not fit stops there: the kernel runs on what was copied."""
    try:
        for folder, _, files in os.walk(inbox):
            relative = os.path.relpath(folder, inbox)
            target = os.path.normpath(os.path.join(workspace, relative))
            os.makedirs(target, exist_ok=True)
            for name in files:
                source, copy = os.path.join(folder, name), os.path.join(target, name)
                if os.path.lexists(copy) or not stat.S_ISREG(os.lstat(source).st_mode):
                    continue
                shutil.copyfile(source, copy, follow_symlinks=False)
    except OSError:  # the workspace is full
        pass


def _stop_when_told(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.read(fd, 1)  # a byte, or the end of the pipe: the grader wants the kernel stopped
    _kill_the_rest()


def _kill_the_rest() -> None:
    """Every other process of the sandbox (its PID namespace) killed, and gone (a second at most)."""
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        try:
            os.kill(-1, signal.SIGKILL)  # all but this process and the namespace's init
        except ProcessLookupError:
            return
        time.sleep(0.01)


def send_answers(out: int, folder: str, caps: dict) -> None:
    """The regular files of ``folder`` (no links, no folders, no dot names), as a tar to ``out``:
    at most ``caps["files"]`` of them, each of at most ``caps["file"]`` bytes, ``caps["total"]`` in all."""
    with os.fdopen(out, "wb") as stream, tarfile.open(fileobj=stream, mode="w|") as tar:
        try:
            fd = _open_folder(folder)
        except OSError:
            return
        try:
            names = sorted(entry.name for entry in os.scandir(fd))[:caps["files"]]
            total = 0
            for name in names:
                data = None if name.startswith(".") else _read(name, fd, caps["file"])
                if data is None or total + len(data) > caps["total"]:
                    continue
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
                tar.addfile(info, io.BytesIO(data))
                total += len(data)
        finally:
            os.close(fd)


def _open_folder(path: str) -> int:
    """``path`` opened as a folder, following no link on the way."""
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in path.strip("/").split("/"):
            next_fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = next_fd
    except OSError:
        os.close(fd)
        raise
    return fd


def _read(name: str, folder: int, limit: int) -> bytes | None:
    """The bytes of the regular file ``name`` in ``folder``, or None (not one, or over ``limit``)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = file.read(limit + 1)
        return data if len(data) <= limit else None


if __name__ == "__main__":
    sys.exit(main(sys.argv))
