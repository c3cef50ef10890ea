"""Property tests: whatever Twilio, a texter or a staff editor sends, the bot answers sanely."""

import http.client
import os
import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import make_server

from app import create_app
from app.cli import main
from app.matching import build_index
from app.replies import OPT_OUT, answer_text, keyword_of
from app.segments import GSM_BASIC, GSM_EXTENSION, count_segments
from app.validation import load_text
from conftest import TOKEN, fixture_text, sign, twiml

HELP_LINE = "800-555-0100"
PHONE = re.compile(r"\b(?:\d{3}-\d{3}-\d{4}|\d{3,6})\b")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Any unicode a phone can send, controls included (lone surrogates cannot be UTF-8 encoded).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
long_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=1600)
# Other fields Twilio adds (From, MessageSid, NumMedia...): any name, any value.
extra_fields = st.dictionaries(
    st.from_regex(r"[A-Z][A-Za-z0-9]{0,20}", fullmatch=True).filter(
        lambda name: name not in ("Body", "Digits", "SpeechResult", "OptOutType")
    ),
    any_text,
    max_size=5,
)
optional = st.one_of(st.none(), any_text)
# Words that should match something, so the fuzzer also walks the matching and composing paths.
PHRASINGS = Path(__file__).with_name("phrasings.tsv").read_text(encoding="utf-8")
phrases = [line.split("\t")[0] for line in PHRASINGS.splitlines()[1:]]
bodies = st.one_of(
    st.none(),
    long_text,
    st.sampled_from(phrases),
    st.lists(st.sampled_from(phrases) | any_text, max_size=30).map(" ".join),
    st.sampled_from(sorted(OPT_OUT)).map(str.upper),
)


def form(body: str | None, digits: str | None, speech: str | None, extra: dict) -> dict:
    """Return the fields of a Twilio webhook; None leaves a field out."""
    fields = {"Body": body, "Digits": digits, "SpeechResult": speech}
    return {**extra, **{name: value for name, value in fields.items() if value is not None}}


def first_number(root: ET.Element) -> str | None:
    """Return the first phone number in a TwiML document's text, as written."""
    found = PHONE.search(" ".join(root.itertext()))
    return found.group() if found else None


@FUZZ
@given(body=bodies, digits=optional, speech=optional, extra=extra_fields)
def test_any_text_gets_the_help_line_first(signed_post, caplog, body, digits, speech, extra):
    caplog.clear()
    response = signed_post("/sms", form(body, digits, speech, extra))
    root = twiml(response)
    assert not [r for r in caplog.records if "handler failed" in r.getMessage()]
    if keyword_of(body or "") in OPT_OUT:
        assert len(root) == 0  # Twilio confirms the opt-out itself
    else:
        assert [child.tag for child in root] == ["Message"]
        assert first_number(root) == HELP_LINE


@FUZZ
@given(digits=optional, speech=optional, extra=extra_fields)
def test_any_call_input_gets_the_help_line(signed_post, caplog, digits, speech, extra):
    pytest.importorskip("app.voice")
    caplog.clear()
    response = signed_post("/voice", form(None, digits, speech, extra))
    root = twiml(response)
    assert not [r for r in caplog.records if "handler failed" in r.getMessage()]
    spoken_digits = re.sub(r"\D", "", ET.tostring(root, encoding="unicode"))
    assert HELP_LINE.replace("-", "") in spoken_digits


FIXTURE_LINES = fixture_text().splitlines(keepends=True)


@st.composite
def mutated_directory(draw) -> str:
    """Return the fixture file with one edit a tired staff member might make."""
    lines = list(FIXTURE_LINES)
    n = draw(st.integers(0, len(lines) - 1))
    edit = draw(st.sampled_from(["delete", "duplicate", "indent", "replace", "truncate"]))
    if edit == "delete":
        del lines[n]
    elif edit == "duplicate":
        lines.insert(n, lines[n])
    elif edit == "indent":
        stripped = lines[n].lstrip(" ")
        lines[n] = " " * draw(st.integers(0, 12)) + stripped
    elif edit == "replace":
        if lines[n].strip():
            at = draw(st.integers(0, len(lines[n].rstrip("\n")) - 1))
            char = draw(
                st.characters(exclude_categories=("Cs",)) | st.sampled_from(":-[]{}#&*!|>'\"\t")
            )
            lines[n] = lines[n][:at] + char + lines[n][at + 1 :]
    else:
        text = "".join(lines)
        return text[: draw(st.integers(0, len(text)))]
    return "".join(lines)


@FUZZ
@given(text=mutated_directory())
def test_check_never_shows_a_traceback(tmp_path, text):
    path = tmp_path / "referrals.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code == 0:
        assert f"{path}: OK:" in result.output
    else:
        assert result.exit_code == 1
        assert re.search(rf"^{re.escape(str(path))}:\d+: ", result.output, re.M)


def changed_numbers(text: str) -> str:
    """Return the directory with the trafficking topic's two numbers changed."""
    changed = text.replace("888-555-0103", "888-373-0000").replace("888-555-0110", "888-555-0000")
    assert changed.count("-0000") == 2
    return changed


def test_reload_under_load_serves_one_whole_directory(referrals_file):
    old_text = referrals_file.read_text(encoding="utf-8")
    new_text = changed_numbers(old_text)
    old_answer, new_answer = (
        answer_text(directory, build_index(directory), "he is trafficking me").body
        for directory in (load_text(old_text), load_text(new_text))
    )
    assert old_answer != new_answer
    expected = (old_answer, new_answer)

    app = create_app(
        {
            "DEMO_MODE": False,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "REFERRALS_PATH": str(referrals_file),
            "RELOAD_SECONDS": 0.05,  # the watcher thread runs, started by the first text
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    data = {"Body": "he is trafficking me", "From": "+15550100"}
    signature = sign(f"http://127.0.0.1:{server.port}/sms", data)
    body = urlencode(data)
    answers: list[str] = []
    served = {answer: threading.Event() for answer in expected}
    finished = threading.Event()
    enough = threading.Event()  # every texter has had a turn, several times over

    def texter() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            while not finished.is_set():
                connection.request("POST", "/sms", body, headers)
                response = connection.getresponse()
                assert response.status == 200
                answer = ET.fromstring(response.read()).find("Message").text
                answers.append(answer)
                if len(answers) >= 8 * 6:
                    enough.set()
                if answer in served:
                    served[answer].set()
        finally:
            connection.close()

    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
    }
    texters = [threading.Thread(target=texter) for _ in range(8)]
    for thread in texters:
        thread.start()
    try:
        # Switch only once the last switch is being served: a file replaced faster than it can
        # be read is, by design, left for the next check.
        for n in range(6):
            text, answer = (new_text, new_answer) if n % 2 == 0 else (old_text, old_answer)
            served[answer].clear()
            staging = referrals_file.with_suffix(f".{n}.tmp")
            staging.write_text(text, encoding="utf-8")
            os.replace(staging, referrals_file)
            assert served[answer].wait(timeout=30), f"rewrite {n} was never picked up"
        assert enough.wait(timeout=30)
    finally:
        finished.set()
        for thread in texters:
            thread.join()
        server.shutdown()
        server.server_close()
        app.extensions["referrals"].close()

    assert answers.count(old_answer) + answers.count(new_answer) == len(answers)


def segments_one_by_one(body: str) -> tuple[str, int, int]:
    """Count segments character by character, as the carriers' rule is written."""
    gsm = all(char in GSM_BASIC or char in GSM_EXTENSION for char in body)
    encoding, single, part = ("GSM-7", 160, 153) if gsm else ("UCS-2", 70, 67)
    sizes = [2 if (char in GSM_EXTENSION if gsm else ord(char) > 0xFFFF) else 1 for char in body]
    if sum(sizes) <= single:
        return encoding, 1 if body else 0, sum(sizes)
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return encoding, count, sum(sizes)


@FUZZ
@given(
    body=st.text(
        st.sampled_from(sorted(GSM_BASIC | GSM_EXTENSION)) | st.characters(codec="utf-8"),
        max_size=700,
    )
)
def test_segment_count_follows_the_carriers_rule(body):
    segments = count_segments(body)
    assert (segments.encoding, segments.count, segments.units) == segments_one_by_one(body)
