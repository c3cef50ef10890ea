"""Learn a topic model in a process of its own, which hands it back and exits.

A server's master process builds the model its workers share copy-on-write. Learned there,
scikit-learn (about 70 MB) and the learning's garbage (about 90 MB) would stay in the master and
count in every worker's memory; learned apart, only the model comes back: plain arrays and
dictionaries, about 20 MB, which scoring needs nothing but numpy to use.

The learner is a fresh interpreter (`python -m app.learning`), not a fork: the master has threads,
and a fork copies their locks. It reads the examples from its stdin and writes the model to its
stdout, both pickled: the two ends are this package, in the same virtualenv, as the same user.
"""

import logging
import pickle
import subprocess
import sys
from pathlib import Path

from .topic_model import Example, TopicModel

log = logging.getLogger(__name__)
TIMEOUT = 300  # seconds: the shipped file takes about 3; past this, learn in this process


def learn_apart(
    examples: list[Example], normal_texts: list[str], thresholds: dict[str, float]
) -> TopicModel:
    """Return the model learned from the examples by a new process (here, if none can run).

    Raises ValueError, as TopicModel does, if the examples teach nothing.
    """
    job = pickle.dumps((examples, normal_texts, thresholds), pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__],
            input=job,
            capture_output=True,
            check=True,
            timeout=TIMEOUT,
            cwd=Path(__file__).resolve().parent.parent,  # where this package is found
        )
        learned = pickle.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, pickle.UnpicklingError, EOFError) as error:
        log.warning("could not learn the topic model apart (%s); learning it here", error)
        return TopicModel(examples, normal_texts, thresholds)
    if isinstance(learned, ValueError):
        raise learned
    return learned


def main() -> None:
    """Read pickled (examples, texts, thresholds) on stdin; write the model, pickled, on stdout."""
    examples, normal_texts, thresholds = pickle.load(sys.stdin.buffer)
    try:
        learned: TopicModel | ValueError = TopicModel(examples, normal_texts, thresholds)
    except ValueError as error:  # nothing to learn: the caller raises it
        learned = error
    sys.stdout.buffer.write(pickle.dumps(learned, pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
