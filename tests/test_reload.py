"""Staff edits reach a running server without a restart; broken edits never stop service."""

import logging
import os

import pytest

from app import create_app
from app.validation import DirectoryError
from conftest import RECENT, twiml


def reply_to(signed_post, text):
    return twiml(signed_post("/sms", {"Body": text, "From": "+15550100"})).find("Message").text


def save(path, text):
    """Write like an editor and bump the modification time so a same-second save is seen."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_edit_is_served_without_a_restart(referrals_file, signed_post):
    assert "800-555-0108" in reply_to(signed_post, "i ran away")
    save(referrals_file, referrals_file.read_text().replace("800-555-0108", "800-555-0199"))
    reply = reply_to(signed_post, "i ran away")
    assert "800-555-0199" in reply
    assert "800-555-0108" not in reply


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
        reply = reply_to(signed_post, "i ran away")
    assert reply.startswith("24/7 Help Line: 800-555-0100")
    assert "800-555-0108" in reply
    assert str(referrals_file) in caplog.text
    assert "last good directory" in caplog.text
    assert app.extensions["referrals"].problem is not None


def test_a_deleted_file_keeps_the_last_good_directory(app, referrals_file, signed_post, caplog):
    referrals_file.unlink()
    with caplog.at_level(logging.WARNING):
        assert "800-555-0108" in reply_to(signed_post, "i ran away")
    assert "cannot be read" in caplog.text


def test_fixing_the_file_clears_the_problem(app, referrals_file, signed_post):
    good = referrals_file.read_text()
    save(referrals_file, "topics: [")
    reply_to(signed_post, "hi")
    assert app.extensions["referrals"].problem is not None
    save(referrals_file, good.replace("800-555-0108", "800-555-0199"))
    assert "800-555-0199" in reply_to(signed_post, "i ran away")
    assert app.extensions["referrals"].problem is None


def test_the_file_is_not_re_read_between_checks(referrals_file, signed_post, app):
    app.extensions["referrals"].check_every = 3600
    save(referrals_file, referrals_file.read_text().replace("800-555-0108", "800-555-0199"))
    assert "800-555-0108" in reply_to(signed_post, "i ran away")


def test_booting_on_a_broken_file_fails_with_file_and_line(referrals_file):
    text = referrals_file.read_text()
    referrals_file.write_text(text.replace("call: 800-555-0102", "call: 800-843-520"))
    with pytest.raises(DirectoryError) as raised:
        create_app({"TWILIO_AUTH_TOKEN": "x", "REFERRALS_PATH": str(referrals_file)})
    assert f"{referrals_file}:" in str(raised.value)
    assert "is not a phone number" in str(raised.value)


def test_booting_without_a_token_names_the_variable(referrals_file, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN"):
        create_app({"REFERRALS_PATH": str(referrals_file)})
