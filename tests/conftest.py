import datetime
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from app import create_app

TOKEN = "test-auth-token"
BASE_URL = "https://bot.example.org"
# The staff's file: only tests/test_shipped.py reads it, with checks that hold for any valid edit.
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "referrals.yaml"
# The tests' own directory: fictional numbers, the shape of the shipped file.
FIXTURE = Path(__file__).resolve().parent / "data" / "referrals.yaml"
VERIFIED = re.compile(r"^(\s*verified: )\d{4}-\d{2}-\d{2}", re.MULTILINE)
RECENT = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()


def fixture_text() -> str:
    """Return the fixture directory, every resource verified a month ago (never stale)."""
    return VERIFIED.sub(rf"\g<1>{RECENT}", FIXTURE.read_text(encoding="utf-8"))


def alias_bomb(path: Path) -> Path:
    """Write the "billion laughs": nine lines that stand for 9**8 strings once aliases expand."""
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * 9) + "]"]
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fifo(path: Path) -> Path:
    """Put a named pipe with no writer in the file's place: reading it would wait forever."""
    os.mkfifo(path)
    return path


def link_to_dev_zero(path: Path) -> Path:
    """Put a link to /dev/zero in the file's place: reading it would never end."""
    path.symlink_to("/dev/zero")
    return path


def fifty_megabytes(path: Path) -> Path:
    """Write a valid directory padded with comments to 50 MB."""
    with path.open("w", encoding="utf-8") as file:
        file.write(fixture_text())
        line = "# " + "padding " * 12 + "\n"
        file.writelines([line] * (50 * 1024 * 1024 // len(line)))
    return path


@pytest.fixture(autouse=True, scope="session")
def state_dir(tmp_path_factory):
    """Keep every app's last good copies in the session's temp dir, not the machine's."""
    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("state")
        patch.setenv("REFERRALS_STATE_DIR", str(path))
        yield path


@pytest.fixture
def referrals_file(tmp_path) -> Path:
    """Return a copy of the tests' directory that a test may edit."""
    target = tmp_path / "referrals.yaml"
    target.write_text(fixture_text(), encoding="utf-8")
    return target


@pytest.fixture
def app(referrals_file):
    return create_app(
        {
            "TESTING": True,
            "DEMO_MODE": False,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "REFERRALS_PATH": str(referrals_file),
            "RELOAD_SECONDS": 0,  # no watcher thread: a test calls refresh() in its place
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


def sign(url: str, data: dict, token: str = TOKEN) -> str:
    """Return the X-Twilio-Signature Twilio would send for `data` posted to `url`."""
    return RequestValidator(token).compute_signature(url, data)


@pytest.fixture
def signed_post(client):
    """Post form data as Twilio would, signed for the URL it is posted to."""

    def post(path: str, data: dict, token: str = TOKEN, headers: dict | None = None):
        signature = sign(BASE_URL + path, data, token)
        return client.post(
            path,
            data=data,
            base_url=BASE_URL,
            headers={"X-Twilio-Signature": signature, **(headers or {})},
        )

    return post


def twiml(response) -> ET.Element:
    """Parse a response as TwiML, checking it is XML with a <Response> root."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root
