"""The participant's seat: JupyterLab in a real browser (Debian's Chromium driven by Playwright).

JupyterLab is started exactly as `make lab` starts it (scripts/lab.py), minus the browser it would
open: a temporary work folder, a free port on 127.0.0.1, a token. Then, as a participant would:
Run All in every released notebook, type a solution and a classic mistake, press Validate, look
at the figures of solved notebooks and play with the two playgrounds.

Screenshots and the timings (time to the first figure) are kept in ``$BROWSER_ARTIFACTS`` or
tests/artifacts/. Without Chromium or Playwright the tests are skipped, except in CI (``$CI``),
where they fail.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from autograder.paths import RELEASE, SOURCE, assignments, notebook_path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or ROOT / "tests" / "artifacts")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync"]
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"

pytestmark = pytest.mark.xdist_group("browser")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; no `playwright install`)"
    if not Path(CHROMIUM).exists():
        return "Debian's Chromium is not installed (apt-get install -y chromium)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab as `make lab` starts it, on a temporary work folder; yields its base URL."""
    reason = _missing()
    if reason:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    for name in ("01-neurons", "04-layers", "05-equalization"):  # solved copies, to look at figures
        shutil.copytree(SOURCE / name, work / "solved" / name)
    shutil.copytree(RELEASE / "01-neurons", work / "typing" / "01-neurons")  # one to type into
    token, port = "browser-test", _free_port()
    env = {name: value for name, value in os.environ.items()  # a participant's shell, not the grader's
           if name not in ("MPLBACKEND", "WORKSHOP_HEADLESS")}
    env.update(JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    log = (home / "lab.log").open("w")
    server = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "lab.py"), "--work", str(work),
                               "--port", str(port), "--token", token, "--no-browser"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text()[-3000:])
            time.sleep(0.3)
    yield {"url": url, "token": token, "work": work}
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_notebook(lab, browser, request):
    """open_notebook(path) -> a page showing that notebook, its kernel idle; screenshot at the end."""
    pages = []

    def opener(path: str):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.opened = time.monotonic()
        # A workspace of its own: JupyterLab would otherwise reopen the notebooks of earlier tests.
        workspace = f"{re.sub(r'[^a-z0-9]+', '-', request.node.name.lower())}-{len(pages)}"
        page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{path}?token={lab['token']}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
        page.wait_for_selector(IDLE, state="attached")
        _select_kernel(page, wait=1_000)
        page.locator(".jp-Notebook .jp-Cell").first.click()  # the notebook has the focus
        pages.append(page)
        return page

    yield opener
    name = re.sub(r"\W+", "-", request.node.name).strip("-")
    for i, page in enumerate(pages):
        page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"))
        page.close()


def _record(key: str, seconds: float) -> None:
    """Timings go to the artifacts folder for the report; nothing asserts on them."""
    path = ARTIFACTS / "timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    timings[key] = round(seconds, 1)
    path.write_text(json.dumps(timings, indent=1) + "\n")


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def _run_all_cells(page) -> None:
    """Run → Run All Cells, once more if no cell started (a click can land before the notebook is ready)."""
    started = ("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
               ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))")
    for attempt in range(2):
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(started, timeout=30_000)
            return
        except Exception:
            if attempt:
                raise


def _select_kernel(page, wait: int = 0) -> None:
    """Accept JupyterLab's "Select Kernel" dialog if it is up: a lab still loading its kernel specs
    asks instead of starting the notebook's kernel (as a participant would, press Select)."""
    from playwright.sync_api import TimeoutError as Timeout

    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if wait:
        try:
            dialog.wait_for(state="visible", timeout=wait)
        except Timeout:
            return
    if dialog.count():
        dialog.locator(".jp-mod-accept").click()
        dialog.wait_for(state="detached")
        page.wait_for_selector(IDLE, state="attached")


def _cell(page, text: str):
    """The code cell whose source contains ``text``."""
    return page.locator(".jp-CodeCell").filter(has=page.locator(".jp-Editor", has_text=text)).first


def _run(page, cell, source: str | None = None, timeout: int = 180_000) -> str:
    """Run ``cell`` (typing ``source`` into it first), wait for it to finish; its output's text."""
    _select_kernel(page)
    editor = cell.locator(".cm-content")
    editor.click()
    if source is not None:
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(source)  # as pasted: no auto-indent or closing brackets
    before = cell.locator(".jp-InputPrompt").text_content()
    page.keyboard.press("Control+Enter")
    page.wait_for_function("([cell, before]) => { const p = cell.querySelector('.jp-InputPrompt').textContent;"
                           " return /\\[\\d+\\]/.test(p) && p !== before; }", arg=[cell.element_handle(), before],
                           timeout=timeout)
    page.wait_for_selector(IDLE, state="attached")
    return cell.locator(".jp-Cell-outputArea").first.text_content()


def _run_all(page, stop_at_error: bool) -> None:
    _run_all_cells(page)
    if stop_at_error:
        page.wait_for_selector(STDERR, state="attached", timeout=240_000)
    else:
        last = page.locator(".jp-CodeCell").last.locator(".jp-InputPrompt")
        last.filter(has_text=re.compile(r"\[\d+\]")).wait_for(state="attached", timeout=240_000)
    page.wait_for_selector(IDLE, state="attached", timeout=240_000)


def test_participants_lab_is_the_workshop_not_the_instructors_desk(lab, open_notebook):
    page = open_notebook("01-neurons/neurons.ipynb")
    menus = page.locator(".lm-MenuBar-itemLabel").all_text_contents()
    assert "Run" in menus, menus
    assert "Nbgrader" not in menus, menus
    assert page.locator(".jp-Toolbar-item", has_text="Validate").count() == 1
    page_text = page.locator("body").text_content()
    for instructor_tool in ("Create Assignment", "Formgrader", "Assignment List", "Course List"):
        assert instructor_tool not in page_text
    for api in ("formgrader", "formgraders", "assignments?course_id=x"):  # their server extensions are off
        request = urllib.request.Request(f"{lab['url']}/{api}", headers={"Authorization": f"token {lab['token']}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 404, api


@pytest.mark.parametrize("assignment", assignments())
def test_run_all_stops_at_the_first_unfinished_exercise_with_one_line(assignment, open_notebook):
    path = notebook_path(assignment, RELEASE).relative_to(RELEASE)
    page = open_notebook(str(path))
    _run_all_cells(page)
    if assignment == "06-pipeline":  # a sign of life before the slow import of Keras, then figures
        page.wait_for_selector(".jp-OutputArea-output:has-text('Loading OpenCV, TensorFlow and Keras')",
                               state="attached", timeout=10_000)
        page.wait_for_selector(".jp-OutputArea-output img", state="attached", timeout=120_000)
        _record("06-pipeline: opening to first figure (s)", time.monotonic() - page.opened)
    try:
        page.wait_for_selector(STDERR, state="attached", timeout=150_000)
    except Exception:  # on a loaded machine the first kernel can miss Run All: screenshot, then once more
        page.screenshot(path=str(ARTIFACTS / f"run-all-{assignment}-missed.png"))
        _run_all_cells(page)
        page.wait_for_selector(STDERR, state="attached", timeout=240_000)
    page.wait_for_selector(IDLE, state="attached", timeout=240_000)
    errors = [e.text_content().strip() for e in page.locator(STDERR).all()]
    assert len(errors) == 1, f"stderr before the first failure, or more than one failure: {errors}"
    assert re.fullmatch(r"NotImplementedError: \w+ (is not implemented yet|is still None)\b[^\n]*", errors[0]), errors
    page.locator(STDERR).first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"run-all-{assignment}.png"))
    for given in BEFORE_THE_EXERCISE.get(assignment, []):  # plain cells run before the exercise is done
        _run(page, _cell(page, given))
    if assignment in UNFINISHED:
        cell, expected = UNFINISHED[assignment]
        assert re.fullmatch(expected, _run(page, _cell(page, cell)).strip())


# Cells a participant may run before finishing the exercise they need: one line each, no traceback.
BEFORE_THE_EXERCISE = {"01-neurons": ["def neuron("], "04-layers": ["def conv2d(", "KERNELS = None",
                                                                      "photo = photos.camera()"]}
UNFINISHED = {
    "01-neurons": ("neuron_playground(neuron, step)",
                   r"This playground runs your neuron, which is not implemented yet: [^\n]*"),
    "02-activations": ("plots.collapse(", r"NotImplementedError: identity is not implemented yet: [^\n]*"),
    "04-layers": ("kernel_playground(photo, conv2d, KERNELS)",
                  r"This playground runs your conv2d, which is not implemented yet: [^\n]*"),
}


def test_a_typed_solution_passes_and_a_classic_mistake_is_diagnosed_then_validate_shows_it_all(open_notebook):
    page = open_notebook("typing/01-neurons/neurons.ipynb")
    _run(page, _cell(page, "def step(z)"))
    solution = _cell(page, "def weighted_sum")
    check = _cell(page, "check.weighted_sum(weighted_sum)")
    _run(page, solution, "def weighted_sum(x, w, b):\n    return np.asarray(x, float) @ np.asarray(w, float) + b\n")
    assert "public checks passed" in _run(page, check)
    _run(page, solution, "def weighted_sum(x, w, b):\n    return np.asarray(x, float) @ np.asarray(w, float)\n")  # no b
    message = _run(page, check)
    assert message.startswith("CheckFailed: weighted_sum("), message
    assert message.endswith("The bias b is missing."), message
    page.keyboard.press("Control+s")
    page.wait_for_selector(".jp-mod-dirty", state="detached")
    page.locator(".jp-Toolbar-item", has_text="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    failed = dialog.locator("#validation-message > div.jp-RenderedText pre")
    texts = failed.all_text_contents()
    assert texts.count("check.weighted_sum(weighted_sum)") == 1
    assert message in texts, "the complete message of the failed check"
    unfinished = [t for t in texts if t.startswith("NotImplementedError:")]
    assert len(unfinished) == 7, texts  # neuron, four gates, xor, layer
    for pre in failed.all():  # every line visible: wrapped, not cut at the dialog's edge
        width, visible = pre.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width <= visible + 1, pre.text_content()
    page.screenshot(path=str(ARTIFACTS / "validate-dialog.png"))
    dialog.locator("button", has_text="Ok").click()


def _validate_through_the_api(lab, path: str) -> None:
    """What the Validate button does: nbgrader's server extension loads the course's nbgrader_config.py."""
    request = urllib.request.Request(f"{lab['url']}/assignments/validate?path={path}", data=b"", method="POST",
                                     headers={"Authorization": f"token {lab['token']}"})
    assert json.loads(urllib.request.urlopen(request, timeout=120).read())["success"]


def _figure_cells(page):
    """Plain code cells that draw a figure (the notebooks end them with `;`)."""
    return [cell for cell in page.locator(".jp-CodeCell").all()
            if re.search(r"(plots\.|plt\.|ax\.)[^\n]*;\s*$", cell.locator(".jp-Editor").text_content())]


@pytest.mark.parametrize("assignment", ["01-neurons", "05-equalization"])
def test_every_figure_of_a_solved_notebook_is_an_image(assignment, lab, open_notebook):
    path = f"solved/{notebook_path(assignment, SOURCE).relative_to(SOURCE)}"
    _validate_through_the_api(lab, path)  # a server that loaded nbgrader_config.py still shows figures
    page = open_notebook(path)
    _run_all_cells(page)
    page.wait_for_selector(".jp-OutputArea-output img", state="attached", timeout=120_000)
    _record(f"{assignment}: opening to first figure (s)", time.monotonic() - page.opened)
    _run_all(page, stop_at_error=False)
    cells = _figure_cells(page)
    assert len(cells) >= 4
    for cell in cells:
        cell.scroll_into_view_if_needed()
        assert cell.locator(".jp-OutputArea-output img").count() >= 1, cell.locator(".jp-Editor").text_content()
    assert page.locator(STDERR).count() == 0, page.locator(STDERR).all_text_contents()
    if assignment == "01-neurons":
        _neuron_playground_responds(page)


def _neuron_playground_responds(page) -> None:
    cell = _cell(page, "neuron_playground(neuron, step)")
    cell.scroll_into_view_if_needed()
    image = cell.locator(".jp-OutputArea-output img").first
    before = image.get_attribute("src")
    assert "1 of 4 rows right for AND" in cell.text_content()  # w = (1, 1), b = 0: fires everywhere
    readout = cell.locator(".widget-readout").nth(2)  # b
    readout.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("-1.5")
    page.keyboard.press("Enter")
    page.wait_for_function("([cell, src]) => { const i = cell.querySelector('.jp-OutputArea-output img');"
                           " return i && i.getAttribute('src') !== src; }", arg=[cell.element_handle(), before])
    cell.get_by_text("4 of 4 rows right for AND").wait_for()
    cell.screenshot(path=str(ARTIFACTS / "neuron-playground.png"))


def test_kernel_playground_shows_the_participants_conv2d(open_notebook):
    page = open_notebook("solved/04-layers/layers.ipynb")
    for needed in ("import course", "def conv_output_size(", "def conv2d(", "KERNELS = {", "photo = photos.camera()"):
        _run(page, _cell(page, needed))  # what the playground needs, and nothing slow (Keras)
    cell = _cell(page, "kernel_playground(photo, conv2d, KERNELS)")
    _run(page, cell)
    image = cell.locator(".jp-OutputArea-output img").first
    image.wait_for(state="attached")
    before = image.get_attribute("src")
    cell.locator("select").select_option("left_sobel")  # the core's KERNELS: the two Sobels
    page.wait_for_function("([cell, src]) => { const i = cell.querySelector('.jp-OutputArea-output img');"
                           " return i && i.getAttribute('src') !== src; }", arg=[cell.element_handle(), before])
    from playwright.sync_api import expect

    expect(cell).to_contain_text("sum of the kernel: 0", timeout=30_000)  # the note follows the figure: its own message
    sobel = image.get_attribute("src")
    centre = cell.locator("input[type='number']").nth(4)
    centre.fill("1")
    centre.press("Enter")
    page.wait_for_function("([cell, src]) => { const i = cell.querySelector('.jp-OutputArea-output img');"
                           " return i && i.getAttribute('src') !== src; }", arg=[cell.element_handle(), sobel])
    expect(cell.locator("select")).to_have_value("custom", timeout=30_000)
    expect(cell).to_contain_text("sum of the kernel: 1", timeout=30_000)
    cell.screenshot(path=str(ARTIFACTS / "kernel-playground.png"))


def test_figures_show_in_a_kernel_that_inherited_agg(tmp_path):
    """course.plots draws inline in Jupyter even when MPLBACKEND=Agg leaked into the kernel; grading keeps Agg."""
    import nbformat
    from nbclient import NotebookClient

    code = "from course.plots import show_images\nshow_images([[[0, 1], [1, 0]]]);"
    outputs = {}
    for headless in ("", "1"):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        env = {**os.environ, "MPLBACKEND": "Agg", "WORKSHOP_HEADLESS": headless}
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        outputs[headless] = [o.get("data", {}).keys() for o in notebook.cells[0].outputs]
    assert any("image/png" in data for data in outputs[""]), outputs
    assert not any("image/png" in data for data in outputs["1"]), outputs


HEADER = re.compile(r"About (\d+) minutes \(core\) \+ (\d+) minutes \(stretch\)")
# Pixels of matplotlib's first two line colours (C0 blue: training, C1 orange: validation) in the
# left and right half of a figure: both curves drawn on both panels (loss, accuracy).
TWO_LINES_PER_PANEL = """img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const near = (i, [r, g, b]) => Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40
                                 && Math.abs(data[i + 2] - b) < 40;
  const counts = [[0, 0], [0, 0]];
  for (let y = 0; y < canvas.height; y++) for (let x = 0; x < canvas.width; x++) {
    const i = 4 * (y * canvas.width + x), half = x < canvas.width / 2 ? 0 : 1;
    if (near(i, [31, 119, 180])) counts[half][0]++;
    if (near(i, [255, 127, 14])) counts[half][1]++;
  }
  return counts;
}"""


def test_the_day_shows_header_stretch_label_and_06s_two_curves_per_metric(lab, open_notebook):
    work = lab["work"] / "solved" / "06-pipeline"
    shutil.copytree(SOURCE / "06-pipeline", work, dirs_exist_ok=True)
    page = open_notebook(f"solved/06-pipeline/{notebook_path('06-pipeline', SOURCE).name}")
    header = page.locator(".jp-MarkdownCell").first.locator(".jp-RenderedMarkdown").text_content()
    core, stretch = map(int, HEADER.search(header).groups())
    assert core <= 270, header
    assert stretch > 0, header
    label = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown h3", has_text="⭐ Stretch").first
    label.wait_for(state="attached")
    curves = _cell(page, "plots.training_curves(history)")
    curves.scroll_into_view_if_needed()
    curves.locator(".jp-InputArea").click()
    _menu(page, "Run", "Run All Above Selected Cell")
    _run(page, curves, timeout=420_000)  # queued behind the cells above: data, the network, its training
    assert page.locator(STDERR).count() == 0, page.locator(STDERR).all_text_contents()
    image = curves.locator(".jp-OutputArea-output img").first
    image.wait_for(state="attached")
    (loss_training, loss_validation), (accuracy_training, accuracy_validation) = image.evaluate(TWO_LINES_PER_PANEL)
    assert min(loss_training, loss_validation, accuracy_training, accuracy_validation) > 50, \
        "a training and a validation curve in each panel"
    page.screenshot(path=str(ARTIFACTS / "06-training-curves.png"))
