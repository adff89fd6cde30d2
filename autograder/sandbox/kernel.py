"""The grading kernel's sandbox: a kernel that sees only its own workspace.

Under bubblewrap (Debian package ``bubblewrap``) each grading kernel runs

- in its own user, PID, network, IPC and UTS namespaces: no network, a non-root uid
  (65534) with every capability dropped, and all of its processes gone with it;
- on a filesystem of its own: the system, the Python installation and the venv
  read-only, the ``course`` package read-only, a private ``/tmp`` and home, and its
  workspace; nothing else of the course directory (``source/``, ``autograder/``,
  ``submitted/``, ``autograded/``, ``gradebook.db``) and nothing of ``/root``;
- under resource limits (:class:`Limits`), set inside the namespaces with ``prlimit``
  so that the process count is the sandbox's own.

The kernel talks to the grader over Unix sockets in a private runtime folder (TCP
would need the network). Where bubblewrap is missing or cannot create namespaces
(macOS, some containers), the kernel runs with the resource limits in its private
workspace only, and :func:`unavailable_reason` says why.
"""
from __future__ import annotations

import collections
import contextlib
import functools
import importlib.util
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, List, Unicode

__all__ = ["Limits", "SandboxedKernelManager", "unavailable_reason", "exit_cause"]

GiB, MiB = 1 << 30, 1 << 20
HOME = "/home/participant"          # the kernel's home inside the sandbox (a private tmpfs)
WORKSPACE = f"{HOME}/work"          # the kernel's working folder inside the sandbox
NOBODY = 65534
# The environment a grading kernel gets: nothing of the instructor's but these. Grading is headless
# (figures drawn with Agg, none rendered into the notebook) and single-threaded (autograder.grading.workers).
PASSED_ENVIRONMENT = ("LANG", "LC_ALL", "TZ", "PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS",
                      "MPLBACKEND", "WORKSHOP_HEADLESS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                      "MKL_NUM_THREADS", "NBGRADER_EXECUTION", "PYTHONHASHSEED")
# Of /etc, only what the dynamic linker, Python and time zones read.
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd", "group",
       "nsswitch.conf", "alternatives", "mime.types")


@dataclass(frozen=True)
class Limits:
    """What one grading kernel may use. TensorFlow needs RLIMIT_AS >= ~1.8 GiB plus ~72 MiB
    a thread, so memory is limited by RLIMIT_DATA and the address space only loosely."""
    cpu_seconds: int = 1800           # RLIMIT_CPU, per process
    memory: int = 3 * GiB             # RLIMIT_DATA: heap and private mappings
    address_space: int = 32 * GiB     # RLIMIT_AS: a backstop only
    file_size: int = 256 * MiB        # RLIMIT_FSIZE: the largest file it may write
    processes: int = 512              # RLIMIT_NPROC: processes and threads in the sandbox
    notebook_seconds: int = 900       # wall clock for the whole notebook, besides the per-cell timeout

    def rlimits(self, sandboxed: bool) -> dict[int, int]:
        limits = {resource.RLIMIT_CPU: self.cpu_seconds, resource.RLIMIT_DATA: self.memory,
                  resource.RLIMIT_AS: self.address_space, resource.RLIMIT_FSIZE: self.file_size}
        if sandboxed:  # outside a user namespace the count would be all of the instructor's processes
            limits[resource.RLIMIT_NPROC] = self.processes
        return limits

    def prlimit_arguments(self) -> list[str]:
        names = {resource.RLIMIT_CPU: "cpu", resource.RLIMIT_DATA: "data", resource.RLIMIT_AS: "as",
                 resource.RLIMIT_FSIZE: "fsize", resource.RLIMIT_NPROC: "nproc"}
        return [f"--{names[k]}={v}" for k, v in self.rlimits(sandboxed=True).items()]


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def _namespaces() -> list[str]:
    return ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session"]


@functools.cache
def unavailable_reason() -> str | None:
    """None when kernels can be sandboxed here, else why not (one line)."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux (this is {sys.platform})"
    bwrap = _bwrap()
    if bwrap is None:
        return "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    if shutil.which("prlimit") is None:
        return "prlimit (util-linux) is not installed"
    probe = [bwrap, *_namespaces(), *_system_mounts(), "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap does not run ({error})"
    if done.returncode != 0:
        return f"bubblewrap cannot create namespaces here ({done.stderr.strip().splitlines()[-1:] or ['?']})"
    return None


def _system_mounts() -> list[str]:
    """The system, read-only: /usr (with merged-/usr symlinks), a few files of /etc."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/", top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        if Path("/etc", name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


def python_paths() -> list[str]:
    """What a kernel needs to run Python with the course package: the Python installation,
    the venv and the ``course`` package folder (never the rest of the repository)."""
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix}
    paths.add(str(Path(os.path.realpath(sys.executable)).parent))
    spec = importlib.util.find_spec("course")
    if spec and spec.submodule_search_locations:
        paths.update(os.path.realpath(p) for p in spec.submodule_search_locations)
    return sorted(p for p in paths if not p.startswith("/usr/") and p != "/usr")


def bwrap_command(kernel_cmd: list[str], workspace: Path, runtime: Path, limits: Limits,
                  readable: Sequence[str] = ()) -> list[str]:
    """``kernel_cmd`` wrapped in bubblewrap and prlimit."""
    args = [_bwrap() or "bwrap", *_namespaces(), *_system_mounts(),
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(limits.file_size), "--tmpfs", "/tmp",
            "--size", str(limits.file_size), "--tmpfs", HOME]
    for path in [*python_paths(), *readable]:
        if Path(path).exists():
            args += ["--ro-bind", path, path]
    args += ["--bind", str(workspace), WORKSPACE, "--bind", str(runtime), str(runtime), "--chdir", WORKSPACE]
    for question in sorted((workspace / ".grading").glob("*.npz")):  # the judge's questions stay, whatever it deletes
        args += ["--ro-bind", str(question), f"{WORKSPACE}/.grading/{question.name}"]
    args += ["--remount-ro", "/"]  # the sandbox's own root: no writable memory beyond /tmp and home
    args += ["--clearenv"] + [a for k, v in kernel_environment().items() for a in ("--setenv", k, v)]
    prlimit = shutil.which("prlimit") or "prlimit"  # unavailable_reason() says when it is missing
    return [*args, "--", prlimit, *limits.prlimit_arguments(), "--", *kernel_cmd]


def kernel_environment(home: str = HOME, workspace: str = WORKSPACE) -> dict[str, str]:
    """The kernel's whole environment: nothing of the instructor's but ``PASSED_ENVIRONMENT``."""
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": home,
           "LANG": os.environ.get("LANG", "C.UTF-8"), "MPLCONFIGDIR": f"{workspace}/.matplotlib",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.update({k: os.environ[k] for k in PASSED_ENVIRONMENT if k in os.environ})
    return env


def exit_cause(returncode: int | None, stderr_tail: str, sandboxed: bool, memory_used: float = 0.0) -> str:
    """Why a kernel process ended, for a participant: 'memory limit', 'segmentation fault', ...

    ``memory_used`` is the largest share of the memory limit a kernel process was seen using.
    """
    if memory_used >= 0.9 or any(s in stderr_tail for s in ("MemoryError", "bad_alloc", "Cannot allocate memory",
                                                             "Out of memory", "out of memory")):
        return "memory limit"
    if returncode is None:
        return "it stopped answering"
    signum = -returncode if returncode < 0 else returncode - 128 if sandboxed and returncode > 128 else None
    named: dict[int, str] = {signal.SIGSEGV: "segmentation fault", signal.SIGXCPU: "CPU time limit",
             signal.SIGXFSZ: "file size limit", signal.SIGKILL: "killed (memory or time limit)",
             signal.SIGABRT: "it crashed (aborted)", signal.SIGBUS: "bus error", signal.SIGILL: "illegal instruction",
             signal.SIGFPE: "arithmetic fault", signal.SIGTERM: "terminated"}
    if signum in named:
        return named[signum]
    if signum is not None and signum > 0:
        return f"signal {signum}"
    return f"the notebook ended the kernel (exit code {returncode})"


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs under bubblewrap and resource limits, in ``workspace``.

    Configured through nbgrader's ``Execute.kernel_manager_class``; the executor sets
    ``workspace`` and ``readable`` per notebook.
    """

    sandbox = Bool(True, help="run the kernel under bubblewrap where it works").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="RLIMIT_CPU of the kernel").tag(config=True)
    memory = Integer(Limits.memory, help="RLIMIT_DATA of the kernel, bytes").tag(config=True)
    address_space = Integer(Limits.address_space, help="RLIMIT_AS of the kernel, bytes").tag(config=True)
    file_size = Integer(Limits.file_size, help="RLIMIT_FSIZE of the kernel, bytes").tag(config=True)
    processes = Integer(Limits.processes, help="RLIMIT_NPROC inside the sandbox").tag(config=True)
    workspace = Unicode("", help="the kernel's private working folder (outside path)")
    readable = List(Unicode(), help="more paths the kernel may read (read-only binds)").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._runtime = Path(tempfile.mkdtemp(prefix="workshop-kernel-"))
        os.chmod(self._runtime, 0o700)
        self.transport = "ipc"  # Unix sockets: the kernel has no network
        self.connection_file = str(self._runtime / "kernel.json")
        self.ip = str(self._runtime / "socket")
        self._stderr_tail: collections.deque[bytes] = collections.deque(maxlen=64)
        self.peak_memory = 0

    @property
    def limits(self) -> Limits:
        return Limits(self.cpu_seconds, self.memory, self.address_space, self.file_size, self.processes)

    @property
    def sandboxed(self) -> bool:
        return self.sandbox and unavailable_reason() is None

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"  # signals do not reach a kernel in its own PID namespace
        return spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        workspace = Path(self.workspace or kw.get("cwd") or os.getcwd())
        read, write = os.pipe()
        threading.Thread(target=self._read_stderr, args=(read,), daemon=True).start()
        kw["stderr"] = kw["stdout"] = write
        kw.pop("cwd", None)
        env = {k: v for k, v in kw.pop("env", os.environ).items() if k != "JPY_PARENT_PID"}
        if self.sandboxed:
            kernel_cmd = bwrap_command(kernel_cmd, workspace, self._runtime, self.limits, list(self.readable))
            kw["env"] = {"PATH": env.get("PATH", os.defpath)}
            kw["cwd"] = str(self._runtime)
        else:
            kw["env"] = kernel_environment(str(workspace / ".home"), str(workspace))
            kw["cwd"] = str(workspace)
            limits = self.limits.rlimits(sandboxed=False)
            kw["preexec_fn"] = functools.partial(_set_rlimits, limits)
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(write)
        threading.Thread(target=self._watch_memory, daemon=True).start()

    def _read_stderr(self, fd: int) -> None:
        with os.fdopen(fd, "rb", buffering=0) as stream:
            while chunk := stream.read(4096):
                self._stderr_tail.append(chunk)

    def stderr_tail(self) -> str:
        return b"".join(self._stderr_tail)[-8192:].decode("utf-8", "replace")

    def returncode(self) -> int | None:
        process = getattr(self.provisioner, "process", None)
        return None if process is None else process.poll()

    def exit_cause(self) -> str:
        return exit_cause(self.returncode(), self.stderr_tail(), self.sandboxed, self.peak_memory / self.memory)

    def _watch_memory(self) -> None:
        """Sample the largest data segment of the kernel's processes (for the cause of a death)."""
        while (pid := getattr(self.provisioner, "pid", None)) is None or self.returncode() is None:
            if pid is not None:
                self.peak_memory = max(self.peak_memory, max((_data_bytes(p) for p in _descendants(pid)), default=0))
            time.sleep(0.25)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._runtime, ignore_errors=True)


def _descendants(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc (Linux)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in task.read_text().split()]
    return found


def _data_bytes(pid: int) -> int:
    """The process's data segment (what RLIMIT_DATA limits), bytes; 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _set_rlimits(limits: dict[int, int]) -> None:
    """In the kernel's process before exec (no sandbox): lower what can be lowered."""
    for kind, value in limits.items():
        soft, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (value, value))
