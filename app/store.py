"""Keep the directory in service and pick up staff edits to its file without a restart."""

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, g

from .directory import Directory
from .matching import Index, Match, build_index
from .replies import SmsReply, compose_sms
from .validation import DirectoryError, Problem, load_file

log = logging.getLogger(__name__)


MAX_CACHED_REPLIES = 1024


@dataclass(frozen=True)
class Snapshot:
    """One loaded directory and its match index: a request uses one snapshot from start to end."""

    directory: Directory
    index: Index
    stamp: tuple[int, int, int]
    loaded_at: float
    replies: dict[Match, SmsReply] = field(default_factory=dict, compare=False, repr=False)

    def compose(self, directory: Directory, match: Match) -> SmsReply:
        """Return compose_sms(directory, match), composed once per snapshot and match.

        Texts about the same topics get the same reply, and composing (trying each topic
        against the four-text budget) costs more than matching.
        """
        if directory is not self.directory:
            return compose_sms(directory, match)
        reply = self.replies.get(match)
        if reply is None:
            if len(self.replies) >= MAX_CACHED_REPLIES:
                self.replies.clear()  # many topic combinations: start over rather than grow
            reply = self.replies[match] = compose_sms(directory, match)
        return reply


def _stamp(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _changed_since(path: Path, stamp: tuple[int, int, int]) -> bool:
    try:
        return _stamp(path) != stamp
    except OSError:
        return True


def _load(path: Path) -> Snapshot:
    stamp = _stamp(path)
    directory = load_file(path)
    return Snapshot(directory, build_index(directory), stamp, time.time())


class DirectoryStore:
    """The directory being served, re-read when its file changes (checked at most every interval).

    A file that is broken, invalid or gone never stops service: the last good directory stays,
    and `problem` says what is wrong until the file is fixed.
    """

    def __init__(self, path: str | Path, check_every: float = 2.0):
        self.path = Path(path)
        self.check_every = check_every
        self.problem: DirectoryError | None = None
        self._snapshot = _load(self.path)  # at start-up a broken file raises: refuse to boot
        self._failed_stamp: tuple[int, int, int] | None = None
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        """Return the snapshot to serve, first re-reading the file if it changed."""
        if time.monotonic() - self._checked >= self.check_every and self._lock.acquire(False):
            try:
                self._refresh()
            finally:
                self._checked = time.monotonic()
                self._lock.release()
        return self._snapshot

    def _refresh(self) -> None:
        try:
            stamp = _stamp(self.path)
            if stamp == self._snapshot.stamp:
                self.problem = None  # back to the file in service (say, restored after a delete)
                return
            if stamp == self._failed_stamp:
                return
            snapshot = _load(self.path)
            if snapshot.stamp != _stamp(self.path):
                return  # still being written: read it again at the next check
        except DirectoryError as error:
            if _changed_since(self.path, stamp):
                return  # caught mid-write: judge the finished file at the next check
            self._failed_stamp = stamp
            self._keep(error)
            return
        except OSError as error:  # deleted, or replaced between the stat and the read
            self._failed_stamp = None
            problem = Problem(1, f"cannot be read ({error.strerror}): restore the file")
            self._keep(DirectoryError(str(self.path), [problem]))
            return
        except Exception as error:  # noqa: BLE001 - a bad edit must never reach a texter
            self._failed_stamp = stamp
            problem = Problem(1, f"cannot be used ({type(error).__name__}): run make check")
            self._keep(DirectoryError(str(self.path), [problem]))
            return
        self._snapshot, self.problem, self._failed_stamp = snapshot, None, None
        log.info("referral directory reloaded from %s", self.path)

    def _keep(self, error: DirectoryError) -> None:
        if self.problem is None or self.problem.report() != error.report():
            log.warning(
                "referral file %s cannot be used; still serving the last good directory:\n%s",
                self.path,
                error.report(),
            )
        self.problem = error


def snapshot() -> Snapshot:
    """Return the snapshot this request uses: taken once, so a request never mixes two files."""
    if "snapshot" not in g:
        g.snapshot = current_app.extensions["referrals"].current()
    return g.snapshot
