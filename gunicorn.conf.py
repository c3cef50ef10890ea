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


def _watch(store) -> None:
    signalled = None
    while True:
        time.sleep(store.check_every)
        stamp = store.changed()  # a stat: no lock, nothing a fork could catch half-done
        if stamp is not None and stamp != signalled:
            signalled = stamp
            os.kill(os.getpid(), signal.SIGHUP)


def when_ready(server):
    """Watch the referral file from the master, every RELOAD_SECONDS (0: never)."""
    store = _referrals(server)
    if store is not None and store.check_every > 0:
        threading.Thread(target=_watch, args=(store,), name="referrals", daemon=True).start()


def pre_fork(server, worker):
    """Bring the master's directory up to date, so a new worker starts with the last good one."""
    try:
        store = _referrals(server)
        if store is not None:
            store.refresh()  # a broken file keeps the last good directory
    except Exception:  # raised here, it would stop the master
        server.log.exception("could not refresh the referral directory before a fork")


def post_fork(server, worker):
    """Leave watching to the master: a worker never builds a directory itself."""
    store = _referrals(server)
    if store is not None:
        store.watching = False


# --- end of the referral directory's settings --------------------------------------------------
