"""The plan builder app in a real browser: type, see the feedback, save, read the file.

``ehcp-kit app`` runs in a subprocess on a free loopback port and Debian's Chromium
drives it (the ``page`` fixture). Every request the page makes to anywhere but the
loopback address is refused and recorded, so the test also shows that the app needs no
network. Set ``EHCP_KIT_UPDATE_SCREENSHOT=1`` to refresh the handbook's screenshot,
``docs/images/plan_builder.png``, from this run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ehcp_kit.loaders import load_plan
from ehcp_kit.plan import Plan

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "images" / "plan_builder.png"
EHCP_KIT = Path(sys.executable).with_name("ehcp-kit")

VAGUE = "Maisie will improve her listening."
FIXED = ("By the end of Key Stage 2, Maisie will follow spoken instructions with four key "
         "words given to the whole class on 4 out of 5 occasions.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"ehcp-kit app exited early with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"ehcp-kit app did not answer at {url} within {seconds} s")


def _stop(server: subprocess.Popen) -> None:
    """Ctrl-C, as a person would; then make sure nothing of the server is left."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    try:
        os.killpg(server.pid, signal.SIGKILL)  # kernels left behind, if any
    except ProcessLookupError:
        pass


def _kernels_left(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_app_gives_live_feedback_and_saves_a_plan_the_checker_accepts(page, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (tmp_path / "app.log").open("w")
    server = subprocess.Popen(
        [str(EHCP_KIT), "app", "--port", str(port), "--plans-dir", str(plans)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp_path,
    )
    outside: list[str] = []
    kernels_remained = True
    try:
        _wait_until_answering(url, server)

        def only_loopback(route):
            if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_loopback)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        page.get_by_label("Child id *").wait_for(timeout=90_000)

        # The child and the plan, then Tab from the child id walks the labelled inputs.
        page.get_by_label("Child id *").fill("SYN-0001")
        page.get_by_label("Name *", exact=True).fill("Maisie Example")
        page.get_by_label("Plan date *").fill("2025-02-10")
        page.get_by_label("Date of birth *").fill("2016-11-03")
        page.get_by_label("Child id *").focus()
        reached: list[str] = []
        for _ in range(10):  # a date input takes one Tab for each of day, month and year
            page.keyboard.press("Tab")
            label = page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.labels && e.labels.length ? e.labels[0].textContent : e.tagName; }"
            )
            if not reached or reached[-1] != label:
                reached.append(label)
        assert reached[:4] == ["Name *", "Date of birth *", "Taught in year group", "Pronouns"]

        page.get_by_role("button", name="Add a need").click()
        page.get_by_label("Area of need *").select_option(label="Communication and interaction")

        # A vague outcome: the finding appears, with the word that triggered it marked.
        page.get_by_role("button", name="Add an outcome").click()
        outcome = page.get_by_label("Outcome *", exact=True)
        outcome.press_sequentially(VAGUE, delay=15)
        vague = page.locator("li[data-slug='vague-verb']")
        vague.wait_for(timeout=20_000)
        assert page.locator("mark", has_text="improve").count() >= 1
        outcome_box = page.locator(".ehcp-box").filter(has=outcome)
        outcome_box.screenshot(path=str(tmp_path / "plan_builder.png"))

        # Better wording, a timescale chosen from the list: the finding goes, a date appears.
        outcome.fill(FIXED)
        page.get_by_label("Falls due at", exact=True).select_option(label="the end of a key stage")
        page.get_by_label("Key stage", exact=True).select_option(label="Key Stage 2")
        page.get_by_label("N1: Communication and interaction").first.check()
        vague.wait_for(state="detached", timeout=20_000)
        page.get_by_text("Falls due on 31 July 2028").wait_for(timeout=20_000)

        page.get_by_role("button", name="Add provision").click()
        page.get_by_label("What will happen *").fill(
            "Direct teaching of listening to instructions, from a written programme")
        page.get_by_label("Who will do it").fill("Speech and language therapist")
        page.get_by_label("How often").fill("Once a week")
        page.get_by_label("How long each time").fill("30 minutes")
        page.get_by_label("Group size").fill("1:1")
        page.get_by_label("N1: Communication and interaction").nth(1).check()
        page.get_by_label("O1", exact=True).check()

        page.get_by_label("File name *").fill("maisie.yaml")
        save = page.get_by_role("button", name="Save")
        page.wait_for_function(
            "() => [...document.querySelectorAll('button')]"
            ".some(b => b.textContent.trim() === 'Save' && !b.disabled)", timeout=20_000)
        save.click()
        page.get_by_text("Saved maisie.yaml in the plans folder.").wait_for(timeout=20_000)
    finally:
        _stop(server)
        log.close()
        kernels_remained = _kernels_left(server.pid)

    assert server.returncode == 0, (tmp_path / "app.log").read_text()
    assert "Stopped." in (tmp_path / "app.log").read_text()
    assert not kernels_remained
    assert outside == []

    # The saved file: the loader reads it, and the checker and the batch accept it.
    saved = plans / "maisie.yaml"
    assert load_plan(saved) == Plan.model_validate({
        "child": {"id": "SYN-0001", "name": "Maisie Example", "date_of_birth": "2016-11-03"},
        "plan_date": "2025-02-10",
        "needs": [{"id": "N1", "area": "Communication and interaction"}],
        "outcomes": [{"id": "O1", "text": FIXED, "need_ids": ["N1"],
                      "timescale": "By the end of Key Stage 2"}],
        "provision": [{
            "id": "F1", "what": "Direct teaching of listening to instructions, from a written "
            "programme", "who": "Speech and language therapist", "how_often": "Once a week",
            "how_long": "30 minutes", "group_size": "1:1", "need_ids": ["N1"],
            "outcome_ids": ["O1"],
        }],
    })
    # "1:1" unquoted would be read back as the number 61 (YAML 1.1 base 60).
    assert "group_size: '1:1'" in saved.read_text(encoding="utf-8")

    check = subprocess.run([str(EHCP_KIT), "check", str(saved)], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    batch = subprocess.run(
        [str(EHCP_KIT), "batch", str(plans), "--out", str(tmp_path / "out"), "--no-notebook"],
        capture_output=True, text=True, timeout=300,
    )
    assert batch.returncode == 0, batch.stdout + batch.stderr
    assert (tmp_path / "out" / "SYN-0001" / "plan.html").is_file()

    if os.environ.get("EHCP_KIT_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "plan_builder.png", SCREENSHOT)
