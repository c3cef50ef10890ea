"""Topics learned from staff's examples: through the webhook, the CLI and the staff page."""

import re

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from app.cli import main
from app.topic_model import Example
from conftest import fixture_text, twiml

ABUSE_LINE = "800-555-0105"  # the fixture's child abuse hotline
SAFELINE = "800-555-0108"  # the fixture's runaway safeline
MODEL_ABUSE = "my uncle does things to me i hate when my mom is at work"  # no keyword in it


def text_reply(signed_post, body: str) -> str:
    return twiml(signed_post("/sms", {"Body": body, "From": "+15550100"})).findtext("Message")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_example(path, topic: str, example: str) -> None:
    """Add `example` as the first English example of `topic` in the fixture file."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {topic}\n")
    at = text.index("    examples:\n      en:\n", start) + len("    examples:\n      en:\n")
    path.write_text(text[:at] + f"        - {example}\n" + text[at:], encoding="utf-8")


def add_everyday(path, texts: list[str]) -> None:
    """Add `texts` as the first English everyday texts of the fixture file."""
    text = path.read_text(encoding="utf-8")
    at = text.index("\neveryday:\n  en:\n") + len("\neveryday:\n  en:\n")
    items = "".join(f"    - {t}\n" for t in texts)
    path.write_text(text[:at] + items + text[at:], encoding="utf-8")


def test_a_text_with_no_keyword_gets_its_topic_from_the_examples(signed_post):
    body = text_reply(signed_post, MODEL_ABUSE)
    assert ABUSE_LINE in body


@pytest.mark.parametrize(
    "text",
    ["lol that movie was so sad", "can u send me the homework", "whats up"],
)
def test_everyday_texts_get_no_topic(signed_post, text):
    body = text_reply(signed_post, text)
    assert ABUSE_LINE not in body
    assert SAFELINE not in body
    assert "Text a word for more numbers" in body  # the reply to a text about nothing listed


def test_an_added_example_takes_effect_like_any_edit(referrals_file, signed_post, app):
    text = "zibble zabble zoo tonight"  # made-up words: no topic until staff teach one
    assert SAFELINE not in text_reply(signed_post, text)
    for example in ("zibble zabble zoo", "zibble zabble", "zabble zoo zibble", "zoo zibble"):
        add_example(referrals_file, "runaway", example)
    app.extensions["referrals"].refresh()  # what the watcher does within RELOAD_SECONDS
    assert SAFELINE in text_reply(signed_post, text)


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_ask_why_names_the_keyword(referrals_file):
    result = run("ask", "--why", "my pimp took my money", "--path", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert "why: trafficking: yes, the keyword 'my pimp'" in result.output


def test_ask_why_says_how_it_read_the_texts_shorthand(referrals_file):
    # the model's n-grams are of "boyfriend", which the text never wrote
    result = run("ask", "--why", "my bf n his friends took my money", "--path", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert "why: shorthand: read 'bf' as 'boyfriend', 'n' as 'and'" in result.output
    plain = run("ask", "--why", "my boyfriend took my money", "--path", str(referrals_file))
    assert "shorthand" not in plain.output
    # a short text answered as the example it is word for word says so too
    short = run("ask", "--why", "i want 2 die", "--path", str(referrals_file))
    assert short.output.startswith("why: shorthand: read '2' as 'to'\n"), short.output


def test_ask_why_says_a_keyword_the_text_denies_does_not_count(referrals_file):
    text = "its not like he hits me"
    result = run("ask", "--why", text, "--path", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert (
        "why: abuse: the keyword 'hits me' does not count: the text denies it ('not'), "
        "so the model decides"
    ) in result.output
    assert re.search(r"why: abuse: (yes|no), the model gives it [\d.]+", result.output)


def test_ask_why_shows_the_models_score_and_nearest_examples(referrals_file):
    result = run("ask", "--why", MODEL_ABUSE, "--path", str(referrals_file))
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("why: abuse"))
    score, needed = map(float, re.search(r"gives it ([\d.]+) \(needs ([\d.]+)\)", line).groups())
    assert score >= needed
    assert "nearest examples: '" in line
    assert re.search(r"\(line \d+\)", line)


def test_check_warns_of_an_example_given_to_two_topics(referrals_file):
    add_example(referrals_file, "runaway", "my uncle keeps hurting me when nobody is home")
    add_example(referrals_file, "abuse", "my uncle keeps hurting me when nobody is home")
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert re.search(
        r":\d+: warning: example 'my uncle keeps hurting me when nobody is home' is given to "
        r"runaway and to abuse",
        result.output,
    )


def test_check_sums_up_the_topics_keywords_add_to_other_topics_examples(referrals_file):
    add_example(referrals_file, "runaway", "my stepdad beats me so i left")
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert "my stepdad beats me so i left" not in result.output
    assert (
        ": note: the bot adds a topic to 1 example(s) of other topics, most often 'beats me' for "
        "abuse (1): where the added topic's numbers help too, list the example under "
        "`several:`. `check --all` lists each, with its line."
    ) in result.output, result.output
    result = run("check", "--all", str(referrals_file))
    assert re.search(
        r":\d+: warning: keyword 'beats me' gives abuse to runaway's example "
        r"'my stepdad beats me so i left': if it is about abuse too, list it under `several:`",
        result.output,
    )
    assert "note: the bot adds" not in result.output


def test_check_sums_up_everyday_texts_given_a_topic_and_lists_them_with_all(referrals_file):
    add_everyday(referrals_file, ["my brother beats me at chess every time", "she beats me at tag"])
    result = run("check", str(referrals_file))
    assert (
        ": note: the bot gives a topic to 2 everyday text(s), most often 'beats me' for abuse "
        "(2): make the keyword longer or remove it, or add everyday texts like them."
    ) in result.output, result.output
    result = run("check", "--all", str(referrals_file))
    for text in ("my brother beats me at chess every time", "she beats me at tag"):
        assert (
            f"{referrals_file}:{line_of(referrals_file, text)}: warning: keyword 'beats me' gives "
            f"abuse to everyday's example '{text}': make the keyword longer or remove it"
        ) in result.output, result.output


@pytest.mark.parametrize(
    ("topic", "text", "given"),
    [
        # everyday's words, and too long to be answered word for word
        ("runaway", "hi who is this and what is this number for", "no topic"),
        # the same, and a keyword that gives abuse
        ("missing", "hi who is this what is this number for, my mom beats me", "abuse"),
    ],
)
def test_check_warns_of_an_example_the_bot_does_not_give_its_topic(
    referrals_file, topic, text, given
):
    add_example(referrals_file, topic, text)
    result = run("check", str(referrals_file))
    assert (
        f": note: the bot does not give 1 example(s) their own topic, most often {topic} (1): add "
        "examples like them, or reword them."
    ) in result.output, result.output
    result = run("check", "--all", str(referrals_file))
    line = line_of(referrals_file, text)
    assert (
        f"{referrals_file}:{line}: warning: the bot gives {topic}'s example '{text}' {given}, "
        f"not {topic}: add examples like it, or reword it"
    ) in result.output, result.output


def test_check_warns_of_an_example_that_is_a_topics_own_word(referrals_file, signed_post, app):
    word = "ABUSE"  # the fixture's word for abuse (`word: {en: ABUSE}`)
    add_example(referrals_file, "runaway", word)
    result = run("check", str(referrals_file))
    line = line_of(referrals_file, f"- {word}")
    assert (
        f"{referrals_file}:{line}: warning: runaway's example '{word}' is the word that always "
        "gets abuse's numbers (its `word:`): remove the example"
    ) in result.output, result.output
    why = run("ask", "--why", word, "--path", str(referrals_file)).output
    assert "runaway" not in why, why  # --why agrees with the reply: the word decides


def test_check_warns_of_an_example_without_words(referrals_file):
    add_example(referrals_file, "runaway", "'??'")
    result = run("check", str(referrals_file))
    assert "warning: runaway's example '??' has no words (only signs or emoji)" in result.output
    assert "topics: runaway" not in run("ask", "", "--path", str(referrals_file)).output


def test_a_short_example_is_answered_as_staff_labelled_it(referrals_file, signed_post, app):
    """A coordinator fixes a miss by adding the text: the model alone may not learn it."""
    text = "what are your hours on weekends"  # everyday's words: the model gives no topic
    assert SAFELINE not in text_reply(signed_post, text)
    add_example(referrals_file, "runaway", text)
    app.extensions["referrals"].refresh()
    assert SAFELINE in text_reply(signed_post, text)
    assert SAFELINE in text_reply(signed_post, "What are your HOURS on weekends??")  # folded
    assert "runaway's example" not in run("check", "--all", str(referrals_file)).output
    asked = run("ask", "cant do this tonight", "--path", str(referrals_file)).output
    assert "topics: crisis" in asked  # the model gives it crisis
    add_everyday(referrals_file, ["cant do this tonight"])
    result = run("ask", "--why", "cant do this tonight", "--path", str(referrals_file))
    assert "topics: none" in result.output, result.output
    assert (
        "why: no topic: the text is, word for word (case, accents, signs and repeated letters "
        "aside), everyday's example 'cant do this tonight'"
    ) in result.output


def test_a_topic_may_have_examples_and_no_keywords(referrals_file, signed_post, app):
    text = referrals_file.read_text(encoding="utf-8")
    start = text.index("  - id: missing\n")
    keywords = text.index("    keywords:\n", start)
    examples = text.index("    examples:\n", start)
    referrals_file.write_text(text[:keywords] + text[examples:], encoding="utf-8")
    assert run("check", str(referrals_file)).exit_code == 0
    app.extensions["referrals"].refresh()
    phrases = app.extensions["referrals"].in_service.index.phrases()
    assert phrases
    assert all(phrase.topic != "missing" for phrase in phrases)
    assert "800-555-0107" in text_reply(signed_post, "someone took my little cousin from the park")


def test_the_staff_preview_shows_what_decided(client, app):
    app.config["DEMO_MODE"] = True
    page = client.post(
        "/", data={"text": "my pimp took my money"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert page.status_code == 200
    assert "trafficking: yes, the keyword &#39;my pimp&#39;" in page.get_data(as_text=True)


def test_examples_without_everyday_texts_are_not_used_and_check_says_so(referrals_file):
    text = referrals_file.read_text(encoding="utf-8")
    referrals_file.write_text(text[: text.index("\neveryday:\n")] + "\n", encoding="utf-8")
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert f"{referrals_file}:1: warning: the topics' examples are not used" in result.output
    # Nothing to compare against would give every text some topic: keywords alone decide.
    asked = run("ask", "whats up", "--path", str(referrals_file))
    assert "topics: none" in asked.output


def test_examples_with_no_words_in_common_teach_nothing_and_check_says_so(tmp_path):
    data = yaml.safe_load(fixture_text())
    for topic in data["topics"]:
        topic.pop("examples", None)
    data["topics"][0]["examples"] = {"en": ["zq"]}  # no n-gram in two examples: no vocabulary
    data["everyday"] = {"en": ["vv"]}
    path = tmp_path / "referrals.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}:1: warning: the topics' examples are not used" in result.output


def test_a_text_with_nothing_the_examples_taught_gets_no_topic_from_the_model(tmp_path):
    data = yaml.safe_load(fixture_text())
    data["everyday"] = {"en": ["hi there", "hi again"]}  # far fewer than the topics' examples
    path = tmp_path / "referrals.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for text in ("", "x", "🙂", "qqqq"):
        result = run("ask", text, "--path", str(path))
        assert "topics: none" in result.output, (text, result.output)


def test_examples_of_a_single_topic_teach_it(tmp_path):
    # with one topic taught, "which topic, if some" has one answer: only "some topic" is learned
    data = yaml.safe_load(fixture_text())
    for topic in data["topics"]:
        topic.pop("examples", None)
    runaway = next(topic for topic in data["topics"] if topic["id"] == "runaway")
    runaway["examples"] = {"en": ["zibble zabble zoo", "zibble zabble", "zoo zibble zabble"]}
    data["everyday"] = {"en": ["what time is practice", "practice is at five", "what time"]}
    data.pop("several", None)
    path = tmp_path / "referrals.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "topics: runaway" in run("ask", "zibble zabble tonight", "--path", str(path)).output
    assert "topics: none" in run("ask", "what time is it", "--path", str(path)).output


def test_a_file_of_one_language_never_tips_a_text_to_the_other(tmp_path):
    # with no Spanish example, no n-gram is more Spanish than English: the word lists decide
    data = yaml.safe_load(fixture_text())
    for topic in data["topics"]:
        topic.get("examples", {}).pop("es", None)
    data["everyday"].pop("es", None)
    data.pop("several", None)
    path = tmp_path / "referrals.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for text in ("hello", "good afternoon", "zibble zabble"):
        assert "language en" in run("ask", text, "--path", str(path)).output, text


MISSING_LINE = "800-555-0107"  # the fixture's missing-children line


def line_of(path, needle: str) -> int:
    """Return the line of the last occurrence of `needle` in the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, 1) if needle in line][-1]


def add_several(path, topics: list[str], examples: list[str]) -> None:
    """Add `examples`, each about all of `topics`, under the file's top-level `several:`."""
    items = "".join(f"    - {{topics: [{', '.join(topics)}], text: {e}}}\n" for e in examples)
    path.write_text(
        path.read_text(encoding="utf-8") + f"\nseveral:\n  en:\n{items}", encoding="utf-8"
    )


def test_examples_about_several_topics_teach_each_of_them(referrals_file, signed_post, app):
    text = "zibble zabble zoo tonight"  # made-up words: no topic until staff teach them
    body = text_reply(signed_post, text)
    assert SAFELINE not in body
    assert MISSING_LINE not in body
    add_several(
        referrals_file,
        ["runaway", "missing"],
        ["zibble zabble zoo", "zibble zabble", "zabble zoo zibble", "zoo zibble"],
    )
    assert run("check", str(referrals_file)).exit_code == 0
    app.extensions["referrals"].refresh()
    body = text_reply(signed_post, text)
    assert SAFELINE in body
    assert MISSING_LINE in body


def test_check_names_the_line_of_a_topic_under_several_that_does_not_exist(referrals_file):
    add_several(referrals_file, ["runaway", "runaways"], ["i left and my sister is gone too"])
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    line = line_of(referrals_file, "topics: [runaway, runaways]")
    assert f"{referrals_file}:{line}: there is no topic with id 'runaways'" in result.output


def test_check_refuses_a_text_under_several_with_one_topic(referrals_file):
    add_several(referrals_file, ["runaway"], ["i left home last night"])
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    line = line_of(referrals_file, "topics: [runaway]")
    said = f"{referrals_file}:{line}: several.en[0].topics: ['runaway'] names one topic"
    assert said in result.output


def test_check_names_the_line_of_a_one_topic_entry_after_good_ones(referrals_file):
    # good entries before it must not move the error's place (check skips plainly good lists)
    add_several(referrals_file, ["runaway", "missing"], ["we both left", "she left too", "x y"])
    good, bad = "{topics: [runaway, missing], text: x y}", "{topics: [runaway], text: x y}"
    edit(referrals_file, good, bad)
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    line = line_of(referrals_file, "topics: [runaway], text: x y")
    said = f"{referrals_file}:{line}: several.en[2].topics: ['runaway'] names one topic"
    assert said in result.output, result.output


def test_check_warns_of_an_example_under_a_topic_and_under_several(referrals_file):
    add_example(referrals_file, "abuse", "my dad hits me so i left last night")
    add_several(referrals_file, ["abuse", "runaway"], ["my dad hits me so i left last night"])
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert re.search(
        r":\d+: warning: example 'my dad hits me so i left last night' is given to abuse and "
        r"runaway and to abuse \(line \d+\): keep it once \(under `several:`",
        result.output,
    )


def test_the_models_vectors_are_those_scikit_learns_vectorizer_gives(tmp_path):
    """The model counts and weighs n-grams itself (faster); it must agree with the library."""
    from scipy.sparse import csc_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

    from app.matching import examples, normalize
    from app.topic_model import MAX_WORD, MAX_WORDS, MIN_DF, TopicModel, features
    from app.validation import load_text

    given = examples(load_text(fixture_text()))
    odd = ["", "a a a", "ab ab cd", "uncle" * 9, " ".join(["me"] * (MAX_WORDS + 5)) + " uncle"]
    texts = [normalize(example.text) for example in given] + odd
    given += [given[-1]] * len(odd)
    model = TopicModel(given, texts, {})
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF)
    expected = vectorizer.fit_transform(texts)
    names = model.names
    assert sorted(names) == list(vectorizer.get_feature_names_out())  # the same n-grams
    assert len(set(names)) == len(names)
    assert {name[:2] for name in names} >= {"w ", "p ", "t "}  # words, two and three in a row
    ours = {vectorizer.vocabulary_[name]: column for column, name in enumerate(names)}
    expected = expected[:, [vectorizer.vocabulary_[name] for name in names]]  # in our order
    learned = TopicModel.__new__(TopicModel)._learn_vocabulary(texts)  # what the model fits
    assert abs(expected - learned).max() < 1e-12
    # kept to rank examples: which examples have each n-gram, and how often where not once
    starts, rows = model.by_gram
    again, often = model.repeated
    assert len(again)  # the odd texts repeat n-grams: the factor is tried
    factor = np.ones(len(rows))
    factor[again] = often
    columns = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    weights = model.idf[columns] * model.example_scale[rows] * factor
    kept = csc_matrix((weights, rows, starts), shape=expected.shape)
    assert abs(expected - kept).max() < 1e-6  # the factors are in single precision
    long = " ".join(f"w{n % 50}" for n in range(MAX_WORDS + 40))  # words past MAX_WORDS unused
    probes = ("my uncle does things to me", "zzz unknown words", "a", "", "me me me me my my")
    seen = set()  # the kinds of n-gram the probes' vectors hold, from model.names
    for text in (*probes, long, "x" * (MAX_WORD + 10) + " uncle", "uncle" * 9, *texts[::7]):
        index, values = model._vector(normalize(text))
        row = vectorizer.transform([normalize(text)])
        assert dict(zip(index.tolist(), values.tolist(), strict=True)) == pytest.approx(
            {ours[column]: value for column, value in zip(row.indices, row.data, strict=True)}
        )
        seen.update(names[column][:2] for column in index.tolist())
    assert {"w ", "p ", "t "} <= seen  # the examples' own texts hold runs of two and of three


def test_the_models_scores_are_scikit_learns_regressions_on_nb_weighted_n_grams():
    """Each question is a logistic regression over the tf-idf vectors with every column weighed
    by its log-count ratio (NB-SVM); the model keeps the weights times the ratio, so a text is
    scored without scikit-learn and must score as the library's regressions do."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from app import topic_model
    from app.matching import examples, normalize
    from app.topic_model import MIN_DF, SOME_POWER, TopicModel, features
    from app.validation import load_text

    given = examples(load_text(fixture_text()))
    texts = [normalize(example.text) for example in given]
    model = TopicModel(given, texts, {})
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF)
    matrix = vectorizer.fit_transform(texts)

    def regression(rows, yes, strength):
        # smoothed sums of each column's values in the "yes" and the "no" rows, as shares
        smooth = topic_model.NB_SMOOTHING
        share_yes = smooth + np.asarray(rows[yes].sum(axis=0)).ravel()
        share_no = smooth + np.asarray(rows[~yes].sum(axis=0)).ravel()
        ratio = np.log(share_yes / share_yes.sum() / (share_no / share_no.sum()))
        assert (ratio > 0).any() and (ratio < 0).any()
        weighed = rows.multiply(ratio).tocsr()
        fitted = LogisticRegression(
            C=strength, solver="liblinear", dual=True, tol=topic_model.TOLERANCE, random_state=0
        ).fit(weighed, yes)
        return lambda text: fitted.predict_proba(
            vectorizer.transform([normalize(text)]).multiply(ratio)
        )[0, 1]

    some = np.array([bool(example.topics) for example in given])
    chance_some = regression(matrix, some, topic_model.C_SOME)
    about = matrix[some]
    topical = [example.topics for example in given if example.topics]
    chance_of = {
        topic: regression(about, np.array([topic in t for t in topical]), topic_model.C_TOPIC)
        for topic in model.topics
    }
    probes = ("my uncle does things to me", "i ran away, nowhere to sleep", "hey whats up")
    for text in (*probes, *[example.text for example in given[::9]]):
        scores = model.scores(normalize(text))
        expected = {t: chance_of[t](text) * chance_some(text) ** SOME_POWER for t in model.topics}
        assert {t: scores[t] for t in model.topics} == pytest.approx(expected, abs=1e-5), text


def test_the_nearest_examples_are_the_topics_most_like_the_text():
    """--why names the topic's two examples whose tf-idf vectors are nearest the text's (cosine),
    whatever their length and however often they repeat an n-gram."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from app.matching import examples, normalize
    from app.topic_model import MIN_DF, TopicModel, features
    from app.validation import load_text

    given = examples(load_text(fixture_text()))
    long = "my uncle hits me and hits me and hits me, every night he hits me when mom is out"
    given += [Example(long, ("abuse",), "en"), Example("uncle uncle uncle", ("abuse",), "en")]
    texts = [normalize(example.text) for example in given]
    model = TopicModel(given, texts, {})
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF)
    matrix = vectorizer.fit_transform(texts)
    probes = ("my uncle does things to me", "he hits me", "uncle", "i ran away, nowhere to sleep")
    for text in probes:
        cosine = (matrix @ vectorizer.transform([normalize(text)]).T).toarray().ravel()
        for topic in model.topics:
            nearest = model.explain(normalize(text), topic, alone=True).nearest
            own = [c for c, e in zip(cosine, given, strict=True) if topic in e.topics and c > 0]
            best = sorted(own, reverse=True)[:2]
            got = [cosine[given.index(example)] for example in nearest]
            assert got == pytest.approx(best), (text, topic)


def test_tune_says_which_examples_are_too_few_to_hold_out(tmp_path):
    data = yaml.safe_load(fixture_text())
    data["topics"][0]["examples"] = {"en": ["my daddy takes all the money i make"]}
    path = tmp_path / "referrals.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("tune", str(path))
    assert result.exit_code == 1
    assert f"cannot hold examples out: {data['topics'][0]['id']}:en has a single example" in (
        result.output
    )


def test_explanations_read_runs_of_words_as_words():
    from app.topic_model import describe

    assert describe("p my pimp") == "the words 'my pimp'"
    assert describe("t not like he") == "the words 'not like he'"
    assert describe("<pimp") == "a word starting 'pimp'"


def test_eval_prints_each_topics_precision_and_recall(referrals_file, tmp_path):
    table = tmp_path / "table.tsv"
    table.write_text(
        "text\ttopics\tlanguage\n"
        "i ran away from home last night\trunaway\ten\n"
        "what time is practice\t-\ten\n",
        encoding="utf-8",
    )
    result = run("eval", str(table), "--path", str(referrals_file))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"== {table}: 2 texts"
    assert lines[1].split() == ["topic", "precision", "recall", "texts"]
    runaway = next(line for line in lines if line.startswith("runaway "))
    assert runaway.split() == ["runaway", "100.0%", "100.0%", "1"]
    missing = next(line for line in lines if line.startswith("missing "))
    assert missing.split()[2:] == ["-", "0"]  # no text is about it: no recall to give
    assert "everyday texts given no topic: 1/1 (100.0%)" in lines
    assert "exactly right: 2/2 (100.0%); right language: 2/2" in lines


def test_why_says_what_made_the_model_give_no_topic(referrals_file):
    """A coordinator looking at a miss sees how sure the model was that the text is about some
    topic, what weighed against it, and what the topic it leans to scored."""
    result = run("ask", "--why", "i never ran away lol", "--path", str(referrals_file))
    assert "topics: none" in result.output
    why = next(line for line in result.output.splitlines() if line.startswith("why: no topic"))
    found = re.fullmatch(
        r"why: no topic: no keyword counts, and the model is (0\.\d\d) sure the text is about "
        r"some topic \(against: the word 'lol'.*; nearest everyday examples: 'lol' \(line 1131\); "
        r"'[^']+' \(line \d+\)\); were it, (0\.\d\d|1\.00) sure it is runaway: runaway scores "
        r"(0\.\d{3})\^3 x (0\.\d{3}|1\.000) = (0\.\d{3}) \(needs 0\.30\)",
        why,
    )
    assert found, why
    some, chance, again, chance_again, score = (float(x) for x in found.groups())
    assert abs(some - again) <= 0.005 and abs(chance - chance_again) <= 0.005
    assert again < 0.5 < chance_again  # runaway, had it been about some topic
    assert abs(score - again**3 * chance_again) <= 0.002 and score < 0.3
    assert why.count("'lol'") == 2  # the word, and the file's 'lol' once, not at both its lines
    assert "a word starting 'lol'" not in why  # the word itself says it
    assert (
        "no topic: no keyword, and no word the examples know"
        in run("ask", "--why", "zzzqqq", "--path", str(referrals_file)).output
    )
    assert (
        "sure the text is about some topic"
        not in run("ask", "--why", "lol i ran away", "--path", str(referrals_file)).output
    )  # a topic given: nothing to say of the first question


def test_a_text_the_model_is_sure_needs_help_gets_its_likeliest_topic(signed_post, referrals_file):
    """No topic reaches its threshold, but the model is sure the text is about one: the text gets
    the topic nearest its threshold, if at half of it, and --why says so."""
    text = "where do i sleep"  # no keyword; the fixture's model: runaway 0.2 of the 0.3 it needs
    assert SAFELINE in text_reply(signed_post, text)
    result = run("ask", "--why", text, "--path", str(referrals_file))
    assert "topics: runaway" in result.output
    why = next(line for line in result.output.splitlines() if line.startswith("why: runaway"))
    found = re.match(
        r"why: runaway: yes, as the likeliest topic: the model gives it (0\.\d\d), under the "
        r"0\.30 it needs, but is (0\.\d\d|1\.00) sure the text is about some topic and gives "
        r"it no other, and runaway scores highest, at least half its threshold \(0\.15\)",
        why,
    )
    assert found, why
    score, some = (float(x) for x in found.groups())
    assert 0.15 <= score < 0.3 and some >= 0.9
    # a text a keyword gives a topic is not about nothing: the model adds no likeliest topic
    result = run("ask", "--why", "i have no place to go tonight", "--path", str(referrals_file))
    assert "topics: runaway\n" in result.output, result.output
    assert "likeliest topic" not in result.output
    # sure of some topic, but no topic at half its threshold: none, and --why says what it needed
    result = run("ask", "--why", "can i stay somewhere tonight", "--path", str(referrals_file))
    assert "topics: none" in result.output
    assert re.search(
        r"were it, .* \(needs 0\.30, or 0\.15 as the likeliest topic\)$", result.output, re.M
    ), result.output


def test_the_likeliest_topic_is_the_highest_score_of_a_text_the_model_is_sure_of(
    signed_post, referrals_file, app
):
    """The likeliest topic is the one that scores highest, whatever its threshold; and a text
    the model is less than 0.9 sure is about some topic gets none, however near its threshold."""
    edit(referrals_file, "  - id: basic_needs\n", "  - id: basic_needs\n    threshold: 0.05\n")
    edit(referrals_file, "  - id: abuse\n", "  - id: abuse\n    threshold: 0.1\n")
    app.extensions["referrals"].refresh()
    # runaway scores about 0.2 (needs 0.3), basic needs about 0.035 (needs 0.05): nearer its own
    result = run("ask", "--why", "where do i sleep", "--path", str(referrals_file))
    assert "topics: runaway\n" in result.output, result.output
    assert "why: runaway: yes, as the likeliest topic" in result.output
    # 0.88 sure of some topic; abuse scores about 0.06, over half the 0.1 it needs
    result = run("ask", "--why", "i left", "--path", str(referrals_file))
    assert "topics: none" in result.output, result.output
    why = next(line for line in result.output.splitlines() if line.startswith("why: no topic"))
    some = float(re.search(r"the model is (0\.\d\d) sure", why).group(1))
    leaning = re.search(r"= (0\.\d{3}) \(needs 0\.10\)$", why)
    assert some < 0.9 and leaning and float(leaning.group(1)) >= 0.05, why
    assert ABUSE_LINE not in text_reply(signed_post, "i left")


def test_eval_names_each_bad_line_of_a_table_and_scores_nothing(referrals_file, tmp_path):
    """A misspelt or comma-joined topic would count as a miss: eval refuses the table."""
    table = tmp_path / "table.tsv"
    table.write_text(
        "text\ttopics\tlanguage\n"
        "i ran away from home last night\trunaway\ten\n"
        "i ran away and have not eaten\trunaway,basic_needs\ten\n"
        "my uncle hits me\tabsue\ten\n"
        "\n"
        "what time is practice\t\ten\n"
        "me escape de mi casa runaway es\n"
        "hola\t-\tfr\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(b"text\ttopics\tlanguage\nhola\t-\tes\n\xff\xfe\t-\tes\n")
    result = run("eval", str(table), str(broken), "--path", str(referrals_file))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{table}:3: no topic is called 'runaway,basic_needs' (the referral file's topics: "
        "trafficking, abuse, missing, runaway, crisis, basic_needs, counselling); separate "
        "topics with spaces, not commas",
        f"{table}:4: no topic is called 'absue' (the referral file's topics: trafficking, "
        "abuse, missing, runaway, crisis, basic_needs, counselling)",
        f"{table}:6: no topics: write - for a text about none",
        f"{table}:7: 1 field(s), too few for the first line's columns: separate the text, its "
        "topics and its language with tabs",
        f"{table}:8: the language is 'fr', not en or es",
        f"{broken}:3: is not UTF-8 text: save the table as UTF-8",
        "fix the table(s) and score again",
    ]
    header = tmp_path / "header.tsv"
    header.write_text("text\ttopic\tlanguage\nhola\t-\tes\n", encoding="utf-8")
    result = run("eval", str(header), "--path", str(referrals_file))
    assert result.exit_code == 1
    assert f"{header}:1: the first line must name the columns text, topics and language" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_check_names_an_example_about_several_topics_plainly(referrals_file):
    text = "hi who is this and what is this number for"  # everyday's words
    add_several(referrals_file, ["abuse", "runaway"], [text])
    result = run("check", "--all", str(referrals_file))
    assert (
        f"warning: the bot gives the example about abuse and runaway '{text}' no topic, not "
        "abuse and runaway: add examples like it, or reword it"
    ) in result.output, result.output
