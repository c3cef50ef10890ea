"""A word no example has is read, by the model only, as the common example word(s) it mistypes."""

import pytest
from click.testing import CliRunner

from app.cli import main
from app.matching import build_index, normalize
from app.spelling import Spelling
from app.validation import load_file
from conftest import twiml

COMMON = frozenset({"fired", "hoping"})  # stands for common_words(): everyday words


@pytest.fixture
def spelling():
    texts = ["my sister is missing"] * 5 + ["im so tired"] * 5 + ["im so tried"] * 6
    texts += ["need a shelter"] * 4 + ["my uncle hits me"] * 5 + ["hopping mad"] * 5
    known = {word for text in texts for word in text.split()}
    return Spelling(texts, known, COMMON)


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("sistr", "sister"),  # a letter missing
        ("sisster", "sister"),  # one too many
        ("sistor", "sister"),  # one changed
        ("sitser", "sister"),  # two swapped
        ("misisng", "missing"),
        ("tierd", "tired"),  # two swapped; "tried" is two typos off
        ("tiried", "tried"),  # a letter off both: the more common example word wins
        ("tiedx", None),  # "tired" less an r is "tied", and so is this less an x: two typos
        ("uncel", "uncle"),
        ("xister", None),  # the first letter is never a typo
        ("fired", None),  # an everyday word of its own, not "tired"
        ("hoping", None),  # nor "hopping"
        ("shelte", None),  # "shelter" is in too few examples to be what was meant
        ("sister", None),  # a word the examples have is read as itself
        ("sis", None),  # too short to guess
        ("sis7er", None),  # not a word
        ("sistermissing", "sister missing"),  # two words run together
        ("imso", "im so"),
        ("sisterzorb", None),  # one of them not a common example word
    ],
)
def test_a_typo_is_read_as_the_example_word_one_letter_off(spelling, word, meant):
    assert spelling.fixed(word) == meant


def test_two_words_run_together_are_split_where_both_are_most_common():
    spelling = Spelling(["ab cde"] * 5 + ["abc de"] * 9, {"ab", "cde", "abc", "de"}, COMMON)
    assert spelling.fixed("abcde") == "abc de"


def test_a_text_is_read_word_by_word(spelling):
    assert spelling.read("my sistr is misisng") == (
        "my sister is missing",
        [("sistr", "sister"), ("misisng", "missing")],
    )
    assert spelling.read("my sister is missing") == ("my sister is missing", [])


ZORBLAT = [  # a made-up word for a missing child, in five examples: common enough to be meant
    "my zorblat did not come home last night",
    "we cant find our zorblat anywhere",
    "the zorblat has been gone since friday",
    "has anyone seen my zorblat, she is 12",
    "our zorblat never came back from school",
]
MISSING_LINE = "800-555-0107"  # the fixture's missing-children line


def add_missing_examples(path):
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: missing\n")
    at = text.index("    examples:\n      en:\n", start) + len("    examples:\n      en:\n")
    items = "".join(f"        - {example}\n" for example in ZORBLAT)
    path.write_text(text[:at] + items + text[at:], encoding="utf-8")


def test_a_mistyped_text_gets_the_topic_its_word_stands_for(referrals_file, signed_post, app):
    add_missing_examples(referrals_file)
    app.extensions["referrals"].refresh()
    text = "help with my zrblat"
    index = build_index(load_file(str(referrals_file)))
    model, threshold = index.model, index.model.thresholds["missing"]
    assert model.scores(normalize(text))["missing"] < threshold  # as typed, the model misses it
    read = index.spelling.read(normalize(text))[0]
    assert model.scores(read)["missing"] >= threshold  # read, it finds it on its own merits
    reply = twiml(signed_post("/sms", {"Body": text, "From": "+15550100"})).findtext("Message")
    assert MISSING_LINE in reply
    why = CliRunner().invoke(main, ["ask", "--why", text, "--path", str(referrals_file)])
    assert "why: spelling: the model read 'zrblat' as 'zorblat'" in why.output, why.output
    assert "why: missing: yes, the model gives it" in why.output  # scored as read
    assert "topics: missing" in why.output
