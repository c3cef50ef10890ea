"""gunicorn's settings for the Procfile's server (gunicorn reads ./gunicorn.conf.py by itself)."""

import os
import signal
import threading
import time

# --- The referral directory (issue 12): built once, in the master, never by a text ------------
# The master loads, validates and indexes the directory (create_app); workers fork with it and
# share its memory copy-on-write. A worker never loads the file: a broken file cannot stop one
# booting after a restart (timeout, out-of-memory kill) and take the master down with it.
# When the file changes, the master reloads (as on SIGHUP): it builds the new directory once,
# in pre_fork, while the old workers keep answering, then forks new workers with it and lets the
# old ones finish their requests and exit.
preload_app = True


def _referrals(server):
    """Return the preloaded app's DirectoryStore (None for an app without one)."""
    return getattr(server.app.wsgi(), "extensions", {}).get("referrals")


def _watch(server, store) -> None:
    signalled, stale_before = None, set()
    while True:
        time.sleep(store.check_every)
        stamp = store.changed()  # a stat: no lock, nothing a fork could catch half-done
        # A worker forked while the file changed mid-reload has an older directory; one still
        # there a check later (old workers exit within a request) needs a reload of its own.
        digest = store.in_service.digest
        stale = {pid for pid, w in list(server.WORKERS.items()) if w.referrals != digest}
        if (stamp is not None and stamp != signalled) or stale & stale_before:
            why = "the referral file changed" if stamp else "a worker has an older directory"
            server.log.info("%s: building it once and replacing the workers", why)
            signalled, stale = stamp, set()
            os.kill(os.getpid(), signal.SIGHUP)
        stale_before = stale


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
    except Exception:  # raised here, it would stop the master
        server.log.exception("could not refresh the referral directory before a fork")


def post_fork(server, worker):
    """Leave watching to the master: a worker never builds a directory itself."""
    store = _referrals(server)
    if store is not None:
        store.watching = False


# --- end of the referral directory's settings --------------------------------------------------
