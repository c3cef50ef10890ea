"""A server keeps the topic model it learned (app/model_cache.py): a restart with the same examples
reads it back instead of learning again, and anything else learns afresh."""

import hashlib
import logging
import os
import time

import numpy as np
import pytest

from app import create_app, learning, matching, model_cache, store
from conftest import BASE_URL, TOKEN, fifo, fixture_text, sign, twiml

MODEL_ONLY = (  # texts no keyword in the fixture gives a topic: the model decides
    "my uncle does things to me i hate when my mom is at work",
    "he put me on the track again last night",
    "my sister has been gone since friday and her phone goes straight to voicemail",
)
NO_LEARNER = "import sys; sys.exit(5)"  # a learner that fails: the model would be learned here


@pytest.fixture(autouse=True)
def infos(caplog):
    caplog.set_level(logging.INFO)


def serve(referrals_file, state, monkeypatch, learner=None):
    """Start the app as a server does (learning apart), with the given learner program."""
    if learner is not None:
        monkeypatch.setattr(learning, "BOOT", learner)
    config = {
        "TESTING": True,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "REFERRALS_PATH": str(referrals_file),
        "REFERRALS_STATE_DIR": str(state),
        "REFERRALS_LEARN_APART": True,
        "RELOAD_SECONDS": 0,
    }
    return create_app(config)


def replies(app):
    client, found = app.test_client(), []
    for text in MODEL_ONLY:
        data = {"Body": text, "From": "+15550100"}
        signature = sign(BASE_URL + "/sms", data)
        response = client.post(
            "/sms", data=data, base_url=BASE_URL, headers={"X-Twilio-Signature": signature}
        )
        found.append(twiml(response).find("Message").text)
    return found


def model(app):
    return app.extensions["referrals"].in_service.index.model


def kept(state):
    return [name for name in os.listdir(state) if name.startswith("model-")]


@pytest.mark.parametrize(
    "name",
    [
        "referrals.yaml",
        "referrals-" + "x" * 230 + ".yaml",  # 245 of the 255 bytes a file's name may hold
        "転送" * 40 + ".yaml",  # 80 characters, 245 bytes
    ],
)
def test_a_restart_reads_the_model_it_learned_instead_of_learning_again(
    name, tmp_path, monkeypatch, caplog
):
    referrals_file = tmp_path / name
    referrals_file.write_text(fixture_text(), encoding="utf-8")
    state = tmp_path / "state"
    first = serve(referrals_file, state, monkeypatch)
    assert "no topic model kept at" in caplog.text  # the first start says why it learns
    assert len(kept(state)) == 1
    caplog.clear()
    again = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "topic model read from" in caplog.text
    assert "could not learn" not in caplog.text  # its learner was never needed
    assert "learning it" not in caplog.text  # nor says it learns
    assert replies(again) == replies(first)
    assert "Trafficking" in " ".join(replies(again))
    one, other = model(first), model(again)
    for text in MODEL_ONLY:
        assert other.scores(text) == one.scores(text)
        assert other.explain(text, "abuse", alone=True) == one.explain(
            text, "abuse", alone=True
        )  # the nearest examples
    assert other.examples == one.examples


def test_an_edit_to_the_examples_learns_afresh_and_replaces_the_kept_model(
    referrals_file, tmp_path, monkeypatch, caplog
):
    state = tmp_path / "state"
    serve(referrals_file, state, monkeypatch)
    (name,) = kept(state)
    before = (state / name).read_bytes()
    text = referrals_file.read_text(encoding="utf-8")
    added = (
        "        - he put me on the track last week and said its just till we get our own place\n"
    )
    assert text.count(added) == 1
    referrals_file.write_text(
        text.replace(added, added + "        - he makes me work the blade every night\n"), "utf-8"
    )
    caplog.clear()
    learned = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "could not learn the topic model apart" in caplog.text  # it learned: a new example
    assert "learning it afresh" in caplog.text  # and why
    assert "topic model read from" not in caplog.text
    assert kept(state) == [name]  # one copy per referral file, replaced
    assert (state / name).read_bytes() != before
    caplog.clear()
    read = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "topic model read from" in caplog.text
    assert (model(read).weights == model(learned).weights).all()
    assert len(model(read).examples) == len(model(learned).examples)


def test_new_code_learns_afresh(referrals_file, tmp_path, monkeypatch, caplog):
    state = tmp_path / "state"
    serve(referrals_file, state, monkeypatch)
    monkeypatch.setattr(model_cache, "CODE", b"another topic_model.py")
    caplog.clear()
    serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "could not learn the topic model apart" in caplog.text
    assert "learning it afresh" in caplog.text
    assert "topic model read from" not in caplog.text


def spanish(text):
    """Trafficking's last English example, filed as its first Spanish one: the examples are
    the same texts in the same order, one of them in another language."""
    examples = text.index("    examples:\n", text.index("  - id: trafficking\n"))
    english = text.index("      en:\n", examples)
    spanish = text.index("      es:\n", english)
    example = text[text.rindex("        - ", english, spanish) : spanish]  # "        - ...\n"
    moved = spanish - len(example) + len("      es:\n")  # past "es:" once the example is out
    text = text[: spanish - len(example)] + text[spanish:]
    return text[:moved] + example + text[moved:]


@pytest.mark.parametrize("change", ["an example's language", "how texts are folded"])
def test_whatever_learning_reads_is_in_the_fingerprint(
    change, referrals_file, tmp_path, monkeypatch, caplog
):
    state = tmp_path / "state"
    serve(referrals_file, state, monkeypatch)
    if change == "an example's language":
        referrals_file.write_text(spanish(referrals_file.read_text("utf-8")), "utf-8")
    else:  # the examples as written are the same; their normal forms are not
        monkeypatch.setitem(matching.SHORTHAND, "idk", "i do not know")
    caplog.clear()
    served = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "could not learn the topic model apart" in caplog.text
    assert "topic model read from" not in caplog.text
    assert "cannot be used" not in caplog.text
    assert "abuse" in model(served).read(MODEL_ONLY[0], alone=False)[0]


def test_a_threshold_edit_applies_to_the_kept_model(referrals_file, tmp_path, monkeypatch, caplog):
    state = tmp_path / "state"
    first = serve(referrals_file, state, monkeypatch)
    text = referrals_file.read_text(encoding="utf-8")
    assert text.count("  - id: abuse\n") == 1
    referrals_file.write_text(
        text.replace("  - id: abuse\n", "  - id: abuse\n    threshold: 0.95\n"), "utf-8"
    )
    caplog.clear()
    again = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "topic model read from" in caplog.text  # thresholds are not learned
    assert "cannot be used" not in caplog.text
    assert model(again).thresholds["abuse"] == 0.95
    assert model(first).thresholds["abuse"] != 0.95
    before, after = (
        model(app).explain(MODEL_ONLY[0], "abuse", alone=True) for app in (first, again)
    )
    assert before.given and before.alone is None  # past its threshold
    # under the new one: given only as the likeliest topic of a text surely about one
    assert after.score == before.score < 0.95 and after.alone is not None


class Planted:
    """Unpickled, it creates a file: what a planted pickle could do, and worse."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "cut short",
        "arrays that do not fit",
        "words' starts out of order",
        "words' columns in floats",
        "a pickle",
        "a named pipe",
    ],
)
def test_a_kept_model_that_cannot_be_trusted_is_learned_again(
    damage, referrals_file, tmp_path, monkeypatch, caplog
):
    state = tmp_path / "state"
    first = serve(referrals_file, state, monkeypatch)
    (name,) = kept(state)
    path = state / name
    if damage == "garbage":
        path.write_bytes(b"\x00not a model\xff" * 100)
    elif damage == "a named pipe":  # no writer: reading it would wait forever
        path.unlink()
        fifo(path)
    elif damage == "cut short":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        with np.load(path, allow_pickle=False) as found:
            arrays = {key: found[key] for key in found.files}
        if damage == "a pickle":  # which would run code as it is read: never read
            arrays["bias"] = np.array([Planted(tmp_path / "planted")], dtype=object)
        elif damage == "words' starts out of order":  # each word would read others' columns
            starts = arrays["known_starts"]
            starts[1], starts[2] = starts[2], starts[1] - 1
        elif damage == "words' columns in floats":  # numbers, but no index: every text fails
            arrays["known_columns"] = arrays["known_columns"].astype(np.float64)
        else:
            arrays["weights"] = arrays["weights"][:-1]
        np.savez(path, **arrays)
    caplog.clear()
    again = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "cannot be used" in caplog.text
    assert not (tmp_path / "planted").exists()
    assert "could not learn the topic model apart" in caplog.text  # learned here instead
    assert replies(again) == replies(first)
    caplog.clear()
    serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "topic model read from" in caplog.text  # the learned one replaced the bad copy


def test_a_model_kept_where_others_can_write_is_never_read(
    referrals_file, tmp_path, monkeypatch, caplog
):
    state = tmp_path / "state"
    serve(referrals_file, state, monkeypatch)
    state.chmod(0o777)
    caplog.clear()
    served = serve(referrals_file, state, monkeypatch, learner=NO_LEARNER)
    assert "no one else can write to" in caplog.text
    assert "no topic model kept" not in caplog.text  # the folder is the reason, not a miss
    assert "could not learn the topic model apart" in caplog.text
    assert "topic model read from" not in caplog.text
    assert "abuse" in model(served).read(MODEL_ONLY[0], alone=False)[0]


def test_a_model_that_cannot_be_kept_still_serves(referrals_file, tmp_path, monkeypatch, caplog):
    def fail(self):
        raise MemoryError

    monkeypatch.setattr(model_cache.TopicModel, "arrays", fail)
    state = tmp_path / "state"
    served = serve(referrals_file, state, monkeypatch)
    assert "cannot keep the learned topic model" in caplog.text
    assert "MemoryError" in caplog.text
    assert kept(state) == []
    assert not [name for name in os.listdir(state) if name.startswith(".saving")]
    assert "abuse" in model(served).read(MODEL_ONLY[0], alone=False)[0]


def test_state_files_keep_their_names_from_release_to_release(tmp_path):
    # A restarted server finds the last good copy an older release kept under this name.
    path = tmp_path / "referrals.yaml"
    key = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    assert store.LastGood(path, tmp_path).location == tmp_path / f"last-good-{key}-referrals.yaml"
    assert model_cache.ModelCache(path, tmp_path).location.name == f"model-{key}-referrals.yaml.npz"


def test_a_save_clears_what_a_save_cut_short_left(referrals_file, tmp_path, monkeypatch):
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    old, recent = state / ".saving-died-an-hour-ago", state / ".saving-still-writing"
    for leftover in (old, recent):
        leftover.write_bytes(b"half a model")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    serve(referrals_file, state, monkeypatch)
    assert len(kept(state)) == 1
    assert not old.exists()
    assert recent.exists()  # another process may be writing it now
