"""nbgrader's Execute step, in a sandbox, where a dying kernel costs only the cells after it.

The notebook runs in a throwaway :class:`~autograder.sandbox.workspace.Workspace` with a
:class:`~autograder.sandbox.kernel.SandboxedKernelManager` kernel. When the kernel dies (``os._exit``,
a segfault, a memory limit) or the notebook runs out of time, the cells that ran keep their
outputs, every graded cell that did not run gets an error output (so it scores 0, never full
marks for want of an error), and the notebook's metadata says where and why it stopped:
``metadata.workshop.stopped = "the kernel died in test_xor: memory limit"``, and which cells ran past
their time limit and were interrupted: ``metadata.workshop.timed_out = ["weighted_sum"]``. nbgrader then
saves the grades as for any notebook, so the table, the gradebook and the export agree.
The same facts go to the ``Judge`` as data (autograder/judging/interruptions.py): every cell that timed
out, and where execution ended, in ``resources["workshop"]["interruptions"]``.
"""
from __future__ import annotations

import time
from pathlib import Path
from time import monotonic

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade
from traitlets import Integer, Unicode

from autograder.judging.interruptions import Interruption, Stop, prompt
from autograder.preprocessors.limit_text_output import NOTE
from autograder.sandbox.kernel import Limits, SandboxedKernelManager, unavailable_reason
from autograder.sandbox.workspace import Workspace

STOPPED = "KernelStopped"  # ename of the outputs that mark where and why execution ended


class SandboxedExecute(Execute):
    """Execute in a private workspace under the sandbox; survive the kernel's death."""

    notebook_timeout = Integer(Limits.notebook_seconds,
                               help="seconds for the whole notebook, besides the per-cell timeout").tag(config=True)
    max_stream_bytes = Integer(1 << 20, help="text kept per cell while executing; the rest is dropped "
                                             "(LimitTextOutput trims further)").tag(config=True)
    stopped_note = Unicode("", help="why execution stopped early (set per notebook)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)  # nbgrader's default is the plain one
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        origin = Path(resources["metadata"]["path"])
        workspace = Workspace.create(origin)
        resources["metadata"]["path"] = str(workspace.path)
        try:
            self._execute(nb, resources, workspace)
        finally:
            resources["metadata"]["path"] = str(origin)
            workspace.bring_back_answers()
            workspace.remove()
        return nb, resources

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.workspace = self._workspace
        return km

    def _execute(self, nb, resources, workspace: Workspace) -> None:
        from nbclient import NotebookClient
        NotebookClient.__init__(self, nb, None)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._workspace = str(workspace.path)
        self._deadline = monotonic() + self.notebook_timeout
        self._text_bytes: dict[int, int] = {}
        self._running = -1  # the index of the cell being executed
        self._interruptions: list[Interruption] = []  # cells that ran past their time limit
        stop: Interruption | None = None
        started, finished, sandboxed = False, False, None
        try:
            with self.setup_kernel():
                sandboxed = getattr(self.km, "sandboxed", False)
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                started = True
                for index, cell in enumerate(self.nb.cells):
                    if stop is None and cell.cell_type == "code" and monotonic() >= self._deadline:
                        stop = Interruption(Stop.OUT_OF_TIME, index, _name(self.nb.cells, index, started=False),
                                            self.notebook_timeout)
                        self.shutdown_kernel = "immediate"
                    if stop is not None:
                        _unrun(cell, stop.note())
                        continue
                    self._running = index
                    try:
                        self.preprocess_cell(cell, resources, index)
                    except DeadKernelError:
                        stop = Interruption(Stop.DIED, index, _name(self.nb.cells, index), cause=self._cause())
                    except CellTimeoutError:  # interrupted, yet silent: it ignores interrupts
                        limit = next((i.seconds for i in self._interruptions if i.index == index), None)
                        stop = Interruption(Stop.UNRESPONSIVE, index, _name(self.nb.cells, index), limit)
                    if stop is not None:
                        _mark(cell, stop.note())
                        self.shutdown_kernel = "immediate"
                finished = True
        except (TimeoutError, DeadKernelError, RuntimeError) as error:
            if not finished and stop is None:  # the kernel never started, or died between cells
                first = self._first_code(index + 1 if started else 0)
                name = _name(self.nb.cells, first, started=False) if first < len(self.nb.cells) else "the end"
                stop = Interruption(Stop.DIED_BEFORE, first, name, cause=self._cause(error))
                for cell in self.nb.cells[first:]:
                    _unrun(cell, stop.note())
        meta = self.nb.metadata.setdefault("workshop", {})
        meta["sandboxed"] = bool(sandboxed if sandboxed is not None else unavailable_reason() is None)
        if stop:
            meta["stopped"] = stop.note()
        timed_out = [i.name for i in self._interruptions if stop is None or i.index != stop.index]
        if timed_out:  # cells interrupted at their time limit, after which the notebook went on
            meta["timed_out"] = list(dict.fromkeys(timed_out))
        resources.setdefault("workshop", {})["interruptions"] = self._interruptions + ([stop] if stop else [])
        self.set_widgets_metadata()

    def _first_code(self, index: int) -> int:
        """The first code cell from ``index`` on (``len(cells)`` if there is none)."""
        return next((i for i, cell in enumerate(self.nb.cells[index:], index) if cell.cell_type == "code"),
                    len(self.nb.cells))

    async def _async_handle_timeout(self, timeout: int, cell=None):
        """A cell past its limit (``Execute.timeout``): recorded, and its error output says so to the learner."""
        reply = await super()._async_handle_timeout(timeout, cell)
        if cell is None or self._running < 0:  # not a cell's execution (the kernel's start-up)
            return reply
        name = _name(self.nb.cells, self._running)
        self._interruptions.append(Interruption(Stop.TIMED_OUT, self._running, name, timeout))
        if reply is not None:  # nbgrader's error_on_timeout: the cell's error output
            text = f"this cell ran longer than the {timeout} s the grader allows it, and was stopped"
            reply["content"].update(evalue=text, traceback=[f"\x1b[0;31m{reply['content']['ename']}\x1b[0m: {text}"])
        return reply

    def _cause(self, error: Exception | None = None) -> str:
        km = self.km
        if km is not None and hasattr(km, "exit_cause"):
            for _ in range(20):  # the process may take a moment to be reaped
                if km.returncode() is not None:
                    break
                time.sleep(0.05)
            return km.exit_cause()
        return str(error) if error else "unknown cause"

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        remaining = max(1, int(self._deadline - monotonic()))
        return remaining if timeout is None else min(timeout, remaining)

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most ``max_stream_bytes`` of text per cell while it runs; drop the rest."""
        content = msg.get("content", {})
        used = self._text_bytes.get(cell_index, 0)
        left = self.max_stream_bytes - used
        if left <= 0:
            return None
        fields = [(content, "text")] if isinstance(content.get("text"), str) else []
        fields += [(content["data"], k) for k, v in content.get("data", {}).items()
                   if k.startswith("text/") and isinstance(v, str)]
        for holder, key in fields:
            text = holder[key]
            if len(text) > left:
                holder[key] = text[:max(left, 0)] + NOTE.format(cut=len(text) - max(left, 0))
            left -= len(text)
        self._text_bytes[cell_index] = self.max_stream_bytes - left
        return super().output(outs, msg, display_id, cell_index)


def _name(cells: list, index: int, started: bool = True) -> str:
    """A cell as the instructor finds it in the autograded notebook: its grade id, else its ``In [n]``
    prompt, or, if it never ran, "code cell n"."""
    grade_id = cells[index].metadata.get("nbgrader", {}).get("grade_id")
    number = prompt(cells, index)
    return grade_id or (f"In [{number}]" if started else f"code cell {number}")


def _error(text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=STOPPED, evalue=text,
                        traceback=[f"\x1b[0;31m{STOPPED}\x1b[0m: {text}"])


def _mark(cell, text: str) -> None:
    """The cell where execution stopped says so."""
    if cell.cell_type == "code":
        cell.outputs.append(_error(text))


def _unrun(cell, text: str) -> None:
    """A cell after the stop: no outputs of its own; a graded one fails (0 points, never full marks)."""
    if cell.cell_type == "code":
        cell.outputs = [_error(f"not run: {text}")] if is_grade(cell) else []
        cell.execution_count = None
