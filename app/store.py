"""Keep the directory in service, and swap in staff edits to its file without a restart.

A request only ever reads the snapshot in service. Loading, validating and indexing a file happen
off the request path: under gunicorn in the master, which builds once and forks new workers with
the result (see gunicorn.conf.py); under any other server on a watcher thread per process,
started by its first request. A text never waits for a build.
"""

import hashlib
import logging
import os
import pickle
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, g

from . import state_folder
from .directory import Directory
from .learning import Learner, LearningStopped
from .matching import Index, Match, build_index
from .model_cache import ModelCache
from .replies import SmsReply, compose_sms
from .validation import DirectoryError, Problem, load_bytes, read_file

log = logging.getLogger(__name__)


MAX_CACHED_REPLIES = 1024
PAUSE_AFTER_STOP = 60  # seconds without reloads after a learner was stopped by a signal

Stamp = tuple[int, int, int]


@dataclass(frozen=True)
class Snapshot:
    """One loaded directory and its match index: a request uses one snapshot from start to end."""

    directory: Directory
    index: Index
    stamp: Stamp | None  # the file's (mtime, size, inode) when read; None: the last good copy
    loaded_at: float
    digest: str  # SHA-256 of the file's bytes: which text this is, wherever it was read from
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


def _stamp(info: os.stat_result) -> Stamp:
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _load(raw: bytes, filename: str) -> Directory:
    """Return the directory of a file's bytes (or raise DirectoryError), copied in one go.

    Parsing leaves the directory's strings (60,000 with the shipped file's examples) scattered
    among the parser's freed nodes: the memory between them cannot be given back, and every
    worker forked from the master holds it. Its copy, made once the original is gone, lies
    together, and what the parser used can be given back (gunicorn.conf.py trims before each
    fork). Measured on each worker under gunicorn: 142.9 -> 134.3 MB with the shipped file,
    156.9 -> 145.1 MB with make bench's 100x file, for 0.09 s a load.
    """
    packed = pickle.dumps(load_bytes(raw, filename), pickle.HIGHEST_PROTOCOL)
    return pickle.loads(packed)  # the parser's objects and the original are freed by now


def _build(
    raw: bytes,
    filename: str,
    stamp: Stamp | None,
    learn_apart: bool,
    reloading: bool = False,
    cache: ModelCache | None = None,
) -> Snapshot:
    """Return the snapshot of a file's bytes: validated and indexed, or DirectoryError.

    With `learn_apart`, a learner process starts first: it readies itself while the file is
    checked, and learns while the keywords are indexed. When `reloading`, a learner stopped by
    a signal raises LearningStopped (see learning.Learner). The learner reads the model from
    `cache` instead, if it was learned from these very examples, and keeps it there if not.
    """
    learner = Learner(give_up_if_stopped=reloading, cache=cache) if learn_apart else None
    try:
        directory = _load(raw, filename)
        index = build_index(directory, learner)
    except (DirectoryError, LearningStopped):
        raise
    except Exception as error:  # a bad edit must never reach a texter
        problem = Problem(1, f"cannot be used ({type(error).__name__}): run make check")
        raise DirectoryError(filename, [problem]) from error
    finally:
        if learner is not None:
            learner.close()
    return Snapshot(directory, index, stamp, time.time(), hashlib.sha256(raw).hexdigest())


class LastGood:
    """A copy of the last good file's bytes, where every worker and a restarted server find it.

    It lives in the state folder (see state_folder), named for the referral file's absolute path, so
    two deployments on one machine keep separate copies.
    """

    WHAT = "the last good referral file"

    def __init__(self, path: Path, state_dir: str | Path | None = None):
        self.folder = state_folder.path(state_dir)
        self.location = state_folder.file_for(self.folder, path, "last-good")

    def save(self, raw: bytes) -> None:
        """Keep `raw` as the last good file; a failure is logged, never raised."""
        state_folder.write(self.location, lambda file: file.write(raw), self.WHAT)

    def read(self) -> bytes | None:
        """Return the last good file's bytes, or None if none is kept."""
        if not state_folder.usable(self.folder, self.WHAT):
            return None
        try:
            if not self.location.is_file():
                return None
            return read_file(self.location)[0]
        except OSError as error:  # a name too long, say: no copy can be kept there either
            log.warning("the last good referral file cannot be read: %s", error)
            return None
        except DirectoryError as error:
            log.warning("the last good referral file cannot be read: %s", error.one_line())
            return None


class DirectoryStore:
    """The directory being served, re-read off the request path when its file changes.

    A file that is broken, invalid or gone never stops service: the last good directory stays
    (or, in a new process, is read from the kept copy), and `problem` says what is wrong until
    the file is fixed. Only with no good directory at all does the store refuse to start.
    """

    def __init__(
        self,
        path: str | Path,
        check_every: float = 2.0,
        state_dir: str | Path | None = None,
        learn_apart: bool = False,
    ):
        self.path = Path(path)
        self.learn_apart = learn_apart  # learn each model in a process of its own (a server)
        self._paused_until = 0.0  # monotonic time: no reload before it (see LearningStopped)
        self.check_every = check_every  # seconds between checks; 0: no watcher (a test drives it)
        self.watching = check_every > 0  # False: someone else watches (gunicorn's master)
        self.last_good = LastGood(self.path, state_dir)
        self.model_cache = ModelCache(self.path, state_dir)
        self.problem: DirectoryError | None = None
        self._failed_stamp: Stamp | None = None
        self._refreshing = threading.Lock()
        self._starting = threading.Lock()  # never held during a build: a request may take it
        self._watcher_pid: int | None = None
        self._closed = threading.Event()
        self._snapshot = self._first_snapshot()

    def current(self) -> Snapshot:
        """Return the snapshot in service: never reads or builds anything."""
        if self.watching and self._watcher_pid != os.getpid():
            self._start_watching()
        return self._snapshot

    def _start_watching(self) -> None:
        # Once per process: a forked worker inherits the attribute but not the thread.
        with self._starting:
            if self._watcher_pid == os.getpid():
                return
            self._watcher_pid = os.getpid()
            self._closed = threading.Event()
        threading.Thread(
            target=self._watch, args=(self._closed,), name="referrals-watcher", daemon=True
        ).start()

    def _watch(self, closed: threading.Event) -> None:
        while not closed.is_set():
            try:
                self.refresh()
            except Exception:  # the watcher must outlive any one bad check
                log.exception("checking the referral file %s failed", self.path)
            closed.wait(self.check_every)

    def close(self) -> None:
        """Stop this process's watcher (the snapshot in service stays)."""
        self.watching = False
        self._closed.set()

    @property
    def in_service(self) -> Snapshot:
        """Return the snapshot in service, without starting a watcher."""
        return self._snapshot

    def changed(self) -> Stamp | None:
        """Return the file's stamp if it is neither in service nor already refused (a stat only);
        None while reloads pause after a stopped learner, so that the edit is signalled afresh
        when the pause ends."""
        stamp = self._stat()
        if stamp in (self._snapshot.stamp, self._failed_stamp) or self.paused():
            return None
        return stamp

    def paused(self) -> bool:
        """Tell whether reloads pause after a learner was stopped (see LearningStopped)."""
        return time.monotonic() < self._paused_until

    def _first_snapshot(self) -> Snapshot:
        try:
            raw, info = read_file(self.path)
            snapshot = _build(
                raw, str(self.path), _stamp(info), self.learn_apart, cache=self.model_cache
            )
        except DirectoryError as error:
            kept = self._from_last_good()
            if kept is None:
                raise DirectoryError(
                    error.filename,
                    [
                        *error.problems,
                        Problem(1, f"(no last good copy at {self.last_good.location} to serve)"),
                    ],
                ) from None
            self._failed_stamp = self._stat()
            self.problem = error
            log.warning(
                "referral file %s cannot be used; serving the last good copy %s: %s",
                self.path,
                self.last_good.location,
                error.one_line(),
            )
            return kept
        self.last_good.save(raw)
        return snapshot

    def _stat(self) -> Stamp | None:
        try:
            return _stamp(os.stat(self.path))  # a stat never opens: a FIFO cannot hang it
        except OSError:
            return None

    def refresh(self) -> Snapshot:
        """Load the file if it changed, put the new snapshot in service when it is built, and
        return the snapshot in service.

        The watcher calls this every `check_every` seconds, and gunicorn's master before each
        fork; a test may call it to stand for the watcher.
        """
        with self._refreshing:
            self._refresh()
            return self._snapshot

    def _refresh(self) -> None:
        stamp = self._stat()
        if stamp is None:
            self._failed_stamp = None
            problem = Problem(1, "cannot be read (it is gone): restore the file")
            self._keep(DirectoryError(str(self.path), [problem]))
            return
        if stamp == self._snapshot.stamp:
            self.problem = None  # back to the file in service (say, restored after a delete)
            return
        if stamp == self._failed_stamp or self.paused():
            return
        try:
            raw, info = read_file(self.path)
            snapshot = _build(
                raw,
                str(self.path),
                _stamp(info),
                self.learn_apart,
                reloading=True,
                cache=self.model_cache,
            )
        except LearningStopped as stopped:
            # The server is stopping, most likely: building again for the next worker gunicorn
            # forks would take seconds more before it can stop. Wait a while before trying.
            self._paused_until = time.monotonic() + PAUSE_AFTER_STOP
            log.info(
                "the reload stopped with its learner (%s): the server is stopping? The last good "
                "directory serves on; the file is read again in %d s",
                stopped,
                PAUSE_AFTER_STOP,
            )
            return
        except DirectoryError as error:
            if self._stat() != stamp:
                return  # caught mid-write: judge the finished file at the next check
            self._failed_stamp = stamp
            self._keep(error)
            return
        if snapshot.stamp != self._stat():
            return  # still being written: read it again at the next check
        self.last_good.save(raw)  # first, so a worker started from now on can serve this too
        self._snapshot, self.problem, self._failed_stamp = snapshot, None, None
        log.info("referral directory reloaded from %s", self.path)

    def _from_last_good(self) -> Snapshot | None:
        raw = self.last_good.read()
        if raw is None:
            return None
        try:
            location = str(self.last_good.location)
            return _build(raw, location, None, self.learn_apart, cache=self.model_cache)
        except DirectoryError as error:  # kept by an older version whose rules were looser
            log.warning("the last good referral file cannot be used: %s", error.one_line())
            return None

    def _keep(self, error: DirectoryError) -> None:
        """Keep serving the last good directory, and say why the file is not served."""
        if self.problem is not None and self.problem.report() == error.report():
            return
        log.warning(  # one line: the log escapes line breaks, which a request could forge
            "referral file %s cannot be used; still serving the last good directory: %s",
            self.path,
            error.one_line(),
        )
        self.problem = error
        # A worker forked from a snapshot older than the last good copy serves the copy.
        kept = self.last_good.read()
        if kept is not None and hashlib.sha256(kept).hexdigest() != self._snapshot.digest:
            snapshot = self._from_last_good()
            if snapshot is not None:
                self._snapshot = snapshot
                log.info("serving the last good copy %s", self.last_good.location)


def snapshot() -> Snapshot:
    """Return the snapshot this request uses: taken once, so a request never mixes two files."""
    if "snapshot" not in g:
        g.snapshot = current_app.extensions["referrals"].current()
    return g.snapshot
