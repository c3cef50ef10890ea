"""Learn a topic model in a process of its own, which hands it back and exits.

A server's master process builds the model its workers share copy-on-write. Learned there,
scikit-learn (about 70 MB) and the learning's garbage (about 90 MB) would stay in the master and
count in every worker's memory; learned apart, only the model comes back: plain arrays and
dictionaries, about 20 MB, which scoring needs nothing but numpy to use.

The learner is a fresh interpreter (running this module's main()), not a fork: the master has
threads, and a fork copies their locks. It is started before the file is even read, so that it
imports scikit-learn while the master reads and checks the file, and learns while the master
indexes the keywords; having no threads of its own, it forks to fit on both cores. It reads the
examples from its stdin and writes the model to its stdout, both pickled: the two ends are this
package, in the same virtualenv, as the same user. The job carries a fingerprint of
topic_model.py as the caller loaded it: a learner that imported other code (the files were
updated under a running server) refuses, rather than hand back a model of another shape.

Whatever goes wrong (no process, a crash, a hang past TIMEOUT, an answer that is not a model),
the model is learned in the calling process instead, and the log says why.

Given a model_cache.ModelCache, a learner first looks there for the model of these very
examples: found, it is served and the process is stopped unused; learned, it is kept there for
the next start.
"""

import hashlib
import logging
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path

from . import model_cache, topic_model
from .model_cache import ModelCache, fingerprint
from .topic_model import Example, TopicModel

log = logging.getLogger(__name__)
TIMEOUT = 60.0  # seconds: the shipped file takes about 3; past this, learn in this process
CODE = hashlib.sha256(model_cache.CODE).hexdigest()  # topic_model.py as loaded here
WRONG_CODE = 3  # the learner's exit status when its topic_model.py is not the caller's
# The learner imports this module without running the package's __init__ (Flask and the app's
# other modules: 0.4 s, on the path to the first answer): `app` is made a bare package first.
PACKAGE = Path(__file__).resolve().parent
BOOT = (
    "import sys, types; package = types.ModuleType('app'); "
    f"package.__path__ = [{str(PACKAGE)!r}]; sys.modules['app'] = package; "
    "from app.learning import main; main()"
)


class NothingToLearn(Exception):
    """The examples teach nothing: no n-gram is in two of them."""


class LearningStopped(Exception):
    """The learner was stopped by SIGTERM or SIGINT: the server is being stopped, most likely."""


STOPPED = (-signal.SIGTERM, -signal.SIGINT)  # a learner's exit status when told to stop


class Learner:
    """A process ready to learn one topic model: start it, give it the examples, take the model.

    `command` and `timeout` are for tests, which stand a failing learner in for the real one.
    With `give_up_if_stopped` (a reload: the last good directory still serves), a learner stopped
    by SIGTERM or SIGINT raises LearningStopped instead of the model being learned here: that is
    how a stop of the whole server (`kill -- -PGID`, Ctrl-C) reaches it, and the master would
    learn for seconds before it could stop.
    """

    def __init__(
        self,
        command: tuple[str, ...] | None = None,
        timeout: float = TIMEOUT,
        give_up_if_stopped: bool = False,
        cache: ModelCache | None = None,
    ):
        self.timeout = timeout
        self.give_up_if_stopped = give_up_if_stopped
        self.cache = cache
        self._fingerprint: str | None = None
        self._kept: TopicModel | None = None  # read from the cache: nothing to learn
        self._job: tuple | None = None
        self._answer: bytes | None = None
        self._error: str | None = None
        self._talking: threading.Thread | None = None
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                command or [sys.executable, "-c", BOOT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=PACKAGE.parent,
            )
        except OSError as error:
            self._process, self._error = None, f"it could not start: {error}"

    def submit(
        self, examples: list[Example], normal_texts: list[str], thresholds: dict[str, float]
    ) -> None:
        """Hand the learner its examples, and return while it learns."""
        self._job = (examples, normal_texts, thresholds)
        if self.cache is not None:
            self._fingerprint = fingerprint(examples, normal_texts)
            self._kept = self.cache.read(self._fingerprint, examples, thresholds)
            if self._kept is not None:
                self.close()  # it never learns: its job is done
                return
        if self._process is not None:
            # plain tuples: 15,000 dataclasses take a tenth of a second to unpickle
            rows = [(e.text, e.topics, e.language, e.line) for e in examples]
            job = pickle.dumps((CODE, rows, normal_texts, thresholds), pickle.HIGHEST_PROTOCOL)
            self._talking = threading.Thread(target=self._talk, args=(job,), daemon=True)
            self._talking.start()

    def _talk(self, job: bytes) -> None:
        process = self._process
        try:
            answer, problem = process.communicate(job, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()  # reap it, and close the pipes
            self._error = f"it was still learning after {self.timeout:g} s"
            return
        except OSError as error:  # it died before reading its job, say
            process.kill()
            process.wait()
            self._error = f"it could not be given its job: {error}"
            return
        if process.returncode:
            last = problem.decode(errors="replace").strip().splitlines()[-1:]
            self._error = f"it exited with status {process.returncode} {last}"
        else:
            self._answer = answer

    def result(self) -> TopicModel:
        """Return the model learned from the submitted examples.

        Raises NothingToLearn if the examples teach nothing.
        """
        if self._kept is not None:
            return self._kept
        model = self._learned()
        if self.cache is not None:
            self.cache.save(self._fingerprint, model)
        return model

    def _learned(self) -> TopicModel:
        if self._talking is not None:
            self._talking.join()
        learned = None if self._answer is None else self._unpickle(self._answer)
        stopped = self._process is not None and self._process.returncode in STOPPED
        if learned is None and stopped and self.give_up_if_stopped:
            raise LearningStopped(self._error)
        if learned is None:
            log.warning("could not learn the topic model apart (%s); learning it here", self._error)
            try:
                return TopicModel(*self._job)
            except ValueError as error:
                raise NothingToLearn(str(error)) from error
        if learned == "nothing to learn":
            raise NothingToLearn("no n-gram is in two examples")
        learned.examples = self._job[0]  # the learner sends back none: they are these
        return learned

    def _unpickle(self, answer: bytes) -> "TopicModel | str | None":
        try:
            learned = pickle.loads(answer)
        except Exception as error:  # noqa: BLE001 - garbage, or classes this process lacks
            self._error = f"its answer could not be read: {type(error).__name__}"
            return None
        if not isinstance(learned, TopicModel) and learned != "nothing to learn":
            self._error = f"its answer is a {type(learned).__name__}, not a model"
            return None
        return learned

    def close(self) -> None:
        """Stop the learner if it still runs (say, the file was refused before it was used)."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        if self._talking is not None:
            self._talking.join()  # communicate() reaps the process and closes the pipes
            return
        process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            stream.close()


_shared: list | None = None  # the questions (see topic_model.fit_one_by_one) the forks read
FORK_FROM = 2000  # examples: with fewer, starting two processes costs more than it saves


def fitter(examples: int):
    """Return how this process should fit the regressions of a model of so many examples: on
    two cores, by forking, if it has no thread but this one (a fork copies other threads'
    locks, held or not) and the examples are many; else one after another, here."""
    if examples >= FORK_FROM and threading.active_count() == 1:
        return fit_on_two_cores
    return topic_model.fit_one_by_one


def _fit_question(k: int) -> tuple:
    return topic_model.fit(*_shared[k])


def fit_on_two_cores(questions: list[tuple]) -> list[tuple]:
    """Fit the model's regressions in two forked processes: the learner has no threads, so a
    fork is safe here, and the master waits on it with both cores idle."""
    import multiprocessing

    global _shared
    _shared = questions  # inherited by the forks, never pickled
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            return pool.map(_fit_question, range(len(questions)))
    except OSError:  # no process to spare: one after another, here
        return topic_model.fit_one_by_one(questions)
    finally:
        _shared = None


def main() -> None:
    """Read a pickled (fingerprint, examples, texts, thresholds) on stdin; write the model,
    pickled, on stdout, or exit with WRONG_CODE if this topic_model.py is not the caller's."""
    from sklearn.linear_model import LogisticRegression  # noqa: F401 - while the caller reads

    code, rows, normal_texts, thresholds = pickle.load(sys.stdin.buffer)
    if code != CODE:
        sys.stderr.write("topic_model.py changed since the server started: restart it\n")
        sys.exit(WRONG_CODE)
    examples = [Example(*row) for row in rows]
    try:
        learned: TopicModel | str = TopicModel(
            examples, normal_texts, thresholds, fit_all=fit_on_two_cores
        )
        learned.examples = []  # the caller has them: sending them back costs it 0.1 s
    except ValueError:
        learned = "nothing to learn"
    sys.stdout.buffer.write(pickle.dumps(learned, pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
