"""gunicorn's settings for the Procfile and `make run` (each passes `--config gunicorn.conf.py`).

The command line still names the address (`--bind`) and the app; everything else is here, in
groups, so that another concern's settings (server hooks, preloading) can sit beside these.
"""

import os

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
