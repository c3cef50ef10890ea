"""Resources on file but never sent, and lines reached differently by language.

The tests' directory keeps an unconfirmed L.A. Metro line and Help Line TTY and a retired crisis
line on file: no text, call or preview may give them.
"""

import html
import re

import pytest

from app.replies import compose_help, contact
from app.speech import spoken_number
from app.validation import load_text
from conftest import fixture_text, twiml

NOT_SENT = {
    "la_metro_taskforce": "800-555-0104",  # unconfirmed, listed for trafficking
    "help_line_tty": "562-555-0199",  # unconfirmed, the Help Line's old TTY
    "old_crisis_line": "800-555-0112",  # retired, listed for crisis
}
WORDS = ["SAFE", "ABUSE", "MISSING", "RUNAWAY", "CRISIS", "FOOD", "TALK"]
WORDS_ES = ["SEGURA", "ABUSO", "DESAPARECIDO", "FUGA", "CRISIS", "COMIDA", "HABLAR"]
TEXTS = [
    *WORDS,
    *WORDS_ES,
    "HELP",
    "START",
    "hello?",
    "my pimp sells me, i want to die and i ran away",
    "me explotan y quiero morir",
]
CALL = {"CallSid": "CA0123456789", "From": "+15550100", "To": "+15550199"}


def sms(signed_post, body: str) -> str:
    return twiml(signed_post("/sms", {"Body": body, "From": "+15550100"})).findtext("Message")


def said(root) -> str:
    return " ".join(say.text for say in root.iter("Say"))


def press(signed_post, root, key: str):
    return twiml(signed_post(root.find("Gather").get("action"), {**CALL, "Digits": key}))


def call(signed_post, spanish: bool = False):
    root = twiml(signed_post("/voice", CALL))
    return press(signed_post, root, "9") if spanish else root


@pytest.mark.parametrize("text", TEXTS)
def test_a_resource_on_file_is_never_texted(signed_post, text):
    reply = sms(signed_post, text)
    assert "800-555-0100" in reply  # a real reply, with the Help Line
    for number in NOT_SENT.values():
        assert number not in reply, reply
    assert "Metro" not in reply


def test_the_topic_that_lists_an_unconfirmed_line_sends_the_others(signed_post):
    reply = sms(signed_post, "SAFE")
    assert reply.index("888-555-0103") < reply.index("888-555-0110") < reply.index("Call 911")


@pytest.mark.parametrize("spanish", [False, True])
@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5", "6", "7"])
def test_a_resource_on_file_is_never_read_to_a_caller(signed_post, spanish, key):
    greeting = call(signed_post, spanish)
    answer = press(signed_post, greeting, key)
    assert spoken_number("800-555-0100") in said(answer)
    for root in (greeting, answer):
        for number in NOT_SENT.values():
            assert spoken_number(number) not in said(root)


def staff_page(app, text: str, language: str) -> str:
    app.config["STAFF_PASSWORD"] = "pw"
    response = app.test_client().post(
        "/", data={"text": text, "language": language}, auth=("staff", "pw")
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, element_id: str) -> str:
    found = re.search(rf'<(pre|section|article)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, element_id
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(2)))


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("text", ["trafficking", "i want to die", "HELP"])
def test_the_preview_never_shows_a_resource_on_file_as_sent(app, text, language):
    page = staff_page(app, text, language)
    reply, voice = section(page, "reply"), section(page, "voice")
    assert "800-555-0100" in reply
    for number in NOT_SENT.values():
        assert number not in reply
        assert spoken_number(number) not in voice


def test_the_staff_page_lists_resources_on_file_apart_with_why(app):
    page = staff_page(app, "trafficking", "auto")
    on_file = page[page.index('id="on-file-heading"') :]
    sent = page[: page.index('id="on-file-heading"')]
    for rid, number in NOT_SENT.items():
        assert f'id="r-{rid}"' in on_file
        assert f'id="r-{rid}"' not in sent
        assert number in on_file
    assert "a police tip line" in on_file  # the fixture's reason
    assert "retired" in on_file and "unconfirmed" in on_file
    topic = section(page, "t-trafficking")
    assert "Not sent: L.A. Metro Taskforce (unconfirmed)" in " ".join(topic.split())


# (text, what the reply must say, what it must not)
BY_LANGUAGE = [
    ("I want to kill myself", ["call or text 988", "text HOME to 741741"], ["AYUDA", "press"]),
    (
        "quiero morir",
        ["Línea 988: llama al 988 (marca 2) o textea AYUDA al 988", "textea AYUDA al 741741"],
        ["HOME"],
    ),
    ("hello?", ["988 Suicide & Crisis Lifeline: call or text 988"], ["AYUDA"]),
    ("hola, que tal", ["llama al 988 (marca 2) o textea AYUDA al 988"], ["call or text"]),
]


@pytest.mark.parametrize(("text", "says", "never"), BY_LANGUAGE)
def test_texts_give_each_language_its_own_way_in(signed_post, text, says, never):
    reply = sms(signed_post, text)
    for phrase in says:
        assert phrase in reply, reply
    for phrase in never:
        assert phrase not in reply, reply


@pytest.mark.parametrize(
    ("spanish", "says"),
    [
        (False, ["call or text 9 8 8.", "Crisis Text Line: text HOME to 7 4 1 7 4 1."]),
        (
            True,
            [
                "Línea 9 8 8: llama al 9 8 8 (marca 2) o textea AYUDA al 9 8 8.",
                "Crisis Text Line: textea AYUDA al 7 4 1 7 4 1.",
            ],
        ),
    ],
)
def test_callers_hear_their_own_languages_way_in(signed_post, spanish, says):
    answer = press(signed_post, call(signed_post, spanish), "1")
    for phrase in says:
        assert phrase in said(answer), said(answer)
    assert ("HOME" in said(answer)) is not spanish


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "24/7 Help Line: 800-555-0100 (deaf or hard of hearing: dial 711)"),
        ("es", "Línea de Ayuda 24/7: 800-555-0100 (sordos: marca 711)"),
    ],
)
def test_help_tells_deaf_texters_to_dial_711(language, line):
    # HELP is answered in English by text; the Spanish reply is composed the same way.
    reply = compose_help(load_text(fixture_text()), language)
    assert line in reply.body.splitlines()
    assert "TTY" not in reply.body


def test_the_help_reply_by_sms_gives_711_not_the_unconfirmed_tty(signed_post):
    reply = sms(signed_post, "HELP")
    assert "dial 711" in reply.splitlines()[1]
    assert "TTY" not in reply


def test_a_resource_without_a_number_gives_its_address_or_tty():
    directory = load_text(fixture_text())
    assert contact(directory.resources["take_it_down"], "es") == "takeitdown.example.org"
    assert contact(directory.on_file["help_line_tty"], "en", tty=False) == "TTY 562-555-0199"
    assert contact(directory.resources["child_abuse_hotline"], "en").endswith("(TTY 800-555-0111)")
