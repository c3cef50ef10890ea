"""gunicorn's settings for the Procfile's server (gunicorn reads ./gunicorn.conf.py by itself)."""

# --- The referral directory (issue 12): built once in the master, never by a text -------------
# The master loads, validates and indexes the directory once (create_app); workers fork with it,
# sharing its memory copy-on-write. A restarted worker (timeout, out-of-memory kill) never loads
# the file itself, so a broken file cannot stop it booting and take the master down with it.
preload_app = True


def pre_fork(server, worker):
    """Bring the master's directory up to date, so a new worker starts with the last good one."""
    try:
        store = getattr(server.app.wsgi(), "extensions", {}).get("referrals")  # preloaded
        if store is not None:
            store.refresh()  # a broken file keeps the last good directory
    except Exception:  # raised here, it would stop the master
        server.log.exception("could not refresh the referral directory before a fork")


# --- end of the referral directory's settings --------------------------------------------------
