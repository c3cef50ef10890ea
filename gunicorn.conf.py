"""gunicorn's settings for the Procfile and `make run` (each passes `--config gunicorn.conf.py`).

The command line still names the address (`--bind`) and the app; everything else is here, in
groups, so that another concern's settings (server hooks, preloading) can sit beside these.
"""

import ctypes
import os
import signal
import threading
import time

from app.logs import EscapingLogger

# --- Workers: slow or idle clients cannot starve them (docs/deploy.md, section 6) ---
# gevent serves each connection in a greenlet: a client that connects and sends nothing, or a
# byte a second, holds a greenlet (a few KB), not a worker, so it never delays a text. A sync
# worker waits on such a client until `timeout`; two of them stopped every answer for 31 s.
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_connections = 1000  # per worker; further connections wait in the listen backlog
# One request per connection, as with sync workers: with keep-alive, gevent workers shared busy
# connections unevenly (p99 up to 1.4 s in make bench). A stalled connection keeps its greenlet
# until the client or the router closes it.
keepalive = 0

# --- Logs: one line per request, nothing a client sends can forge a line ---
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(L)ss"  # method, path, status, seconds: no query, no IP
logger_class = EscapingLogger  # %(U)s is the decoded path: CR, LF and ESC are escaped

# --- Control socket: none. gunicorn 27 opens one at ~/.gunicorn/gunicorn.ctl by default, shared
# by every instance the same user runs; nothing here uses it. ---
control_socket_disable = True


# --- The referral directory (issue 12): built once, in the master, never by a text ------------
# The master loads, validates and indexes the directory (create_app); workers fork with it and
# share its memory copy-on-write. A worker never loads the file: a broken file cannot stop one
# booting after a restart (timeout, out-of-memory kill) and take the master down with it.
# When the file changes, the master reloads (as on SIGHUP): it builds the new directory once,
# in pre_fork, while the old workers keep answering, then forks new workers with it and lets the
# old ones finish their requests and exit.
preload_app = True
# The master learns each directory's topic model in a process of its own, which then exits: only
# the learned arrays stay in the memory every worker shares, not scikit-learn and the learning's
# garbage (about 80 MB more per worker otherwise; see app/learning.py).
os.environ.setdefault("REFERRALS_LEARN_APART", "1")


def _referrals(server):
    """Return the preloaded app's DirectoryStore (None for an app without one)."""
    return getattr(server.app.wsgi(), "extensions", {}).get("referrals")


def _watch(server, store) -> None:
    signalled, stale_before = None, set()
    while True:
        time.sleep(store.check_every)
        try:
            signalled, stale_before = _check(server, store, signalled, stale_before)
        except Exception:  # a failed check must not end reloads for good
            server.log.exception("could not check the referral file; trying again")


def _check(server, store, signalled, stale_before):
    """Reload the workers if the file changed or one has an older directory; return the state."""
    stamp = store.changed()  # a stat: no lock, nothing a fork could catch half-done
    if stamp is None:
        signalled = None  # in service, refused, or paused: a later change is signalled afresh
    # A worker forked while the file changed mid-reload has an older directory; one still
    # there a check later (old workers exit within a request) needs a reload of its own.
    digest = store.in_service.digest
    stale = {pid for pid, w in list(server.WORKERS.items()) if w.referrals != digest}
    if (stamp is not None and stamp != signalled) or stale & stale_before:
        why = "the referral file changed" if stamp else "a worker has an older directory"
        server.log.info("%s: building it once and replacing the workers", why)
        signalled, stale = stamp, set()
        os.kill(os.getpid(), signal.SIGHUP)
    return signalled, stale


def when_ready(server):
    """Watch the referral file from the master, every RELOAD_SECONDS (0: never)."""
    store = _referrals(server)
    if store is not None and store.check_every > 0:
        threading.Thread(target=_watch, args=(server, store), daemon=True).start()


def pre_fork(server, worker):
    """Bring the master's directory up to date, so a new worker starts with the last good one."""
    worker.referrals = None
    try:
        store = _referrals(server)
        if store is None:
            return
        for _ in range(3):  # saved again during the build: build the newer file
            worker.referrals = store.refresh().digest  # a broken file keeps the last good one
            if store.changed() is None:
                break
        if _malloc_trim is not None:
            _malloc_trim(0)  # give back what the build freed, so that the worker does not hold it
    except Exception:  # raised here, it would stop the master
        server.log.exception("could not refresh the referral directory before a fork")


def _glibc(name: str, *argtypes):
    """Return the C library's function `name`, or None where it has none (musl, macOS)."""
    try:
        function = getattr(ctypes.CDLL(None), name)  # the C library this process already uses
    except (OSError, AttributeError):
        return None
    function.argtypes = list(argtypes)
    return function


# glibc keeps the memory a program frees for reuse, and a forked worker holds every page its
# master holds. The master frees about 20 MB after reading and checking the file, and more after
# taking the model from the learner: malloc_trim(0) gives back what is free anywhere in the heap,
# not only at its top (4 MB less in each worker for the shipped file).
_malloc_trim = _glibc("malloc_trim", ctypes.c_size_t)

M_ARENA_MAX = -8  # mallopt's parameter number for it, in glibc's malloc.h


def _one_malloc_arena() -> None:
    """Keep every thread's allocations in glibc's main arena, as MALLOC_ARENA_MAX=1 would.

    glibc gives a thread that allocates an arena of its own. The master reads the learner's
    answer on a thread (app/learning.py) and watches the file from another, and what their
    arenas held stayed in every worker forked after: 22 MB a worker (135.8 -> 113.9 MB with
    the shipped file, 147.0 -> 125.4 MB with make bench's 100x file). A worker serves texts
    from greenlets on one thread, so no two threads wait on the one arena. Called as the master
    reads this file, before it starts a thread; without glibc's mallopt (musl, macOS), a no-op.
    """
    mallopt = _glibc("mallopt", ctypes.c_int, ctypes.c_int)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)


_one_malloc_arena()


def post_fork(server, worker):
    """Leave watching to the master: a worker never builds a directory itself."""
    store = _referrals(server)
    if store is not None:
        store.watching = False


# --- end of the referral directory's settings --------------------------------------------------
