"""The staff page: the directory in service at a glance, and a preview of any reply.

Open on this machine in DEMO_MODE; elsewhere only with STAFF_PASSWORD (HTTP basic auth), and
absent (404) without it. It never shows or logs texters' messages or numbers: it reads none.
"""

import datetime
import hmac
import re
from functools import wraps

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from markupsafe import Markup, escape

from . import store
from .preview import (
    LANGUAGE_CHOICES,
    is_command,
    overview,
    preview_reply,
    voice_transcript,
    why_lines,
)
from .signatures import from_this_machine

bp = Blueprint("staff", __name__)

MAX_PREVIEW = 1600  # characters previewed: a text is at most this long, and work grows with it
REALM = 'Basic realm="Referral directory (staff)", charset="UTF-8"'
# Wrong passwords allowed per client address (the one the router saw, via ProxyFix); then 429.
FAILED_LOGINS = "10 per minute; 50 per day"
HSTS = "max-age=31536000"  # a year: browsers that saw the page once never try http again

# Counts live in each worker's memory unless RATELIMIT_STORAGE_URI names a shared store.
limiter = Limiter(get_remote_address)


@limiter.request_filter
def _not_staff() -> bool:
    """Spare every other request the limiter's checks: only the staff page has limits, and a
    text paid a sixth of its time in the app for them (make bench)."""
    return request.blueprint != bp.name


PHONE_NUMBER = re.compile(r"\b\d{3}-\d{3}-\d{4}\b")


def _password_matches(given: str | None, expected: str) -> bool:
    return hmac.compare_digest((given or "").encode(), expected.encode())


def staff_only(view):
    """Open `view` to demo mode on loopback, else to STAFF_PASSWORD holders; 404 if neither."""

    @wraps(view)
    def checked(*args, **kwargs):
        if current_app.config["DEMO_MODE"] and from_this_machine():
            return view(*args, **kwargs)
        expected = current_app.config["STAFF_PASSWORD"]
        if not expected:
            abort(404)  # no staff page in production until a password is set
        auth = request.authorization  # any user name (say "staff"): the password decides
        if auth is None or not _password_matches(auth.password, expected):
            return Response(
                "The staff password is needed to see this page.\n",
                401,
                {"WWW-Authenticate": REALM},
                mimetype="text/plain",
            )
        return view(*args, **kwargs)

    return checked


@bp.before_request
def over_https_only():
    """Send a browser that reached the router over http to the same page over https.

    Before the password is asked for, so it is never typed into a page served in clear. A request
    with no X-Forwarded-Proto came straight to the server (demo mode on this machine): served.
    """
    if request.scheme == "http" and "X-Forwarded-Proto" in request.headers:
        return redirect(request.url.replace("http://", "https://", 1), 308)
    return None


@bp.after_app_request
def browser_safety(response: Response) -> Response:
    """Tell browsers: no sniffing a type, no framing, and https only once seen over https."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


@bp.app_template_filter()
def whole_numbers(text: str) -> Markup:
    """Keep each phone number on one line: a narrow screen would break it at a hyphen."""
    return Markup(PHONE_NUMBER.sub(r'<span class="number">\g<0></span>', str(escape(text))))


@bp.after_request
def keep_private(response: Response) -> Response:
    """Keep the page out of caches, referrers and search indexes."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    return response


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(FAILED_LOGINS, deduct_when=lambda response: response.status_code == 401)
@staff_only
def page():
    """Show the directory in service, any problem with its file, and a reply preview."""
    served = current_app.extensions["referrals"]
    snapshot = store.snapshot()
    # The form posts, so a typed text stays out of the address bar, history and router logs.
    asked_with = request.form if request.method == "POST" else request.args
    text = asked_with.get("text", "")[:MAX_PREVIEW]
    language = asked_with.get("language", "auto")
    if language not in LANGUAGE_CHOICES:
        language = "auto"
    asked = bool(text.strip())
    return render_template(
        "staff.html",
        snapshot=snapshot,
        loaded_at=datetime.datetime.fromtimestamp(snapshot.loaded_at, datetime.UTC),
        path=served.path,
        problem=served.problem,
        overview=overview(snapshot.directory, datetime.date.today()),
        text=text,
        language=language,
        languages=LANGUAGE_CHOICES,
        asked=asked,
        command=asked and is_command(text),
        reply=preview_reply(snapshot.directory, snapshot.index, text, language) if asked else None,
        why=why_lines(snapshot.index, text) if asked and not is_command(text) else None,
        voice=voice_transcript(snapshot.directory, snapshot.index, text, language)
        if asked
        else None,
    )
