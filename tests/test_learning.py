"""The server's learner process (app/learning.py): whatever goes wrong with it, the model is
still learned, in the calling process, and the log says why."""

import sys

import pytest

from app import learning
from app.learning import Learner
from app.matching import build_index
from app.validation import load_text
from conftest import fixture_text

MODEL_ABUSE = "my uncle does things to me i hate when my mom is at work"  # no keyword in it


def learned_with(learner: Learner):
    try:
        return build_index(load_text(fixture_text()), learner)
    finally:
        learner.close()


def test_a_model_learned_apart_is_the_model_learned_here(caplog):
    here = build_index(load_text(fixture_text()))
    apart = learned_with(Learner())
    assert apart.model.names == here.model.names
    assert (apart.model.weights == here.model.weights).all()
    assert apart.model.examples == here.model.examples  # the caller's, for nearest examples
    assert apart.model.explain("my uncle does things to me", "abuse").nearest
    assert apart.match(MODEL_ABUSE) == here.match(MODEL_ABUSE)
    assert "abuse" in apart.match(MODEL_ABUSE).topics
    assert "could not learn" not in caplog.text


# Learners that go wrong, each a one-line Python program standing in for `python -m app.learning`.
READ = "import pickle, sys, time; sys.stdin.buffer.read(); "
FAULTY = {
    "it cannot start": None,
    "it exits at once": "import sys; sys.exit(2)",
    "it crashes": READ + "sys.exit(1)",
    "it answers nothing": READ,
    "it answers garbage": READ + "sys.stdout.write('not a pickle')",
    "it answers a number": READ + "sys.stdout.buffer.write(pickle.dumps(42))",
    "it answers a class the caller lacks": READ
    + "exec('class Model: pass'); sys.stdout.buffer.write(pickle.dumps(Model()))",
    "it hangs": READ + "time.sleep(600)",
}


@pytest.mark.parametrize("fault", FAULTY)
def test_whatever_goes_wrong_with_the_learner_the_model_is_learned_here(fault, caplog):
    program = FAULTY[fault]
    command = ("/nonexistent/python",) if program is None else (sys.executable, "-c", program)
    index = learned_with(Learner(command, timeout=2))
    assert "abuse" in index.match(MODEL_ABUSE).topics
    assert "could not learn the topic model apart" in caplog.text


def test_a_learner_that_loaded_other_code_refuses_its_job(monkeypatch, caplog):
    # The files changed under a running server: the learner's topic_model.py is not the caller's.
    monkeypatch.setattr(learning, "CODE", "0" * 64)
    index = learned_with(Learner())
    assert "abuse" in index.match(MODEL_ABUSE).topics
    assert f"exited with status {learning.WRONG_CODE}" in caplog.text
    assert "restart it" in caplog.text
