"""Playgrounds: sliders and boxes where a participant would rather play than read.

Each one runs the participant's own function; until that function is written, it says so in one
line instead of drawing. Widgets (ipywidgets) work offline in JupyterLab.
"""
from __future__ import annotations

import builtins

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

__all__ = ["kernel_playground", "neuron_playground"]

TRUTH_TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}


def _not_ready(name: str, function, *args) -> bool:
    """Try ``function(*args)``; if the participant has not written it yet, say so in one line."""
    try:
        function(*args)
    except builtins.NotImplementedError:
        print(f"This playground runs your {name}, which is not implemented yet: write it in its cell above, "
              "then run this cell again.")
        return True
    return False


def _show(output: widgets.Output, fig) -> None:
    """Replace what ``output`` shows with ``fig`` (drawn as an image whatever the backend)."""
    with output:
        output.clear_output(wait=True)
        display(fig)
    plt.close(fig)


def _problem(output: widgets.Output, error: Exception) -> None:
    with output:
        output.clear_output(wait=True)
        print(f"Your code raised {type(error).__name__}: {error}")


def _line(weights, bias) -> str:
    """'1·x₁ − 0.5·x₂ + 2 = 0': the decision line, signs written once."""
    text = f"{weights[0]:g}·x₁"
    for value, name in ((weights[1], "·x₂"), (bias, "")):
        text += f" {'−' if value < 0 else '+'} {abs(value):g}{name}"
    return text + " = 0"


def neuron_playground(neuron, step, gate: str = "AND"):
    """Sliders for w1, w2 and b of ``neuron(x, [w1, w2], b, step)``: its decision line over a gate's truth table.

    Shows which of the four rows it gets right, so a participant can find a gate's weights by hand
    (and see that no line gets XOR right).
    """
    if _not_ready("neuron", neuron, TRUTH_TABLE, np.ones(2), 0.0, step):
        return
    slider = {"layout": widgets.Layout(width="320px"), "continuous_update": False, "step": 0.1, "readout_format": ".1f"}
    w1 = widgets.FloatSlider(value=1.0, min=-2.0, max=2.0, description="w₁", **slider)
    w2 = widgets.FloatSlider(value=1.0, min=-2.0, max=2.0, description="w₂", **slider)
    b = widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, description="b", **slider)
    choice = widgets.ToggleButtons(options=list(GATES), value=gate, description="gate")
    figure, verdict = widgets.Output(), widgets.HTML()
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 161), np.linspace(-0.5, 1.5, 161)), axis=-1).reshape(-1, 2)

    def redraw(_=None):
        weights, bias, target = np.array([w1.value, w2.value]), b.value, np.array(GATES[choice.value])
        try:
            fires = np.asarray(neuron(grid, weights, bias, step), dtype=float).reshape(161, 161)
            answers = np.asarray(neuron(TRUTH_TABLE, weights, bias, step), dtype=float).ravel()
        except Exception as error:  # the participant's code: show its message, keep the sliders alive
            _problem(figure, error)
            verdict.value = ""
            return
        fig, ax = plt.subplots(figsize=(4.2, 4.2))
        ax.contourf(grid[:, 0].reshape(161, 161), grid[:, 1].reshape(161, 161), fires, levels=[-0.5, 0.5, 1.5],
                    colors=["white", "mistyrose"])
        if abs(weights[1]) > 1e-9:
            xs = np.array([-0.5, 1.5])
            ax.plot(xs, -(weights[0] * xs + bias) / weights[1], color="tab:red", lw=2)
        elif abs(weights[0]) > 1e-9:
            ax.axvline(-bias / weights[0], color="tab:red", lw=2)
        for (x1, x2), want, got in zip(TRUTH_TABLE, target, answers, strict=False):
            ax.scatter(x1, x2, s=260, c="tab:red" if want else "white", edgecolors="k", zorder=3)
            ax.annotate("✓" if got == want else "✗", (x1, x2), xytext=(14, 10), textcoords="offset points",
                        fontsize=14, color="tab:green" if got == want else "tab:red")
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 1], yticks=[0, 1], xlabel="x₁", ylabel="x₂",
               aspect="equal", title=_line(weights, bias))
        fig.tight_layout()
        _show(figure, fig)
        right = answers == target
        rows = "".join(f"<tr><td>{int(x1)}</td><td>{int(x2)}</td><td>{int(want)}</td><td>{got:g}</td>"
                       f"<td>{'✓' if ok else '✗'}</td></tr>"
                       for (x1, x2), want, got, ok in zip(TRUTH_TABLE, target, answers, right, strict=False))
        verdict.value = (f"<b>{int(right.sum())} of 4 rows right</b> for {choice.value}"
                         f"{' — this neuron is the gate.' if right.all() else ''}"
                         "<table style='border-spacing: 12px 2px'>"
                         f"<tr><th>x₁</th><th>x₂</th><th>{choice.value}</th><th>neuron</th><th></th></tr>"
                         f"{rows}</table><i>shaded: where the neuron fires (outputs 1)</i>")

    for control in (w1, w2, b, choice):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([choice, widgets.HBox([widgets.VBox([w1, w2, b, verdict]), figure])]))
    return


def kernel_playground(photo, conv2d, kernels=None):
    """Pick or edit a 3 × 3 kernel and see the photo and ``conv2d(photo, kernel, padding="same")`` side by side.

    In the spirit of setosa.io/ev/image-kernels: the result is clipped to 0..255, as an image shows it.
    ``kernels`` (name -> 3 × 3 array) fills the menu; editing any number makes the kernel "custom".
    """
    photo = np.asarray(photo)
    identity = np.zeros((3, 3))
    identity[1, 1] = 1.0
    if _not_ready("conv2d", conv2d, photo[:8, :8].astype(float), identity):
        return
    presets = {"identity": identity}
    if isinstance(kernels, dict):
        presets.update({str(name): np.asarray(k, float) for name, k in kernels.items() if np.shape(k) == (3, 3)})
    menu = widgets.Dropdown(options=[*presets, "custom"], value="identity", description="kernel")
    cells = [widgets.FloatText(value=float(v), step=0.1, layout=widgets.Layout(width="70px")) for v in identity.ravel()]
    figure, note = widgets.Output(), widgets.HTML()
    filling = []  # set while the menu writes its kernel into the boxes

    def redraw(_=None):
        kernel = np.array([c.value for c in cells]).reshape(3, 3)
        try:
            result = np.asarray(conv2d(photo.astype(float), kernel, padding="same"), dtype=float)
        except Exception as error:  # the participant's code: show its message, keep the boxes alive
            _problem(figure, error)
            return
        fig, (left, right) = plt.subplots(1, 2, figsize=(8, 4.2))
        left.imshow(photo, cmap="gray", vmin=0, vmax=255)
        left.set_title("the photo", fontsize=10)
        right.imshow(np.clip(result, 0, 255), cmap="gray", vmin=0, vmax=255)
        right.set_title(f"your conv2d with the {menu.value} kernel", fontsize=10)
        for ax in (left, right):
            ax.set(xticks=[], yticks=[])
        fig.tight_layout()
        _show(figure, fig)
        note.value = (f"sum of the kernel: {kernel.sum():g} (1 keeps the brightness, 0 keeps only edges); "
                      f"result from {result.min():.0f} to {result.max():.0f}, shown clipped to 0..255")

    def pick(_=None):
        if menu.value == "custom":
            return
        filling.append(True)
        for cell, value in zip(cells, presets[menu.value].ravel(), strict=False):
            cell.value = float(value)
        filling.clear()
        redraw()

    def edit(_=None):
        if filling:
            return
        if menu.value != "custom":
            menu.value = "custom"  # no pick(): the boxes keep the edited numbers
        redraw()

    menu.observe(pick, names="value")
    for cell in cells:
        cell.observe(edit, names="value")
    redraw()
    grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns="repeat(3, 76px)"))
    display(widgets.VBox([widgets.HBox([menu, grid]), figure, note]))
    return
