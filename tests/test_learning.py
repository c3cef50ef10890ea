"""The server's learner process (app/learning.py): whatever goes wrong with it, the model is
still learned, in the calling process, and the log says why."""

import subprocess
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
    assert apart.model.explain("my uncle does things to me", "abuse", alone=True).nearest
    assert apart.match(MODEL_ABUSE) == here.match(MODEL_ABUSE)
    assert "abuse" in apart.match(MODEL_ABUSE).topics
    assert "could not learn" not in caplog.text


FORKS = """
import sys, threading
from app import learning
from app.matching import build_index
from app.validation import load_text
text = sys.stdin.read()
one_by_one = build_index(load_text(text))  # the fixture is below FORK_FROM
learning.FORK_FROM = 0
forked = []
fit = learning.fit_on_two_cores
learning.fit_on_two_cores = lambda questions: forked.append(1) or fit(questions)
two_cores = build_index(load_text(text))
same = (two_cores.model.weights == one_by_one.model.weights).all()
same = same and (two_cores.model.bias == one_by_one.model.bias).all()
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
build_index(load_text(text))  # with another thread: no fork
stop.set()
other.join()
print(len(forked), bool(same))
"""


def test_a_process_with_one_thread_fits_on_two_cores_and_gets_the_same_model():
    # in a process of its own: this one may have threads of earlier tests running
    done = subprocess.run(
        [sys.executable, "-c", FORKS], input=fixture_text(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "True"]  # forked once (not with a second thread)


# Learners that go wrong, each a one-line Python program standing in for `python -m app.learning`.
READ = "import pickle, sys, time; sys.stdin.buffer.read(); "
STOP = READ + "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"  # as `kill -- -PGID`
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
    "it is stopped, at start": STOP,
}


@pytest.mark.parametrize("fault", FAULTY)
def test_whatever_goes_wrong_with_the_learner_the_model_is_learned_here(fault, caplog):
    program = FAULTY[fault]
    command = ("/nonexistent/python",) if program is None else (sys.executable, "-c", program)
    index = learned_with(Learner(command, timeout=2))
    assert "abuse" in index.match(MODEL_ABUSE).topics
    assert "could not learn the topic model apart" in caplog.text


def test_a_learner_stopped_during_a_reload_gives_up_rather_than_learn_here(caplog):
    with pytest.raises(learning.LearningStopped):
        learned_with(Learner((sys.executable, "-c", STOP), give_up_if_stopped=True))
    assert "learning it here" not in caplog.text


def test_a_learner_that_loaded_other_code_refuses_its_job(monkeypatch, caplog):
    # The files changed under a running server: the learner's topic_model.py is not the caller's.
    monkeypatch.setattr(learning, "CODE", "0" * 64)
    index = learned_with(Learner())
    assert "abuse" in index.match(MODEL_ABUSE).topics
    assert f"exited with status {learning.WRONG_CODE}" in caplog.text
    assert "restart it" in caplog.text
