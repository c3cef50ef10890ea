"""The keyword layer (inflections, typos, near misses) and what matching keeps of a text.

How well the whole matcher does on texts nobody tuned it for is tests/test_heldout.py's job.
"""

import gc
import os
import pickle
import subprocess
import sys

import pytest
import yaml

from app.matching import (
    MAX_NORMAL,
    MAX_TOKENS,
    MAX_TYPO_SEARCHES,
    _stemmer,
    build_index,
    normalize,
)
from app.validation import load_text
from conftest import fixture_text

UNRELATED = [
    "stuck in traffic",
    "she hit a home run in the last inning",
    "the life of the party fr",
    "the band got a police escort to the stadium",
    "my sales quota at work is insane this month",
    "the blade on my ice skates is dull",
    "te extraño mucho",
    "ya voy para la casa",
    "fui a correr al parque",
]


@pytest.fixture(scope="module")
def index():
    """Return the keyword layer alone: the fixture's keywords, none of its examples."""
    data = yaml.safe_load(fixture_text())
    data.pop("everyday")
    for topic in data["topics"]:
        topic.pop("examples", None)
    directory = load_text(yaml.safe_dump(data, allow_unicode=True))
    built = build_index(directory)
    assert built.model is None
    return built


def test_a_texts_keyword_is_named_alike_whatever_the_hash_seed(tmp_path):
    """Each worker is a process with its own hash seed: a text's keyword, and its language (a
    vote for the reply's), must not depend on the order of a set."""
    data = yaml.safe_load(fixture_text())
    data.pop("everyday")
    for topic in data["topics"]:
        topic.pop("examples", None)
    path = tmp_path / "keywords.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code = (
        "import sys; from app.matching import build_index, normalize; "
        "from app.validation import load_file; index = build_index(load_file(sys.argv[1])); "
        "print([index.keywords_in(normalize(text).split()) for text in sys.argv[2:]])"
    )
    texts = ["i feel so alone tonight", "we ran away from home", "me corrieron de la casa"]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path), *texts],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        )
        for seed in range(6)  # two orders of a pair of keys: all six alike by chance 1 in 32
    ]
    answers = {run.communicate(timeout=120)[0] for run in runs}
    assert len(answers) == 1, answers
    assert b"'counselling'" in answers.pop()


@pytest.fixture(scope="module")
def learned():
    """Return the fixture's whole matcher: keywords and the model learned from its examples."""
    built = build_index(load_text(fixture_text()))
    assert built.model is not None
    return built


@pytest.mark.parametrize("text", UNRELATED)
def test_no_keyword_fires_on_an_unrelated_text(index, text):
    assert index.match(text).topics == ()


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("traffic", ()),
        ("runway", ()),
        ("running late", ()),
        ("abs", ()),
        ("trafficked", ("trafficking",)),
        ("TRAFFICKING!!!", ("trafficking",)),
        ("traficked", ("trafficking",)),
        ("abused", ("abuse",)),
        ("running away", ("runaway",)),
        ("ran away", ("runaway",)),
        ("runaway", ("runaway",)),
        ("sucidal", ("crisis",)),
        ("explotación", ("trafficking",)),
        ("explotacion", ("trafficking",)),
        ("ＨＵＮＧＲＹ", ("basic_needs",)),
        ("SAFE", ("trafficking",)),
        ("i feel safe now", ()),
        ("they kicked me, me right out", ("runaway",)),
        ("he makes me sleep w guys 4 money", ("trafficking",)),  # texting shorthand
        ("i have to hit my quota", ("trafficking",)),
        ("my sales quota is insane", ()),  # "out" follows the second "me"
    ],
)
def test_words_inflections_typos_and_near_misses(index, text, topics):
    assert index.match(text).topics == topics


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("its not like he hits me, i just hate it there", "abuse"),
        ("nobody hurts me", "abuse"),
        ("no one is hurting me", "abuse"),
        ("no ones hurting me", "abuse"),
        ("im not running away, im running a 5k", "runaway"),  # "not" between its words
        ("i didnt run away, i just need food", "runaway"),
        ("he never touched me", "abuse"),
        ("no me pega, nomas me grita", "abuse"),
        ("no es que me pegan, nomas me gritan", "abuse"),
        ("nadie me pega", "abuse"),
    ],
)
def test_a_keyword_the_text_denies_is_left_to_the_model(learned, text, denied):
    assert denied not in learned.keywords_in(normalize(text).split())
    reasons = {reason.topic: reason for reason in learned.explain(text)}
    assert reasons[denied].denied is not None
    assert reasons[denied].model is not None  # what decides instead


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("he hits me and i dont want to go home", "runaway"),  # its own "dont"
        ("he hits me and i dont want to go home", "abuse"),
        ("ya no aguanto, me venden", "trafficking"),  # "no" denies across clitics only
        ("no, he hits me", "abuse"),
        ("no se, me pega", "abuse"),
        ("no tengo donde dormir", "runaway"),
        ("no tengo ni a donde ir", "runaway"),  # "ni" inside a keyword denies nothing
        ("i dont have nowhere to go", "runaway"),  # a double negative says the need
        ("i aint got no place to stay", "runaway"),
        ("no one helps, my dad hits me", "abuse"),
        ("i cant stop cutting", "crisis"),
        ("he wont stop hitting me", "abuse"),
        ("nobody knows he touches me", "abuse"),  # the denial is of knowing
        ("pls dont tell he hits me", "abuse"),
        ("im not safe he hits me", "abuse"),
        ("i told nobody he touches me", "abuse"),  # said to nobody
        ("nunca se lo dije a nadie, me violaron", "abuse"),
        ("not gonna lie he hits me", "abuse"),  # "not" is four words back
        ("i have no one i wanna die", "crisis"),
    ],
)
def test_a_keyword_the_text_does_not_deny_counts(learned, text, topic):
    assert topic in learned.keywords_in(normalize(text).split())


def test_without_a_model_a_denied_keyword_still_counts(index):
    assert index.match("its not like he hits me").topics == ("abuse",)


def test_several_topics_in_one_text_are_all_found(index):
    match = index.match("i was trafficked, ran away and im hungry")
    assert set(match.topics) == {"trafficking", "runaway", "basic_needs"}


def test_topics_come_in_directory_order(index):
    assert index.match("im hungry and i ran away and trafficked").topics == (
        "trafficking",
        "runaway",
        "basic_needs",
    )


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("  Don’t   LEAVE!! ", "dont leave"),
        ("ｆｕｌｌ－ｗｉｄｔｈ", "full width"),
        ("Explotación", "explotacion"),
        ("helppp soooo", "helpp soo"),
        ("r@ped $$", "raped money money"),
        ("sleep w him 4 $ b4 2nite", "sleep with him for money before tonight"),
    ],
)
def test_normalize(raw, normal):
    assert normalize(raw) == normal


def test_no_word_of_a_text_is_kept_after_it_is_matched(learned):
    before = pickle.dumps(learned)
    learned.match("call me at 310 555 0142, zorblaxian took my phone")
    learned.explain("call me at 310 555 0142, zorblaxian took my phone")
    after = pickle.dumps(learned)
    stemmers = [
        referent for language in ("en", "es") for referent in gc.get_referents(_stemmer(language))
    ]
    assert "zorblaxian" not in repr(stemmers)  # PyStemmer would cache recent words in itself
    assert b"zorblaxian" not in after
    assert b"0142" not in after
    assert after == before


@pytest.mark.parametrize(
    "text",
    [
        "\ufdfa" * 1600,  # 18 letters each under NFKC
        "".join(chr(0x3300 + n % 256) for n in range(1600)),  # squared katakana
        "\ufb03 " * 800,  # a ligature
        "me " * 533,
        "x " * 30_000,  # longer than Twilio sends: the CLI and the preview take any text
    ],
)
def test_a_text_is_cut_to_the_caps_once_normalized(text):
    normal = normalize(text)
    assert 0 < len(normal) <= MAX_NORMAL
    assert len(normal.split()) <= MAX_TOKENS


def test_past_the_cap_on_typo_searches_a_word_counts_only_by_its_stems(index):
    unknown = " ".join(
        f"blorf{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(MAX_TYPO_SEARCHES)
    )
    assert index.match(f"{unknown} ran away").topics == ("runaway",)
    assert index.match(f"{unknown} traficked").topics == ()  # no typo search left
    assert index.match("traficked").topics == ("trafficking",)  # a text of its own: searched


def test_a_letter_off_a_keywords_stem_is_not_a_typo_of_it():
    data = yaml.safe_load(fixture_text())
    data.pop("everyday")
    for topic in data["topics"]:
        topic.pop("examples", None)
        if topic["id"] == "abuse":
            topic["keywords"] = {"en": ["raped"], "es": []}  # stem "rape", a word of its own
    index = build_index(load_text(yaml.safe_dump(data, allow_unicode=True)))
    # each a letter off "rape": Spanish for "I scratched", "a smack", "shaved"
    for text in ("le raye el carro con la bici", "le di un zape a mi primo", "me rapo el pelo"):
        assert "abuse" not in index.match(text).topics, text
    assert index.match("i was rapd").topics == ("abuse",)  # a letter off the keyword itself
