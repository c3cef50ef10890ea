"""The shipped directory: every number sourced and dated, every topic reachable."""

import datetime
import re

import pytest

from app.matching import build_index
from app.validation import load_file
from conftest import SHIPPED

DIRECTORY = load_file(SHIPPED)


@pytest.mark.parametrize("resource", DIRECTORY.resources.values(), ids=DIRECTORY.resources.keys())
def test_every_resource_is_sourced_and_dated(resource):
    assert len(resource.source) > 20
    assert datetime.date.fromisoformat(resource.verified) <= datetime.date.today()
    assert resource.call or resource.text_number


@pytest.mark.parametrize("topic", DIRECTORY.topics, ids=[t.id for t in DIRECTORY.topics])
def test_every_topic_is_reachable_by_word_keyword_and_key(topic):
    index = build_index(DIRECTORY)
    for language in ("en", "es"):
        assert index.match(topic.word(language)).topics == (topic.id,)
        assert topic.id in index.match(topic.keywords[language][0]).topics
    assert topic.ivr_digit is not None


def test_the_lead_is_the_help_line_then_the_crisis_lines():
    lead = [DIRECTORY.resources[rid] for rid in DIRECTORY.always_first]
    assert [r.call for r in lead] == ["800-854-7771", "988", "800-843-5200"]
    assert lead[0].tty == "562-651-2549"


def test_the_brochures_corrections_are_applied():
    numbers = {r.call for r in DIRECTORY.resources.values()}
    assert "800-273-8255" not in numbers  # the old Lifeline number: 988 now
    assert {"800-786-2929", "888-373-7888", "800-843-5678", "800-540-4000", "211"} <= numbers
    assert DIRECTORY.resources["trafficking_hotline"].text_number == "233733"


def test_every_number_in_the_file_is_well_formed():
    text = SHIPPED.read_text(encoding="utf-8")
    for number in re.findall(r"(?:call|tty|number): (\S+)", text):
        assert re.fullmatch(r'"\d{3,6}"|\d{3}-\d{3}-\d{4}', number), number
