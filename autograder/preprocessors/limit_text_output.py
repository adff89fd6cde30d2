"""An nbgrader preprocessor: cap each cell's text output before anything is saved.

``print('x' * 200_000_000)`` must not become a 200 MB notebook and a 210 MB feedback page.
nbgrader's own ``LimitOutput`` counts lines, and that print is a single line. Here a code
cell keeps at most ``max_bytes`` characters of text (streams, text of rich outputs,
error messages and tracebacks), with a note saying how much was cut; images are kept.
"""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

NOTE = "\n[… {cut:,} more characters of output not kept by the grader]\n"


class LimitTextOutput(NbGraderPreprocessor):
    """Cap the text output of each code cell (images are kept)."""

    max_bytes = Integer(100_000, help="characters of text output kept per cell (-1: no limit)").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or self.max_bytes < 0:
            return cell, resources
        budget = self.max_bytes
        for output in cell.outputs:
            if output.output_type == "stream":
                output.text, budget = _cut(output.text, budget)
            elif output.output_type in ("display_data", "execute_result"):
                for kind, value in output.get("data", {}).items():
                    textual = kind.startswith("text/") or kind in ("application/json", "application/javascript")
                    if textual and isinstance(value, str):
                        output.data[kind], budget = _cut(value, budget)
            elif output.output_type == "error" and output.get("ename") != "KernelStopped":  # the grader's own
                output.evalue, budget = _cut(output.evalue, budget)
                lines = []
                for line in output.traceback:
                    line, budget = _cut(line, budget)
                    lines.append(line)
                    if budget <= 0:
                        break
                output.traceback = lines
        return cell, resources


def _cut(text, budget: int) -> tuple[str, int]:
    if isinstance(text, list):
        text = "".join(text)
    if len(text) <= budget:
        return text, budget - len(text)
    kept = max(budget, 0)
    return text[:kept] + NOTE.format(cut=len(text) - kept), 0
