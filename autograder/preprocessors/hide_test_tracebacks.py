"""``HideTestTracebacks``, a feedback step: a graded test cell's error as its one line."""
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade


class HideTestTracebacks(NbGraderPreprocessor):
    """In graded test cells, show an error as its one-line message only.

    IPython's traceback quotes the failing cell's source, hidden tests included
    (say a NameError because the learner's function was never defined).
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"\x1b[0;31m{output.ename}\x1b[0m: {output.evalue}"]
        return cell, resources
