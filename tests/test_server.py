"""The Procfile's own server on loopback: slow clients cannot starve it, requests cannot forge logs.

The test binds the listening socket itself and hands it to gunicorn (`--bind fd://N`), so a
request sent before the workers have booted waits in the backlog: nothing polls for readiness.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import TOKEN, fixture_text, sign

ROOT = Path(__file__).resolve().parent.parent
HELD = 50  # the goal: 50 slow or idle connections do not delay a text
ANSWER_TIMEOUT = 10  # seconds; a sync worker waits on an idle client for 30
FORGED = "\r\nFORGED 200 0.1s\x1b[2J"  # CR, LF and the ANSI "clear screen" escape


def procfile_command() -> str:
    (line,) = [
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    ]
    return line.removeprefix("web:").strip()


class Gunicorn:
    """The Procfile's command on an already-listening loopback socket; its output in files."""

    def __init__(self, tmp_path: Path):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=2 * HELD)
        self.port = self.listener.getsockname()[1]
        referrals = tmp_path / "referrals.yaml"
        referrals.write_text(fixture_text(), encoding="utf-8")
        command = procfile_command().replace(
            "0.0.0.0:${PORT:-5000}", f"fd://{self.listener.fileno()}"
        )
        assert "fd://" in command, f"the Procfile's --bind is not 0.0.0.0:$PORT: {command}"
        self.home = tmp_path / "home"  # where gunicorn would put a control socket
        self.home.mkdir()
        env = {
            **os.environ,
            "HOME": str(self.home),
            "TWILIO_AUTH_TOKEN": TOKEN,
            "REFERRALS_PATH": str(referrals),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        env.pop("DEMO_MODE", None)
        self.stdout, self.stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                ["sh", "-c", "exec " + command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
                pass_fds=[self.listener.fileno()],
                start_new_session=True,
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def post_signed(self, path: str, form: dict) -> tuple[int, bytes]:
        """Post `form` signed for this server's URL on a fresh connection; return status, body."""
        body = urlencode(form).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {sign(self.url(path), form)}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        return self.send(head.encode() + body)

    def send(self, request: bytes) -> tuple[int, bytes]:
        with socket.create_connection(("127.0.0.1", self.port), timeout=ANSWER_TIMEOUT) as conn:
            conn.sendall(request)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        status = int(answer.split(b" ", 2)[1])
        return status, answer.partition(b"\r\n\r\n")[2]

    def stop(self) -> tuple[bytes, bytes]:
        """Stop the server (its logs are then complete); return its stdout and stderr."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.listener.close()
        return self.stdout.read_bytes(), self.stderr.read_bytes()


@pytest.fixture
def server(tmp_path):
    started = Gunicorn(tmp_path)
    yield started
    started.stop()


def text(body: str) -> dict:
    return {"From": "+15550100", "To": "+15550199", "MessageSid": "SM" + "0" * 32, "Body": body}


def test_a_text_is_answered_while_fifty_slow_and_idle_connections_are_held(server):
    held = []
    try:
        for n in range(HELD):
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            if n % 2:  # half send the start of a request and then nothing more
                connection.sendall(b"POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
            held.append(connection)
        status, body = server.post_signed("/sms", text("i ran away"))
    finally:
        for connection in held:
            connection.close()
    assert status == 200
    message = ET.fromstring(body).findtext("Message")
    assert message.startswith("24/7 Help Line"), message


def test_no_control_character_from_a_request_reaches_the_log_raw(server):
    # The access log prints the decoded path; the voice log prints the signed Digits.
    status, _ = server.send(
        b"GET /nothing%0d%0aFORGED%2000%1b[2J HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status == 404
    form = {"CallSid": "CA" + "0" * 32, "From": "+15550100", "Digits": FORGED}
    status, _ = server.post_signed("/voice/menu?lang=en&misses=0", form)
    assert status == 200
    stdout, stderr = server.stop()
    log = stdout + stderr
    for raw in (b"\r", b"\x1b"):
        assert raw not in log
    assert not re.search(rb"^FORGED", log, re.MULTILINE)
    # ...and both were logged, escaped: the test would notice a log that dropped them.
    assert rb"/nothing\r\nFORGED 00\x1b[2J 404" in stdout
    assert rb"digits=\r\nFORGED 200 0.1s\x1b[2J speech=no" in stderr


def test_the_server_opens_no_control_socket_in_the_users_home(server):
    status, _ = server.post_signed("/sms", text("hungry"))
    assert status == 200  # booted and serving
    assert not (server.home / ".gunicorn").exists()  # gunicorn 27 puts its socket there


def mapped_files(pid: int) -> str:
    """Return the paths a process has mapped into its memory (its loaded libraries)."""
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_the_model_is_learned_apart_and_the_server_keeps_only_what_was_learned(server):
    # No keyword in it: only the model learned from the fixture's examples finds the topic.
    status, body = server.post_signed(
        "/sms", text("my uncle does things to me i hate when my mom is at work")
    )
    assert status == 200
    assert "800-555-0105" in ET.fromstring(body).findtext("Message")  # the fixture's abuse line
    master = server.process.pid  # sh execs gunicorn: the same process
    workers = [
        int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ]
    assert workers
    for pid in (master, *workers):
        maps = mapped_files(pid)
        assert "/numpy/" in maps  # what scoring needs is there...
        assert "/sklearn/" not in maps  # ...and what learning needed is not
        assert "/scipy/" not in maps
