"""The class on a real JupyterHub (root only; CI runs as root): `workshop hub` with an instructor and
three participants (Unix users, PAM login on the hub's login page, LocalProcessSpawner), the hub and
its proxy on 127.0.0.1. One participant goes through the hub in Chromium (login, Assignment List:
fetch, a solution typed, Validate, submit); the others submit through the same Assignment List API
of their own servers, one of them twice (the later counts). The instructor grades with
`workshop grade --from-exchange` and releases feedback; each participant fetches their own through
the hub and sees their score."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.sample_class import _solutions
from autograder.config import COURSE_ID
from autograder.hub import server as hub
from tests import unix_users
from tests.test_exchange import workshop

pytestmark = pytest.mark.xdist_group("hub")
NOTEBOOK = "01-neurons/neurons.ipynb"


def _missing() -> str | None:
    if not shutil.which("configurable-http-proxy"):
        return "configurable-http-proxy is not installed (npm install -g configurable-http-proxy)"
    return unix_users.missing()


def _free_port() -> int:
    """A free port whose next two are free too (the proxy's API and the hub's own)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000 and all(_is_free(p) for p in (port, port + 1, port + 2)):
            return port
    raise RuntimeError("no three free ports in a row")


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def class_hub(template_course):
    """The hub, running: yields its url, the course folder, the exchange, the accounts and passwords."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    base = unix_users.open_folder()
    course = base / "course"
    shutil.copytree(template_course, course)
    state = base / "state"
    stem = f"wsh{secrets.token_hex(2)}"
    instructor, names = f"{stem}-teacher", [f"{stem}-{i}" for i in range(3)]
    (base / "class.csv").write_text("name\n" + "\n".join(names) + "\n")
    port = _free_port()
    hub_process = None
    try:
        config, passwords = hub.setup(base / "class.csv", state, instructor, root=course, port=port)
        assert set(passwords) == {instructor, *names}
        assert all(passwords.values())
        workshop(course, "release", "01-neurons", "--exchange", "--exchange-dir", str(state / "exchange"),
                 "--due", "2099-01-01 00:00")
        log = open(base / "hub.log", "w")  # noqa: SIM115 - the hub writes to it until the fixture ends
        hub_process = subprocess.Popen(hub.command(config), cwd=state, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        _wait(lambda: _get(f"{url}/hub/login") == 200, 60, base / "hub.log")
        yield {"url": url, "course": course, "exchange": state / "exchange", "instructor": instructor,
               "names": names, "passwords": passwords, "log": base / "hub.log", "state": state}
    finally:
        if hub_process is not None:
            hub_process.terminate()  # JupyterHub stops the servers it spawned (cleanup_servers)
            try:
                hub_process.wait(60)
            except subprocess.TimeoutExpired:
                hub_process.kill()
        for name in [instructor, *names]:
            subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _get(url: str) -> int:
    import requests
    try:
        return requests.get(url, timeout=5).status_code
    except requests.ConnectionError:
        return 0


def _wait(ready, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError("the hub did not answer in time:\n" + log.read_text()[-3000:])
        time.sleep(0.5)


class Participant:
    """A participant in their own browser session: the hub's login page, then their own server's API."""

    def __init__(self, class_hub, name: str):
        import requests
        self.url, self.name = class_hub["url"], name
        self.session = requests.Session()
        self.session.get(f"{self.url}/hub/login")
        done = self.session.post(f"{self.url}/hub/login", allow_redirects=False, data={
            "username": name, "password": class_hub["passwords"][name], "_xsrf": self.session.cookies["_xsrf"]})
        assert done.status_code == 302, f"login of {name} failed: {done.status_code}"
        self.server = f"{self.url}/user/{name}"
        self.session.get(f"{self.url}/hub/spawn/{name}")

        def lab_open():  # the hub's OAuth hands the browser on to their server, which then shows the lab
            done = self.session.get(f"{self.server}/lab")
            return done.status_code == 200 and done.url.rstrip("/").endswith(f"/user/{name}/lab")
        _wait(lab_open, 180, class_hub["log"])

    def _headers(self):
        xsrf = [c.value for c in self.session.cookies if c.name == "_xsrf" and c.path.startswith(f"/user/{self.name}")]
        assert xsrf, [(c.name, c.path) for c in self.session.cookies]
        return {"X-XSRFToken": xsrf[0]}

    def assignments(self) -> list[dict]:
        done = self.session.get(f"{self.server}/assignments", params={"course_id": COURSE_ID})
        assert done.status_code == 200, done.text
        answer = done.json()
        assert answer["success"], answer
        return answer["value"]

    def action(self, what: str) -> list[dict]:
        """The Assignment List's buttons: fetch, submit, fetch_feedback."""
        done = self.session.post(f"{self.server}/assignments/{what}", headers=self._headers(),
                                 data={"course_id": COURSE_ID, "assignment_id": "01-neurons"})
        assert done.status_code == 200, done.text
        answer = done.json()
        assert answer["success"], answer
        return answer["value"]

    def notebook(self) -> nbformat.NotebookNode:
        done = self.session.get(f"{self.server}/api/contents/{NOTEBOOK}", params={"content": 1})
        assert done.status_code == 200, done.text
        return nbformat.from_dict(done.json()["content"])

    def save(self, notebook) -> None:
        done = self.session.put(f"{self.server}/api/contents/{NOTEBOOK}", headers=self._headers(),
                                data=json.dumps({"type": "notebook", "format": "json", "content": notebook}))
        assert done.status_code in (200, 201), done.text

    def solve(self) -> None:
        notebook, solutions = self.notebook(), _solutions("01-neurons")
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = solutions[cell.metadata.nbgrader["grade_id"]]
        self.save(notebook)

    def feedback(self) -> str:
        """The feedback HTML fetched into their server, as their browser opens it through the hub."""
        listing = self.session.get(f"{self.server}/api/contents/01-neurons/feedback").json()
        (stamp,) = [item["name"] for item in listing["content"]]
        done = self.session.get(f"{self.server}/files/01-neurons/feedback/{stamp}/neurons.html")
        assert done.status_code == 200, done.status_code
        return done.text


def _in_the_browser(class_hub, name: str) -> None:
    """Chromium through the hub: its login page, the lab, Assignment List → Fetch, one solution typed,
    Validate, Assignment List → Submit."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _cell, _menu, _select_kernel
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    url = class_hub["url"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{url}/hub/login")
            page.fill("#username_input", name)
            page.fill("#password_input", class_hub["passwords"][name])
            page.click("#login_submit")
            page.wait_for_url(re.compile(f"/user/{name}/lab"), timeout=180_000)
            page.wait_for_selector(".jp-LabShell")
            _menu(page, "Nbgrader", "Assignment List")
            page.get_by_role("button", name="Fetch", exact=True).click()
            page.get_by_role("button", name="Submit", exact=True).wait_for()
            page.goto(f"{url}/user/{name}/lab/tree/{NOTEBOOK}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
            _select_kernel(page, wait=2_000)
            cell = _cell(page, "def weighted_sum")
            cell.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(_solutions("01-neurons")["weighted_sum"])
            page.keyboard.press("Control+s")
            # Validate saves again: one save at a time, or the lab sees its own write as a change on disk
            page.wait_for_selector(".jp-mod-dirty", state="detached")
            page.locator(".jp-Toolbar-item", has_text="Validate").click()
            dialog = page.locator(".jp-Dialog", has_text="Validation Results")  # not an earlier dialog
            dialog.wait_for(timeout=180_000)
            page.screenshot(path=str(ARTIFACTS / "hub-validate.png"))
            dialog.locator(".jp-mod-accept").first.click()
            dialog.wait_for(state="detached")
            _menu(page, "Nbgrader", "Assignment List")
            page.get_by_role("button", name="Submit", exact=True).click()
            page.get_by_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")).first.wait_for()
            page.screenshot(path=str(ARTIFACTS / "hub-submitted.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "hub-failed.png"))
            raise
        finally:
            browser.close()


def test_the_whole_cycle_through_the_hub(class_hub):
    names = class_hub["names"]
    _in_the_browser(class_hub, names[0])
    ada, grace, alan = (Participant(class_hub, name) for name in names)
    assert sorted(a["status"] for a in ada.assignments()) == ["fetched", "submitted"]
    typed = ada.notebook()
    assert any("@" in c.source or "np.dot" in c.source for c in typed.cells if "def weighted_sum" in c.source)

    grace.action("fetch")
    grace.solve()
    grace.action("submit")
    alan.action("fetch")
    alan.action("submit")  # unfinished: the later submission counts
    time.sleep(1.1)
    alan.solve()
    alan.action("submit")
    # the participants' lab: nbgrader's Assignment List and Validate, no formgrader
    assert ada.session.get(f"{ada.server}/formgrader").status_code == 404

    table = workshop(class_hub["course"], "grade", "--from-exchange", "--exchange-dir", str(class_hub["exchange"]),
                     "--timeout", "30")
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.strip()}
    # per participant: 01's score (✔ where its core is done), the notebooks whose core is done, the total
    assert {n: rows.get(n) for n in names[1:]} == {n: ["12/12", "✔", "1/1", "12/12"] for n in names[1:]}, table
    browser_score = rows[names[0]][0]
    assert browser_score not in ("0/12", "12/12"), table  # one solution typed of several
    out = workshop(class_hub["course"], "feedback", "--exchange", "--exchange-dir", str(class_hub["exchange"]))
    assert "released 3 feedback reports to the exchange" in out, out
    for participant, score in ((ada, browser_score.split("/")[0]), (grace, "12"), (alan, "12")):
        participant.action("fetch_feedback")
        html = participant.feedback()
        assert f"Score: {float(score)} / 12.0" in html
        assert "BEGIN HIDDEN TESTS" not in html
    # the instructor's own server has nbgrader's formgrader on the course, its gradebook included
    teacher = Participant(class_hub, class_hub["instructor"])
    done = teacher.session.get(f"{teacher.server}/formgrader/api/assignments")
    assert done.status_code == 200, (done.status_code, done.text[:300])
    assert "01-neurons" in done.text, (done.status_code, done.text[:300])
    # from a participant's own server: their file API stops at their home, the exchange's submissions are
    # not theirs to open (tests/test_exchange.py attacks the exchange from a participant's Unix user in full)
    for path in (f"../{names[1]}/01-neurons/neurons.ipynb", "../../" + str(class_hub["course"] / "gradebook.db")):
        assert ada.session.get(f"{ada.server}/api/contents/{path}").status_code in (400, 403, 404), path
    # the hub never showed one participant another's server
    assert ada.session.get(f"{grace.server}/api/contents/").status_code in (403, 404) or \
        re.search(r"/hub/", ada.session.get(f"{grace.server}/api/contents/").url)


def test_a_class_list_gives_unix_names(tmp_path):
    (tmp_path / "class.csv").write_text("name,email\nAda Lovelace,ada@example.org\nZoë Ångström,z@example.org\n")
    assert hub.read_class(tmp_path / "class.csv") == ["ada-lovelace", "zoe-angstrom"]
    (tmp_path / "plain.txt").write_text("grace-hopper\n\nalan-turing\n")
    assert hub.read_class(tmp_path / "plain.txt") == ["grace-hopper", "alan-turing"]
    (tmp_path / "twice.csv").write_text("name\nAda Lovelace\nada lovelace\n")
    with pytest.raises(ValueError, match="two participants would both be ada-lovelace"):
        hub.read_class(tmp_path / "twice.csv")
    with pytest.raises(ValueError, match="gives no Unix user name"):
        hub.unix_name("42")


def test_the_hubs_config_keeps_to_localhost_and_the_participants_lab(tmp_path):
    config = hub.write_config(tmp_path, ["ada-lovelace"], "teacher", root=tmp_path / "course", port=8123)
    text = config.read_text()
    assert 'c.JupyterHub.ip = "127.0.0.1"' in text
    assert 'c.JupyterHub.hub_ip = "127.0.0.1"' in text
    assert "LocalProcessSpawner" in text
    assert 'authenticator_class = "pam"' in text
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    participant = (tmp_path / "jupyter" / "nbgrader_config.py").read_text()
    assert "autograder.hub.submit.PrivateSubmit" in participant
    assert str(tmp_path / "exchange") in participant
