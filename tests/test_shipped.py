"""The staff's file, data/referrals.yaml: promises that hold for any edit `check` accepts.

Nothing here names a number, a name or a date from the file: staff change those, and such an
edit must never turn the build red. What a reply says exactly is tested on the tests' own
directory (tests/data/referrals.yaml).
"""

import datetime
import re
import shutil

import pytest
from click.testing import CliRunner

from app import create_app
from app.cli import main
from app.matching import Match
from app.replies import MAX_SEGMENTS, compose_help, compose_sms, compose_welcome
from app.validation import HELP_LINE_WITHIN, load_file
from conftest import BASE_URL, SHIPPED, TOKEN, sign, twiml

DIRECTORY = load_file(SHIPPED)
LANGUAGES = ("en", "es")


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def first_way(resource) -> str:
    """Return the first way a reply gives to reach `resource`: a number, else its web address."""
    return resource.call or resource.text_number or resource.tty or resource.web


@pytest.fixture(scope="module")
def shipped_client(tmp_path_factory):
    path = tmp_path_factory.mktemp("shipped") / "referrals.yaml"
    shutil.copy(SHIPPED, path)
    app = create_app({"TESTING": True, "TWILIO_AUTH_TOKEN": TOKEN, "REFERRALS_PATH": str(path)})
    client = app.test_client()

    def post(route: str, data: dict):
        headers = {"X-Twilio-Signature": sign(BASE_URL + route, data)}
        return client.post(route, data=data, base_url=BASE_URL, headers=headers)

    return post


def test_check_accepts_the_shipped_file():
    result = CliRunner().invoke(main, ["check", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert ": OK: " in result.output


@pytest.mark.parametrize("resource", DIRECTORY.resources.values(), ids=DIRECTORY.resources.keys())
def test_every_resource_is_sourced_and_dated(resource):
    assert resource.source.strip()
    assert resource.verified <= datetime.date.today()
    assert first_way(resource)


@pytest.mark.parametrize("resource", DIRECTORY.on_file.values(), ids=DIRECTORY.on_file.keys())
def test_every_resource_not_sent_says_why(resource):
    assert resource.status in ("unconfirmed", "retired")
    assert resource.reason.strip()
    assert resource.source.strip()


def replies():
    for language in LANGUAGES:
        yield f"{language}-nothing", compose_sms(DIRECTORY, Match((), language))
        yield f"{language}-help", compose_help(DIRECTORY, language)
        yield f"{language}-start", compose_welcome(DIRECTORY, language)
        for topic in DIRECTORY.topics:
            yield f"{language}-{topic.id}", compose_sms(DIRECTORY, Match((topic.id,), language))
        every = tuple(topic.id for topic in DIRECTORY.topics)
        yield f"{language}-every-topic", compose_sms(DIRECTORY, Match(every, language))


@pytest.mark.parametrize(("what", "reply"), list(replies()), ids=[w for w, _ in replies()])
def test_every_reply_leads_with_the_help_line_within_four_texts(what, reply):
    help_line = DIRECTORY.help_line.call
    assert 0 <= reply.body.find(help_line) <= HELP_LINE_WITHIN - len(help_line)
    assert reply.segments.count <= MAX_SEGMENTS


@pytest.mark.parametrize("topic", DIRECTORY.topics, ids=[t.id for t in DIRECTORY.topics])
def test_every_topic_is_reachable_by_its_word_and_its_menu_key(topic, shipped_client):
    own = [DIRECTORY.resources[rid] for rid in topic.resources if rid not in DIRECTORY.always_first]
    for language in LANGUAGES:
        body = twiml(shipped_client("/sms", {"Body": topic.word(language)})).findtext("Message")
        help_line = DIRECTORY.help_line.call
        assert 0 <= body.find(help_line) <= HELP_LINE_WITHIN - len(help_line), body
        for resource in own[:1]:
            assert first_way(resource) in body, body
    assert topic.ivr_digit is not None
    call = twiml(shipped_client("/voice/menu", {"Digits": str(topic.ivr_digit)}))
    spoken = " ".join(say.text or "" for say in call.iter("Say"))
    for resource in own[:1]:
        way = first_way(resource)
        assert digits(way) in digits(spoken) if digits(way) else way in spoken
