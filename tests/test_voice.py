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
RELAY_SPOKEN = "7 1 1"
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
        if resource.call or resource.text_number:
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


def test_greeting_says_who_911_help_line_relay_then_menu(call, snapshot):
    root = call.start()
    text = " ".join(said(root))
    assert "Department of Mental Health" in text
    assert "If you are in danger, hang up and call 9 1 1." in text
    assert f"The 24-hour Help Line is {HELP_LINE_SPOKEN}." in text
    assert f"deaf or hard of hearing, dial {RELAY_SPOKEN} for California Relay" in text
    assert "5 6 2, 5 5 5, 0 1 9 9" not in text  # the unconfirmed TTY number
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-US"
    menu = said(gather)
    for topic in snapshot.directory.topics:
        assert f"For {topic.label('en')}, press {topic.ivr_digit}." in menu
    assert "To talk to the Help Line now, press 0." in menu
    spanish = [say for say in gather.iter("Say") if say.text == "Para español, marca 9."]
    assert [say.get("language") for say in spanish] == ["es-MX"]


def test_speech_hints_are_a_short_list_of_each_topics_keywords_and_spanish(call, snapshot):
    hints = call.start().find("Gather").get("hints").split(", ")
    assert hints[-4:] == ["help line", "operator", "español", "Spanish"]
    hints = hints[:-4]
    keywords = {t.id: set(t.keywords["en"]) for t in snapshot.directory.topics}
    assert len(hints) <= 5 * len(keywords)
    assert all(any(hint in words for words in keywords.values()) for hint in hints)
    assert all(set(hints) & words for words in keywords.values())


@pytest.mark.parametrize(
    ("key", "then"),
    [
        ("1", ["crisis_text_line"]),
        ("2", ["trafficking_hotline", "cast_hotline"]),
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
    english = [say for say in root.iter("Say") if say.get("language") == "en-US"]
    assert [say.text for say in english] == ["For English, press 9."]  # in English, for them
    assert languages(root) == {"es-MX", "en-US"}
    assert root.find("Gather").get("language") == "es-MX"
    assert "lang=es" in root.find("Gather").get("action")
    text = said(root)
    assert "Si estás en peligro, cuelga y llama al 9 1 1." in text
    assert f"La Línea de Ayuda, abierta las 24 horas, es el {HELP_LINE_SPOKEN}." in text
    assert "Para trata de personas o explotación, marca 2." in text
    assert not any("español" in line for line in text)

    answer = call.press(root, "2")
    assert languages(answer) == {"es-MX"}
    help_line = f"Línea de Ayuda de 24 horas: {HELP_LINE_SPOKEN} (sordos: marca {RELAY_SPOKEN})."
    assert help_line in said(answer)
    assert "Para volver al menú, marca asterisco." in said(answer)

    sorry = call.press(answer, "8")
    assert said(sorry)[0] == "Perdón, no te entendí."
    assert languages(sorry) == {"es-MX"}


@pytest.mark.parametrize(
    "words", ["español", "Spanish", "en espanol por favor", "ESPAÑOL", "no hablo inglés"]
)
def test_saying_spanish_in_the_english_menu_switches_to_spanish(call, words):
    root = call.speak(call.start(), words)
    assert root.find("Gather").get("language") == "es-MX"
    assert languages(root) == {"es-MX", "en-US"}  # "For English, press 9." alone in English
    assert "Si estás en peligro, cuelga y llama al 9 1 1." in said(root)
    assert "lang=es" in root.find("Gather").get("action")


@pytest.mark.parametrize(
    "english",
    [
        ("press", "9"),
        ("speak", "inglés"),
        ("speak", "en ingles por favor"),
        ("speak", "English please"),
        ("speak", "¿hablas inglés?"),
        ("speak", "no hablo español"),
        ("speak", "I don't speak Spanish"),
    ],
)
def test_9_or_asking_for_english_in_the_spanish_menu_goes_back_to_english(call, english):
    """A caller who pressed 9 by mistake, or is asked to by the Spanish menu, gets English."""
    spanish = call.press(call.start(), "9")
    how, what = english
    root = getattr(call, how)(spanish, what)
    assert "If you are in danger, hang up and call 9 1 1." in said(root)
    gather = root.find("Gather")
    assert gather.get("language") == "en-US"
    assert "lang=es" not in gather.get("action")
    assert "Para español, marca 9." in said(gather)  # and back again
    assert gather.get("hints").split(", ")[-2:] == ["español", "Spanish"]
    assert languages(call.press(root, "2")) == {"en-US"}  # the answer too


def test_the_spanish_menu_hints_at_english_and_a_topic_said_with_it_is_answered(call):
    spanish = call.press(call.start(), "9")
    assert spanish.find("Gather").get("hints").split(", ")[-2:] == ["inglés", "English"]
    root = call.speak(spanish, "mi maestro de inglés me pega")
    assert "Estos son los números para abuso o maltrato." in said(root)
    assert languages(root) == {"es-MX"}


def test_cli_ask_voice_walks_a_caller_back_to_english(referrals_file):
    result = CliRunner().invoke(
        main, ["ask", "--voice", "en inglés por favor", "--path", str(referrals_file)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    said_after = lines[[n for n, line in enumerate(lines) if line.startswith("CALLER")][-1] + 1 :]
    assert (
        said_after[0]
        == "BOT [en]: Hi. This is the L.A. County Department of Mental Health referral line."
    )
    assert "BOT [es]: Para español, marca 9." in said_after


def test_a_topic_said_with_the_word_spanish_is_answered_not_switched(call):
    root = call.speak(call.start(), "my spanish teacher hits me")
    assert "Here are the numbers for abuse at home or by someone you know." in said(root)
    assert languages(root) == {"en-US"}


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
    ("words", "spanish"),
    [
        ("help line", False),
        ("Help Line, please.", False),
        ("operator", False),
        ("can I talk to a real person", False),
        ("zero", False),
        ("la línea de ayuda por favor", True),
        ("quiero hablar con una persona", True),
        ("cero", True),
        ("0", False),  # how Twilio may write a spoken "zero"
        ("operator I need help now", False),
        ("necesito hablar con una persona ahora", True),
    ],
)
def test_asking_aloud_for_the_help_line_or_a_person_dials_it(call, words, spanish):
    root = call.start()
    if spanish:
        root = call.press(root, "9")
    connected = call.speak(root, words)
    assert dialled(connected) == HELP_LINE
    assert connected.find("Gather") is None  # put through now, not asked again
    assert languages(connected) == ({"es-MX"} if spanish else {"en-US"})


@pytest.mark.parametrize("words", ["operator", "una persona por favor"])
def test_the_preview_of_a_call_puts_a_request_for_a_person_through_too(referrals_file, words):
    result = CliRunner().invoke(main, ["ask", "--voice", words, "--path", str(referrals_file)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(
        (
            "Connecting you to the 24-hour Help Line now.",
            "Te estamos comunicando con la Línea de Ayuda de 24 horas.",
        )
    ), result.output


def test_a_person_in_a_story_is_not_a_request_for_one(call):
    answered = call.speak(call.start(), "the person i live with hits me")
    assert answered.find("Gather") is not None  # the numbers, then what to press
    assert "Here are the numbers for abuse at home or by someone you know." in said(answered)


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
    root = twiml(signed_post(path, {**CALL, "From": "anonymous", **fields}))
    assert dialled(root) == HELP_LINE
    said = root.find("Say")
    assert HELP_LINE_SPOKEN in said.text
    assert said.get("language") == ("es-MX" if "lang=es" in path else "en-US")
    dial = root.find("Dial")
    assert dial.get("timeout") == str(speech.DIAL_TIMEOUT)
    assert dial.get("callerId") == CALL["To"]
    # No action (it would post back to the failing app): if no one answers, 911 and 988 follow.
    assert dial.get("action") is None
    assert [child.tag for child in root][-2:] == ["Dial", "Say"]
    assert "9 1 1" in root[-1].text and "9 8 8" in root[-1].text


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
    spoken = [line for line in said_after if not re.search("Para español|For English", line)]
    assert all(line.startswith(f"BOT [{language}]") for line in spoken)
    if expect.startswith("Sorry"):
        return
    assert HELP_LINE_SPOKEN in said_after[1]


# --- after the Help Line is dialled ---------------------------------------------------------

NOT_ANSWERED = ["busy", "no-answer", "failed", "canceled"]


def dial_ends(signed_post, root, status: str, **fields):
    """Post what Twilio posts to the <Dial>'s action when the Help Line call ends."""
    dial = root.find("Dial")
    assert [child.tag for child in root][-1] == "Dial"  # verbs after it would never run
    form = {**CALL, "DialCallStatus": status, "DialCallSid": "CA9876543210", **fields}
    return twiml(signed_post(dial.get("action"), form))


def connected(call, spanish=False):
    root = call.start()
    if spanish:
        root = call.press(root, "9")
    return call.press(root, "0")


@pytest.mark.parametrize(
    "reach",
    [
        lambda call: call.press(call.start(), "0"),
        lambda call: call.start(),  # silence after the menu
        lambda call: call.press(call.start(), "4"),  # silence after an answer
        lambda call: call.press(call.start(), "4", "0"),
        lambda call: call.press(call.start(), "8", "8", "8"),  # three misses
    ],
    ids=["0", "silence", "silence-after-answer", "answer-then-0", "three-misses"],
)
def test_every_dial_reports_back_with_a_timeout(call, reach):
    dial = reach(call).find("Dial")
    assert dial.text == HELP_LINE
    assert dial.get("action") == "/voice/dialled?lang=en&tries=1"
    assert dial.get("method") == "POST"
    assert dial.get("timeout") == str(speech.DIAL_TIMEOUT)
    assert dial.get("callerId") is None  # a valid caller number goes through as it is


@pytest.mark.parametrize(
    "caller", ["", "anonymous", "Restricted", "+266696687", "+7378742833", "266696687", "client:x"]
)
def test_a_withheld_or_invalid_caller_is_dialled_with_the_number_they_called(signed_post, caller):
    root = twiml(
        signed_post("/voice/menu?lang=en&misses=0", {**CALL, "From": caller, "Digits": "0"})
    )
    assert root.find("Dial").get("callerId") == CALL["To"]


@pytest.mark.parametrize("status", ["completed", "answered"])
def test_a_call_the_help_line_took_ends_quietly(call, signed_post, status):
    root = dial_ends(signed_post, connected(call), status, DialCallDuration="312")
    assert [child.tag for child in root] == ["Hangup"]


@pytest.mark.parametrize("status", NOT_ANSWERED)
def test_a_help_line_that_did_not_answer_gives_911_988_and_a_way_on(call, signed_post, status):
    root = dial_ends(signed_post, connected(call), status)
    gather = root.find("Gather")
    lines = said(gather)
    if status == "busy":
        assert lines[0] == "The Help Line is busy right now."
    else:
        assert lines[0] == "The Help Line could not be reached just now."
    assert "If you are in danger, hang up and call 9 1 1." in lines
    assert "9 8 8 Suicide & Crisis Lifeline: call or text 9 8 8." in lines
    assert "CA Youth Crisis Line: 8 0 0, 5 5 5, 0 1 0 2." in lines
    assert lines[-2:] == ["To try the Help Line again, press 1.", "For the menu, press star."]
    assert gather.get("action") == "/voice/retry?lang=en&tries=1"
    # Silence: the bot tries the Help Line once more for the caller.
    assert after_gather(root) == ["Say", "Say", "Dial"]
    assert root.find("Dial").get("action") == "/voice/dialled?lang=en&tries=2"


@pytest.mark.parametrize("status", NOT_ANSWERED)
def test_silence_after_two_tries_says_goodbye_instead_of_dialling_forever(
    call, signed_post, status
):
    first = dial_ends(signed_post, connected(call), "no-answer")
    second = dial_ends(signed_post, first, status)
    assert "9 8 8 Suicide & Crisis Lifeline: call or text 9 8 8." in said(second.find("Gather"))
    assert second.find("Dial") is None
    assert after_gather(second) == ["Say", "Say", "Hangup"]
    assert said(second)[-2:] == [
        "If you are in danger, hang up and call 9 1 1.",
        "Please call again any time. Goodbye.",
    ]


def test_1_after_a_busy_help_line_tries_again_and_star_goes_to_the_menu(call, signed_post):
    busy = dial_ends(signed_post, connected(call), "busy")
    again = call.press(busy, "1")
    assert dialled(again) == HELP_LINE
    assert again.find("Gather") is None
    assert again.find("Dial").get("action") == "/voice/dialled?lang=en&tries=2"
    # The caller may keep asking: pressing 1 is never refused.
    busy_again = dial_ends(signed_post, again, "busy")
    assert call.press(busy_again, "1").find("Dial").get("action").endswith("tries=3")

    menu = call.press(busy, "*")
    assert "For a missing child, press 5." in said(menu.find("Gather"))
    assert menu.find("Gather").get("action").startswith("/voice/menu")


def test_a_bad_key_after_a_busy_help_line_says_sorry_and_the_choices(call, signed_post):
    busy = dial_ends(signed_post, connected(call), "busy")
    sorry = call.press(busy, "7")
    assert said(sorry.find("Gather"))[0] == "Sorry, I did not get that."
    assert said(sorry.find("Gather"))[-1] == "For the menu, press star."
    assert sorry.find("Dial").get("action").endswith("tries=2")


def test_a_spanish_call_hears_the_failed_dial_in_spanish(call, signed_post):
    root = dial_ends(signed_post, connected(call, spanish=True), "no-answer")
    assert languages(root) == {"es-MX"}
    lines = said(root.find("Gather"))
    assert lines[0] == "No pudimos comunicarte con la Línea de Ayuda en este momento."
    assert "Línea 9 8 8: llama al 9 8 8 (marca 2) o textea AYUDA al 9 8 8." in lines
    assert "Para intentar otra vez con la Línea de Ayuda, marca 1." in lines
    assert root.find("Dial").get("action") == "/voice/dialled?lang=es&tries=2"


@pytest.mark.parametrize("path", ["/voice/dialled?lang=en&tries=1", "/voice/retry"])
def test_dial_callbacks_must_be_signed(client, signed_post, path):
    form = {**CALL, "DialCallStatus": "busy"}
    assert client.post(path, data=form, base_url=BASE_URL).status_code == 403
    assert signed_post(path, form, token="not-the-token").status_code == 403


def test_dial_callbacks_log_the_status_not_the_caller(call, signed_post, caplog):
    caplog.set_level(logging.INFO, logger="app.voice")
    dial_ends(signed_post, connected(call), "busy")
    assert "step=dialled-busy" in caplog.text
    assert CALL["From"] not in caplog.text
    assert CALL["To"] not in caplog.text


# --- numbers and 24/7 in names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "spoken"),
    [
        ("988 Suicide & Crisis Lifeline", "en", "9 8 8 Suicide & Crisis Lifeline"),
        ("Línea 988", "es", "Línea 9 8 8"),
        ("LA 211 (food, shelter)", "en", "LA 2 1 1 (food, shelter)"),
        ("LA 2-1-1", "en", "LA 2 1 1"),
        ("24/7 Help Line", "en", "24-hour Help Line"),
        ("Línea de Ayuda 24/7", "es", "Línea de Ayuda de 24 horas"),
        ("Crisis Text Line", "en", "Crisis Text Line"),
    ],
)
def test_names_are_spoken_with_numbers_digit_by_digit(text, language, spoken):
    assert speech.spoken_text(text, language) == spoken


def test_no_call_step_says_24_7_or_a_number_as_a_quantity(call, referrals_file):
    text = referrals_file.read_text(encoding="utf-8")
    referrals_file.write_text(text.replace("en: LA 2-1-1 (food", "en: LA 211 (food"), "utf-8")
    roots = [call.start(), call.press(call.start(), "6"), call.press(call.start(), "2")]
    spoken = " ".join(" ".join(said(root)) for root in roots)
    assert "LA 2 1 1 (food, shelter): " in spoken
    assert "24/7" not in spoken
    # Outside the 24-hour wording, no two digits are ever side by side.
    assert not re.search(r"\d\d", spoken.replace("24-hour", ""))


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
