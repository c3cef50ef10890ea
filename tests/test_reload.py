"""Staff edits reach a running server without a restart, off the request path; broken edits,
broken files and restarts never stop service."""

import http.client
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app import create_app, learning, store
from app.validation import DirectoryError
from conftest import (
    RECENT,
    TOKEN,
    alias_bomb,
    fifo,
    fifty_megabytes,
    link_to_dev_zero,
    sign,
    twiml,
)

ROOT = Path(__file__).resolve().parent.parent


def reply_to(signed_post, text):
    return twiml(signed_post("/sms", {"Body": text, "From": "+15550100"})).find("Message").text


def save(path, text):
    """Write like an editor and bump the modification time so a same-second save is seen."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def edited(path, old="800-555-0108", new="800-555-0199"):
    return path.read_text(encoding="utf-8").replace(old, new)


def start(referrals_file, state_dir=None):
    config = {"TWILIO_AUTH_TOKEN": TOKEN, "REFERRALS_PATH": str(referrals_file)}
    if state_dir is not None:
        config["REFERRALS_STATE_DIR"] = str(state_dir)
    return create_app({**config, "RELOAD_SECONDS": 0})


def test_a_text_never_reads_the_file_and_the_watcher_swaps_the_edit_in(
    app, referrals_file, signed_post
):
    save(referrals_file, edited(referrals_file))
    assert "800-555-0108" in reply_to(signed_post, "i ran away")  # the snapshot in service
    app.extensions["referrals"].refresh()  # what the watcher does every RELOAD_SECONDS
    reply = reply_to(signed_post, "i ran away")
    assert "800-555-0199" in reply
    assert "800-555-0108" not in reply


def test_a_text_is_answered_while_a_new_directory_is_being_built(
    app, referrals_file, signed_post, monkeypatch
):
    building, release = threading.Event(), threading.Event()
    build_index = store.build_index

    def slow_build(directory, learner=None):
        building.set()
        release.wait(timeout=60)  # a build that takes as long as the test needs
        return build_index(directory, learner)

    monkeypatch.setattr(store, "build_index", slow_build)
    save(referrals_file, edited(referrals_file))
    watcher = threading.Thread(target=app.extensions["referrals"].refresh)
    watcher.start()
    try:
        assert building.wait(timeout=60)
        assert "800-555-0108" in reply_to(signed_post, "i ran away")
        assert watcher.is_alive()  # answered from the old snapshot, the build still under way
    finally:
        release.set()
        watcher.join()
    assert "800-555-0199" in reply_to(signed_post, "i ran away")


BREAKAGES = {
    "broken YAML": lambda text: text.replace("always_first: [", "always_first: [[", 1),
    "invalid data": lambda text: text.replace("call: 800-555-0108", "call: 800-786", 1),
    "empty file": lambda text: "",
    "binary junk": lambda text: "\x00\x01\x02",
    "impossible date": lambda text: text.replace(f"verified: {RECENT}", "verified: 2026-02-30", 1),
    "odd tag": lambda text: text.replace("ivr_digit: 4", "ivr_digit: !!int four", 1),
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_a_broken_edit_keeps_the_last_good_directory(
    breakage, app, referrals_file, signed_post, caplog
):
    save(referrals_file, breakage(referrals_file.read_text()))
    with caplog.at_level(logging.WARNING):
        app.extensions["referrals"].refresh()
    reply = reply_to(signed_post, "i ran away")
    assert reply.startswith("24/7 Help Line: 800-555-0100")
    assert "800-555-0108" in reply
    assert str(referrals_file) in caplog.text
    assert f"last good directory: {referrals_file}:" in caplog.text  # the problem, with its line
    # one line each: the log escapes a line break, which staff would read as a literal \n
    assert not [record for record in caplog.records if "\n" in record.getMessage()]
    assert app.extensions["referrals"].problem is not None


# What may be put in the file's place; each would hang, or cost memory, if it were read.
COSTLY = {
    "alias bomb": (alias_bomb, "YAML anchors and aliases"),
    "FIFO": (fifo, "named pipe (FIFO)"),
    "link to /dev/zero": (link_to_dev_zero, "a device"),
    "50 MB file": (fifty_megabytes, "over the 8 MB"),
}


@pytest.mark.parametrize(("make", "message"), COSTLY.values(), ids=COSTLY.keys())
def test_a_costly_file_is_refused_and_the_last_good_directory_serves(
    make, message, app, referrals_file, signed_post
):
    referrals_file.unlink()
    make(referrals_file)
    watcher = threading.Thread(target=app.extensions["referrals"].refresh)
    watcher.start()
    watcher.join(timeout=60)  # a safety net for a hung read, not a measure of speed
    assert not watcher.is_alive()
    assert message in app.extensions["referrals"].problem.report()
    assert "800-555-0108" in reply_to(signed_post, "i ran away")


def test_a_deleted_file_keeps_the_last_good_directory(app, referrals_file, signed_post, caplog):
    referrals_file.unlink()
    with caplog.at_level(logging.WARNING):
        app.extensions["referrals"].refresh()
    assert "800-555-0108" in reply_to(signed_post, "i ran away")
    assert "cannot be read" in caplog.text


def test_fixing_the_file_clears_the_problem(app, referrals_file, signed_post):
    good = referrals_file.read_text()
    save(referrals_file, "topics: [")
    app.extensions["referrals"].refresh()
    assert app.extensions["referrals"].problem is not None
    save(referrals_file, good.replace("800-555-0108", "800-555-0199"))
    app.extensions["referrals"].refresh()
    assert "800-555-0199" in reply_to(signed_post, "i ran away")
    assert app.extensions["referrals"].problem is None


def test_the_first_start_on_a_broken_file_fails_with_file_and_line(referrals_file, tmp_path):
    text = referrals_file.read_text()
    referrals_file.write_text(text.replace("call: 800-555-0102", "call: 800-843-520"))
    with pytest.raises(DirectoryError) as raised:
        start(referrals_file, tmp_path / "new-state")
    assert f"{referrals_file}:" in str(raised.value)
    assert "is not a phone number" in str(raised.value)
    assert "no last good copy" in str(raised.value)


def test_a_restart_on_a_broken_file_serves_the_last_good_edit(referrals_file, tmp_path):
    state = tmp_path / "state"
    first = start(referrals_file, state).extensions["referrals"]
    save(referrals_file, edited(referrals_file))
    first.refresh()  # the edit is good: it is kept as the last good copy
    save(referrals_file, "topics: [")

    restarted = start(referrals_file, state).extensions["referrals"]

    help_line = restarted.current().directory.resources["runaway_safeline"].call
    assert help_line == "800-555-0199"
    assert restarted.problem.report().startswith(f"{referrals_file}:2: YAML syntax")


def test_a_worker_forked_from_an_older_directory_serves_the_last_good_one(referrals_file, tmp_path):
    master = start(referrals_file, tmp_path).extensions["referrals"]
    sibling = start(referrals_file, tmp_path).extensions["referrals"]
    save(referrals_file, edited(referrals_file))
    sibling.refresh()  # another worker loaded the edit
    save(referrals_file, "topics: [")

    master.refresh()  # the file is broken: what was last good anywhere is served

    assert master.current().directory.resources["runaway_safeline"].call == "800-555-0199"


def test_a_last_good_copy_others_could_write_is_not_trusted(referrals_file, tmp_path):
    state = tmp_path / "state"
    start(referrals_file, state)
    state.chmod(0o777)
    save(referrals_file, "topics: [")
    with pytest.raises(DirectoryError, match="no last good copy"):
        start(referrals_file, state)


def test_booting_without_a_token_names_the_variable(referrals_file, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN"):
        create_app({"REFERRALS_PATH": str(referrals_file)})


class Gunicorn:
    """The production server (gunicorn.conf.py included) on loopback, two workers."""

    def __init__(self, referrals_file: Path, state_dir: Path, log: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        environment = {
            **os.environ,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "REFERRALS_PATH": str(referrals_file),
            "REFERRALS_STATE_DIR": str(state_dir),
            "RELOAD_SECONDS": "0.1",
        }
        environment.pop("DEMO_MODE", None)
        command = [Path(sys.executable).with_name("gunicorn"), "--workers", "2"]
        command += ["--bind", f"127.0.0.1:{self.port}", "app:create_app()"]
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=output, stderr=output
            )

    def text(self, body: str) -> tuple[int, str]:
        """Send a signed text; return the status and the reply."""
        data = {"Body": body, "From": "+15550100"}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign(f"http://127.0.0.1:{self.port}/sms", data),
        }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", "/sms", urlencode(data), headers)
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        if response.status != 200:
            return response.status, ""
        return 200, ET.fromstring(answer).find("Message").text

    def workers(self) -> set[int]:
        pid = self.process.pid
        try:
            return {int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
        except OSError:
            return set()

    def wait_for(self, ready, what: str, timeout: float = 60) -> None:
        """Poll until `ready()` holds, for at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log.read_text()}"
            try:
                if ready():
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.05)
        raise AssertionError(f"never {what}:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(referrals_file, tmp_path):
    running = Gunicorn(referrals_file, tmp_path / "state", tmp_path / "gunicorn.log")
    try:
        running.wait_for(lambda: len(running.workers()) == 2, "started two workers")
        running.wait_for(lambda: running.text("hi")[0] == 200, "answered")
        yield running
    finally:
        running.stop()


def test_a_worker_killed_while_the_file_is_broken_comes_back_with_the_last_good_directory(
    server, referrals_file
):
    save(referrals_file, edited(referrals_file))
    server.wait_for(lambda: "800-555-0199" in server.text("i ran away")[1], "served the edit")
    server.wait_for(
        lambda: all("800-555-0199" in server.text("i ran away")[1] for _ in range(10)),
        "served the edit from both workers",
    )
    save(referrals_file, "topics: [")
    killed = server.workers()
    for pid in killed:
        os.kill(pid, signal.SIGKILL)

    server.wait_for(
        lambda: len(server.workers() - killed) == 2 and server.text("hi")[0] == 200,
        "restarted both workers",
    )
    answers = [server.text("i ran away") for _ in range(20)]
    assert all(status == 200 and "800-555-0199" in reply for status, reply in answers), answers
    assert server.process.poll() is None  # the master stayed up


def test_costly_files_never_stall_service(server, referrals_file):
    for make, message in COSTLY.values():
        referrals_file.unlink()
        make(referrals_file)
        server.wait_for(
            lambda message=message: message in server.log.read_text(),
            f"refused the file ({message})",
        )
        answers = [server.text("i ran away") for _ in range(20)]
        assert all(status == 200 and "800-555-0108" in reply for status, reply in answers)


def children() -> set[int]:
    """Return the pids of this process's live children (every thread's)."""
    found = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return found


def gunicorn_conf():
    """Return gunicorn.conf.py as a module: its hooks, as gunicorn's master runs them."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_reload_whose_learner_is_stopped_keeps_the_last_good_directory(
    referrals_file, tmp_path, monkeypatch, caplog
):
    conf = gunicorn_conf()
    hups = []
    monkeypatch.setattr(conf.os, "kill", lambda pid, sig: hups.append(sig))
    master = types.SimpleNamespace(WORKERS={}, log=logging.getLogger("gunicorn.test"))
    served = store.DirectoryStore(
        referrals_file, check_every=0, state_dir=tmp_path / "state", learn_apart=True
    )
    try:
        before = served.in_service
        # the server is stopped mid-reload: its learner gets the SIGTERM first
        boot = learning.BOOT
        monkeypatch.setattr(learning, "BOOT", "import os, signal; os.kill(os.getpid(), 15)")
        # a new example and a new number: the model must be learned again, not read back
        example = "        - i been in the life since i was 15 and idk how to get out\n"
        text = edited(referrals_file)
        assert text.count(example) == 1
        text = text.replace(example, example + "        - he makes me work the blade every night\n")
        save(referrals_file, text)
        signalled, stale = conf._check(master, served, None, set())  # the watcher sees the edit
        assert hups == [signal.SIGHUP]
        with caplog.at_level(logging.INFO):
            assert served.refresh() is before  # pre_fork: no model learned here, none refused
        assert served.problem is None
        assert "the reload stopped with its learner" in caplog.text
        assert "learning it here" not in caplog.text
        monkeypatch.setattr(learning, "BOOT", boot)  # a server that was not stopping after all
        signalled, stale = conf._check(master, served, signalled, stale)
        assert served.refresh() is before  # the next fork builds nothing during the pause
        assert hups == [signal.SIGHUP]  # nor does the watcher signal the edit again
        served._paused_until = 0.0  # a minute later
        conf._check(master, served, signalled, stale)
        assert hups == [signal.SIGHUP, signal.SIGHUP]  # the edit is signalled afresh
        assert "800-555-0199" in served.refresh().directory.resources["runaway_safeline"].call
    finally:
        served.close()


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="reads /proc/PID/task/TID/children (Linux, CONFIG_PROC_CHILDREN)",
)
def test_a_store_learning_apart_serves_the_model_and_leaves_no_learner_behind(
    referrals_file, tmp_path
):
    before = children()
    served = store.DirectoryStore(
        referrals_file, check_every=0, state_dir=tmp_path / "state", learn_apart=True
    )
    try:
        text = "my uncle does things to me i hate when my mom is at work"  # only the model knows
        assert "abuse" in served.in_service.index.match(text).topics
        save(referrals_file, referrals_file.read_text(encoding="utf-8") + "\n  - [broken\n")
        served.refresh()  # refused: the learner started for it must not outlive the build
        assert served.problem is not None
        assert "abuse" in served.in_service.index.match(text).topics  # the last good one
        assert children() <= before
    finally:
        served.close()
