"""Learn a topic model in a process of its own, which hands it back and exits.

A server's master process builds the model its workers share copy-on-write. Learned there,
scikit-learn (about 70 MB) and the learning's garbage (about 90 MB) would stay in the master and
count in every worker's memory; learned apart, only the model comes back: plain arrays and
dictionaries, about 20 MB, which scoring needs nothing but numpy to use.

The learner is a fresh interpreter (`python -m app.learning`), not a fork: the master has threads,
and a fork copies their locks. It is started before the file is even parsed, so that it imports
scikit-learn while the master reads and checks the file, and learns while the master indexes the
keywords. It reads the examples from its stdin and writes the model to its stdout, both pickled:
the two ends are this package, in the same virtualenv, as the same user.
"""

import logging
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from .topic_model import Example, TopicModel

log = logging.getLogger(__name__)
TIMEOUT = 300  # seconds: the shipped file takes about 3; past this, learn in this process


class Learner:
    """A process ready to learn one topic model: start it, give it the examples, take the model.

    If it cannot start, or fails, the model is learned in the calling process instead (logged).
    """

    def __init__(self):
        self._job: tuple | None = None
        self._answer: bytes | None = None
        self._error: BaseException | None = None
        self._talking: threading.Thread | None = None
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=Path(__file__).resolve().parent.parent,  # where this package is found
            )
        except OSError as error:
            log.warning("could not start a process to learn the topic model (%s)", error)
            self._process = None

    def submit(
        self, examples: list[Example], normal_texts: list[str], thresholds: dict[str, float]
    ) -> None:
        """Hand the learner its examples, and return while it learns."""
        self._job = (examples, normal_texts, thresholds)
        if self._process is not None:
            job = pickle.dumps(self._job, pickle.HIGHEST_PROTOCOL)
            self._talking = threading.Thread(target=self._talk, args=(job,), daemon=True)
            self._talking.start()

    def _talk(self, job: bytes) -> None:
        try:
            answer, problem = self._process.communicate(job, timeout=TIMEOUT)
            if self._process.returncode:
                last = problem.decode(errors="replace").strip().splitlines()[-1:]
                raise OSError(f"the learner exited with {self._process.returncode}: {last}")
            self._answer = answer
        except (OSError, subprocess.SubprocessError) as error:
            self._error = error

    def result(self) -> TopicModel:
        """Return the model learned from the submitted examples.

        Raises ValueError, as TopicModel does, if the examples teach nothing.
        """
        learned = None
        if self._talking is not None:
            self._talking.join()
            try:
                learned = pickle.loads(self._answer) if self._error is None else None
            except (pickle.UnpicklingError, EOFError, TypeError) as error:
                self._error = error
        if learned is None:
            why = self._error or "no process"
            log.warning("could not learn the topic model apart (%s); learning it here", why)
            learned = TopicModel(*self._job)
        if isinstance(learned, ValueError):
            raise learned
        return learned

    def close(self) -> None:
        """Stop the learner if it still runs (say, the file was refused before it was used)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if not stream.closed:
                stream.close()


def main() -> None:
    """Read pickled (examples, texts, thresholds) on stdin; write the model, pickled, on stdout."""
    from sklearn.linear_model import LogisticRegression  # noqa: F401 - while the master reads

    examples, normal_texts, thresholds = pickle.load(sys.stdin.buffer)
    try:
        learned: TopicModel | ValueError = TopicModel(examples, normal_texts, thresholds)
    except ValueError as error:  # nothing to learn: the caller raises it
        learned = error
    sys.stdout.buffer.write(pickle.dumps(learned, pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
