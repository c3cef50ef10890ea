"""Calls walked as Twilio drives them: each step posts to the last <Gather>'s signed action URL."""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from werkzeug.datastructures import MultiDict

from app import speech
from app.cli import main
from app.replies import answer_text
from app.voice import MAX_TOPICS
from conftest import BASE_URL, sign, twiml

HELP_LINE = "800-555-0100"
HELP_LINE_SPOKEN = "8 0 0, 5 5 5, 0 1 0 0"
TTY_SPOKEN = "5 6 2, 5 5 5, 0 1 9 9"
LEAD = ["help_line", "lifeline_988", "youth_crisis_line"]
CALL = {"CallSid": "CA0123456789", "From": "+15550100", "To": "+15550199"}


def said(root) -> list[str]:
    return [say.text for say in root.iter("Say")]


def languages(root) -> set[str]:
    return {say.get("language") for say in root.iter("Say")}


def dialled(root) -> str | None:
    dial = root.find("Dial")
    return dial.text if dial is not None else None


def after_gather(root) -> list[str]:
    """Return the verbs Twilio runs when the caller says and presses nothing."""
    tags = [child.tag for child in root]
    return tags[tags.index("Gather") + 1 :]


@pytest.fixture
def call(signed_post):
    """Start a call; `call.press(root, key)` and `call.speak(root, words)` answer its Gather."""

    class Call:
        def start(self):
            return twiml(signed_post("/voice", CALL))

        def answer(self, root, **fields):
            action = root.find("Gather").get("action")
            assert action.startswith("/voice/")
            return twiml(signed_post(action, {**CALL, **fields}))

        def press(self, root, *keys):
            for key in keys:
                root = self.answer(root, Digits=key)
            return root

        def speak(self, root, words):
            return self.answer(root, SpeechResult=words, Confidence="0.91")

    return Call()


@pytest.fixture
def snapshot(app):
    return app.extensions["referrals"].current()


def spoken_order(root, directory) -> list[str]:
    """Return the resources an answer reads out, by the first number read after each name."""
    by_number = {}
    for rid, resource in directory.resources.items():
        by_number.setdefault(re.sub(r"\D", "", resource.call or resource.text_number), rid)
    order = []
    for text in said(root):
        if ": " not in text:
            continue
        numbers = text.split(": ", 1)[1]
        assert not re.search(r"\d\d", numbers), f"not read digit by digit: {text}"
        digits = re.sub(r"\D", "", numbers)
        order += [rid for number, rid in by_number.items() if digits.startswith(number)][:1]
    return order


def sms_order(snapshot, text: str) -> list[str]:
    reply = answer_text(snapshot.directory, snapshot.index, text)
    assert reply.left_out == ()  # otherwise SMS lists fewer topics than a call does
    by_name = {r.short(reply.language): rid for rid, r in snapshot.directory.resources.items()}
    return [by_name[line.split(": ")[0]] for line in reply.body.splitlines() if ": " in line]


def test_greeting_says_who_911_help_line_tty_then_menu(call, snapshot):
    root = call.start()
    text = " ".join(said(root))
    assert "Department of Mental Health" in text
    assert "If you are in danger, hang up and call 9 1 1." in text
    assert f"The 24-hour Help Line is {HELP_LINE_SPOKEN}." in text
    assert f"deaf or hard of hearing, the Help Line's TTY number is {TTY_SPOKEN}" in text
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-US"
    menu = said(gather)
    for topic in snapshot.directory.topics:
        assert f"For {topic.label('en')}, press {topic.ivr_digit}." in menu
    assert "To talk to the Help Line now, press 0." in menu
    spanish = [say for say in gather.iter("Say") if say.text == "Para español, marca 9."]
    assert [say.get("language") for say in spanish] == ["es-MX"]


def test_speech_hints_are_a_short_list_of_each_topics_keywords(call, snapshot):
    hints = call.start().find("Gather").get("hints").split(", ")
    keywords = {t.id: set(t.keywords["en"]) for t in snapshot.directory.topics}
    assert len(hints) <= 5 * len(keywords)
    assert all(any(hint in words for words in keywords.values()) for hint in hints)
    assert all(set(hints) & words for words in keywords.values())


@pytest.mark.parametrize(
    ("key", "then"),
    [
        ("1", ["crisis_text_line"]),
        ("2", ["trafficking_hotline", "la_metro_taskforce"]),
        ("3", ["runaway_safeline", "la_211"]),
        ("4", ["child_abuse_hotline"]),
        ("5", ["missing_children"]),
        ("6", ["la_211"]),
        ("7", ["crisis_text_line"]),
    ],
)
def test_a_key_reads_the_help_line_first_then_the_topics_numbers(call, snapshot, key, then):
    root = call.press(call.start(), key)
    assert spoken_order(root, snapshot.directory) == LEAD + then
    options = said(root.find("Gather"))
    assert options[-3:] == [
        "To hear these numbers again, press 1.",
        "To talk to the Help Line now, press 0.",
        "For the menu, press star.",
    ]


@pytest.mark.parametrize(
    ("words", "spanish", "topic_label"),
    [
        ("I ran away", False, "running away"),
        ("trafficking", False, "trafficking or being exploited"),
        ("my boyfriend sells me and I ran away", False, "trafficking or being exploited and"),
        ("somebody hits me", False, "abuse at home"),
        ("me escapé de casa", True, "huir de casa"),
        ("me vendieron", True, "trata de personas"),
        ("mi padrastro me pega", True, "abuso o maltrato"),
    ],
)
def test_a_spoken_answer_reads_numbers_in_the_sms_order(
    call, snapshot, words, spanish, topic_label
):
    root = call.start()
    if spanish:
        root = call.press(root, "9")
    root = call.speak(root, words)
    assert topic_label in said(root)[0]
    assert spoken_order(root, snapshot.directory)[0] == "help_line"
    assert spoken_order(root, snapshot.directory) == sms_order(snapshot, words)
    assert languages(root) == ({"es-MX"} if spanish else {"en-US"})


def test_spanish_after_9_the_whole_call_is_in_spanish(call):
    root = call.press(call.start(), "9")
    assert languages(root) == {"es-MX"}
    assert root.find("Gather").get("language") == "es-MX"
    assert "lang=es" in root.find("Gather").get("action")
    text = said(root)
    assert "Si estás en peligro, cuelga y llama al 9 1 1." in text
    assert f"La Línea de Ayuda, abierta las 24 horas, es el {HELP_LINE_SPOKEN}." in text
    assert "Para trata de personas o explotación, marca 2." in text
    assert not any("español" in line for line in text)

    answer = call.press(root, "2")
    assert languages(answer) == {"es-MX"}
    assert f"Línea de Ayuda de 24 horas: {HELP_LINE_SPOKEN} (TTY {TTY_SPOKEN})." in said(answer)
    assert "Para volver al menú, marca asterisco." in said(answer)

    sorry = call.press(answer, "8")
    assert said(sorry)[0] == "Perdón, no te entendí."
    assert languages(sorry) == {"es-MX"}


@pytest.mark.parametrize("spanish", [False, True])
def test_0_in_the_menu_dials_the_help_line(call, spanish):
    root = call.start()
    if spanish:
        root = call.press(root, "9")
    connected = call.press(root, "0")
    assert dialled(connected) == HELP_LINE
    assert connected.find("Gather") is None
    assert languages(connected) == ({"es-MX"} if spanish else {"en-US"})


@pytest.mark.parametrize(
    ("steps", "expect"),
    [
        (["2", "1"], "again"),
        (["2", "0"], "dial"),
        (["2", "*"], "menu"),
        (["3", "8", "1"], "again"),
        (["3", "8", "8", "8"], "dial"),
    ],
)
def test_keys_after_an_answer(call, snapshot, steps, expect):
    first = call.press(call.start(), steps[0])
    root = call.press(first, *steps[1:])
    if expect == "again":
        assert spoken_order(root, snapshot.directory) == spoken_order(first, snapshot.directory)
    elif expect == "dial":
        assert dialled(root) == HELP_LINE
        assert root.find("Gather") is None
    else:
        assert "To talk to the Help Line now, press 0." in said(root.find("Gather"))
        assert root.find("Gather").get("action").startswith("/voice/menu")


def test_silence_after_the_menu_or_an_answer_connects_rather_than_hangs_up(call):
    greeting = call.start()
    answer = call.press(greeting, "4")
    for root in (greeting, answer):
        assert after_gather(root)[-1] == "Dial"
        assert set(after_gather(root)) == {"Say", "Dial"}
        assert dialled(root) == HELP_LINE


@pytest.mark.parametrize(
    "miss",
    [{"Digits": "8"}, {"Digits": "#"}, {"SpeechResult": "purple elephants", "Confidence": "0.8"}],
)
def test_three_misses_say_sorry_twice_then_connect(call, miss):
    root = call.start()
    for _ in range(2):
        root = call.answer(root, **miss)
        assert said(root)[0] == "Sorry, I did not get that."
        assert "For a missing child, press 5." in said(root.find("Gather"))
    root = call.answer(root, **miss)
    assert dialled(root) == HELP_LINE
    assert root.find("Gather") is None


def test_a_good_key_after_a_miss_still_answers(call, snapshot):
    root = call.press(call.start(), "8", "5")
    assert spoken_order(root, snapshot.directory) == [*LEAD, "missing_children"]


@pytest.mark.parametrize("path", ["/voice", "/voice/menu?lang=en&misses=0", "/voice/answer"])
def test_unsigned_or_forged_requests_are_refused(client, signed_post, path):
    assert client.post(path, data=CALL, base_url=BASE_URL).status_code == 403
    assert signed_post(path, {**CALL, "Digits": "0"}, token="not-the-token").status_code == 403


def test_a_changed_query_string_breaks_the_signature(client):
    signature = sign(BASE_URL + "/voice/menu?lang=en&misses=0", {**CALL, "Digits": "2"})
    response = client.post(
        "/voice/menu?lang=es&misses=0",
        data={**CALL, "Digits": "2"},
        base_url=BASE_URL,
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/voice", "/voice/menu", "/voice/answer"])
def test_get_is_not_allowed(client, path):
    assert client.get(path, base_url=BASE_URL).status_code == 405


@pytest.mark.parametrize(
    ("broken", "path", "fields"),
    [
        ("greeting", "/voice", {}),
        ("topics_heard", "/voice/menu?lang=en&misses=0", {"Digits": "2"}),
        ("answer", "/voice/answer?lang=es&topic=abuse&misses=0", {"Digits": "1"}),
    ],
)
def test_a_failure_inside_the_handler_still_connects_to_the_help_line(
    signed_post, monkeypatch, broken, path, fields
):
    def boom(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(speech, broken, boom)
    root = twiml(signed_post(path, {**CALL, **fields}))
    assert dialled(root) == HELP_LINE
    said = root.find("Say")
    assert HELP_LINE_SPOKEN in said.text
    assert said.get("language") == ("es-MX" if "lang=es" in path else "en-US")


def test_logs_keys_and_topics_but_never_the_number_or_the_words(call, caplog):
    caplog.set_level(logging.INFO, logger="app.voice")
    call.speak(call.start(), "my pimp took my id and I ran away")
    assert "topics=trafficking,runaway" in caplog.text
    assert CALL["From"] not in caplog.text
    assert "pimp" not in caplog.text


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        ("800-555-0100", HELP_LINE_SPOKEN),
        ("988", "9 8 8"),
        ("233733", "2 3 3 7 3 3"),
        ("213-555-0106", "2 1 3, 5 5 5, 0 1 0 6"),
    ],
)
def test_numbers_are_read_digit_by_digit(number, spoken):
    assert speech.spoken_number(number) == spoken


@pytest.mark.parametrize(
    ("text", "expect", "language"),
    [
        ("i ran away", "Runaway Safeline: 8 0 0, 5 5 5, 0 1 0 8 or text 6 6 0 0 8.", "en"),
        ("trafficking", "Human Trafficking Hotline: 8 8 8, 5 5 5, 0 1 0 3", "en"),
        ("me escapé de casa", "Línea para Jóvenes Fugados: 8 0 0, 5 5 5, 0 1 0 8", "es"),
        ("hello there", "Sorry, I did not get that.", "en"),
    ],
)
def test_cli_ask_voice_shows_what_a_caller_hears(referrals_file, text, expect, language):
    result = CliRunner().invoke(main, ["ask", "--voice", text, "--path", str(referrals_file)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("BOT [en]: Hi.")
    said_after = lines[[n for n, line in enumerate(lines) if line.startswith("CALLER")][-1] + 1 :]
    assert any(expect in line for line in said_after)
    spoken = [line for line in said_after if "Para español" not in line]
    assert all(line.startswith(f"BOT [{language}]") for line in spoken)
    if expect.startswith("Sorry"):
        return
    assert HELP_LINE_SPOKEN in said_after[1]


@pytest.mark.parametrize(
    ("topics", "carried"),
    [
        (["abuse"] * 50 + ["runaway"], ["abuse", "runaway"]),
        (
            ["trafficking", "abuse", "missing", "runaway", "crisis", "basic_needs"] * 2,
            ["trafficking", "abuse", "missing", "runaway"],  # MAX_TOPICS
        ),
    ],
)
def test_an_answers_action_url_carries_each_topic_once_and_a_few_at_most(
    signed_post, topics, carried
):
    query = "&".join(f"topic={topic}" for topic in topics)
    root = twiml(signed_post(f"/voice/answer?lang=en&{query}&misses=0", {**CALL, "Digits": "1"}))
    action = urlsplit(root.find("Gather").get("action"))
    assert parse_qs(action.query)["topic"] == carried
    assert len(carried) <= MAX_TOPICS


@pytest.mark.parametrize("field", ["Digits", "SpeechResult"])
def test_a_field_posted_twice_is_refused(signed_post, field):
    form = MultiDict([*CALL.items(), (field, "2"), (field, "1")])
    assert signed_post("/voice/menu?lang=en&misses=0", form).status_code == 400
