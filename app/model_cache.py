"""Keep the topic model learned for a referral file, so that a restart need not learn it again.

Learning the shipped file's model takes a server 2 to 4 s, most of its start: a restart (a
deploy, a crash, a reboot) had its first text wait for it. The learned arrays are kept in the
state folder (see state_folder), one copy per referral file, and a server that starts or reloads
with the same examples reads them back in a few hundredths of a second.

The model is still built from the YAML. The copy carries a fingerprint of everything learning
reads: the examples, their topics and languages, their normal forms (so a change to
`normalize` counts), topic_model.py (which learns, and says what the arrays are), the
versions of Python, numpy, scipy and scikit-learn, and the machine's architecture. An edit
to the examples, or new code, misses and learns afresh, and its model replaces the copy.
Thresholds are not learned: they are applied from the file each time.

Plain arrays in numpy's .npz, read without pickle: a file, whoever wrote it, cannot run code. A
copy that cannot be read, whose arrays do not fit one another and the examples, or that is
not a regular file, is logged and ignored, and the model is learned: a kept model never keeps
a texter from an answer.
"""

import hashlib
import logging
import os
import platform
import stat
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

from . import state_folder, topic_model
from .topic_model import Example, TopicModel

log = logging.getLogger(__name__)

WHAT = "the learned topic model"
LIBRARIES = ("numpy", "scipy", "scikit-learn")
# topic_model.py as this process loaded it (learning.CODE is its hash): files updated under a
# running server must not label the model its old code learns as the new code's
CODE = Path(topic_model.__file__).read_bytes()


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "none"


def fingerprint(examples: list[Example], normal_texts: list[str]) -> str:
    """Return the fingerprint of a model's learning: the same only for the same model."""
    digest = hashlib.sha256()
    digest.update(CODE)
    digest.update(f"\x1d{sys.version} {platform.machine()}".encode())
    for library in LIBRARIES:
        digest.update(f"\x1d{library} {_version(library)}".encode())
    for example, normal in zip(examples, normal_texts, strict=True):
        # separators no normalised text or topic id holds; the text as given, and as folded
        fields = (example.text, ",".join(example.topics), example.language, normal)
        digest.update(("\x1e" + "\x1f".join(fields)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ModelCache:
    """The learned model of one referral file, kept in the state folder."""

    def __init__(self, referral_path: Path, state_dir: str | Path | None = None):
        self.location = state_folder.file_for(
            state_folder.path(state_dir), referral_path, "model", ".npz"
        )

    def read(
        self, fingerprint: str, examples: list[Example], thresholds: dict[str, float]
    ) -> TopicModel | None:
        """Return the kept model if it was learned from these very examples, else None."""
        if not state_folder.usable(self.location.parent, WHAT):
            return None
        try:
            # never waits (a named pipe in its place) nor follows a link; a regular file only
            handle = os.open(self.location, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                os.close(handle)
                raise ValueError("it is not a regular file")
            with open(handle, "rb") as file, np.load(file, allow_pickle=False) as kept:
                if str(kept["fingerprint"]) != fingerprint:
                    # other examples, code or libraries: staff should see why this start
                    # takes seconds longer than the last
                    log.info(
                        "the kept topic model %s was learned from other examples, code or"
                        " library versions; learning it afresh",
                        self.location,
                    )
                    return None
                arrays = {name: kept[name] for name in kept.files if name != "fingerprint"}
            model = TopicModel.from_arrays(arrays, examples, thresholds)
        except FileNotFoundError:  # the first start, or the first since the folder was emptied
            log.info("no topic model kept at %s yet; learning it", self.location)
            return None
        except Exception as error:  # noqa: BLE001 - whatever is wrong with it, learn the model
            log.warning(
                "the kept topic model %s cannot be used (%s: %s); learning it",
                self.location,
                type(error).__name__,
                error,
            )
            return None
        log.info("topic model read from %s: the examples are unchanged", self.location)
        return model

    def save(self, fingerprint: str, model: TopicModel) -> None:
        """Keep `model`, replacing any other; a failure is logged, never raised."""

        def fill(file) -> None:
            np.savez(file, fingerprint=np.array(fingerprint), **model.arrays())

        # no fsync: a copy cut short by a power cut is refused and learned again
        state_folder.write(self.location, fill, WHAT, sync=False)
