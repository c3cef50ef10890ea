"""The helpline referral bot: SMS and voice webhooks over one referral directory."""

import logging
import os

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from .directory import DEFAULT_PATH
from .fallback import webhook_fallback
from .logs import escape_handlers
from .store import DirectoryStore

# Twilio posts a few dozen short fields; a text body is at most 1,600 characters.
MAX_REQUEST_BYTES = 64 * 1024
WEBHOOKS = ("/sms", "/voice")  # Twilio's paths: a failure there answers with the Help Line
CALLBACKS = ("/sms/status",)  # Twilio ignores what they answer: a failure there answers 204


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: read the environment, load the directory, register the webhooks."""
    app = Flask(__name__)
    app.config.from_mapping(
        DEMO_MODE=_flag("DEMO_MODE"),
        TWILIO_AUTH_TOKEN=os.environ.get("TWILIO_AUTH_TOKEN") or None,
        TWILIO_WEBHOOK_SHARED_KEY=os.environ.get("TWILIO_WEBHOOK_SHARED_KEY") or None,
        REFERRALS_PATH=os.environ.get("REFERRALS_PATH") or str(DEFAULT_PATH),
        RELOAD_SECONDS=float(os.environ.get("RELOAD_SECONDS", "2")),
        REFERRALS_STATE_DIR=os.environ.get("REFERRALS_STATE_DIR") or None,
        REFERRALS_LEARN_APART=_flag("REFERRALS_LEARN_APART"),
        STAFF_PASSWORD=os.environ.get("STAFF_PASSWORD") or None,
        # Failed staff logins are counted per worker in memory; a URI such as redis://... shares
        # the count between workers and instances (see docs/deploy.md).
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    if test_config:
        app.config.update(test_config)

    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    # Digits, paths and exception messages come from requests: no CR, LF or ESC reaches the log.
    escape_handlers(logging.getLogger())
    escape_handlers(app.logger)
    if not app.config["DEMO_MODE"] and not app.config["TWILIO_AUTH_TOKEN"]:
        raise RuntimeError(
            "TWILIO_AUTH_TOKEN is not set: set it to the Twilio account's Auth Token "
            "(or DEMO_MODE=1 for a local demo that accepts unsigned requests)"
        )
    if app.config["DEMO_MODE"]:
        app.logger.warning(
            "DEMO MODE: unsigned requests from this machine are accepted; never in production"
        )

    # On a broken file this serves the last good copy; with none (the first start of a
    # deployment) it raises DirectoryError (file:line: ...), so a server never boots on one.
    app.extensions["referrals"] = DirectoryStore(
        app.config["REFERRALS_PATH"],
        check_every=app.config["RELOAD_SECONDS"],
        state_dir=app.config["REFERRALS_STATE_DIR"],
        learn_apart=app.config["REFERRALS_LEARN_APART"],
    )
    # Behind Heroku/Render/Fly's router: trust one hop for the scheme and client address.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    from . import sms, staff, voice

    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(staff.bp)
    staff.limiter.init_app(app)

    @app.errorhandler(Exception)
    def never_a_5xx(error):
        if isinstance(error, HTTPException) and error.code < 500:
            return error  # 403, 404, 405, 413: Twilio is told what was wrong with the request
        if not request.path.startswith(WEBHOOKS):
            return error if isinstance(error, HTTPException) else InternalServerError()
        failed = getattr(error, "original_exception", None) or error
        if request.path in CALLBACKS:
            app.logger.error("callback failed with %s", type(failed).__name__)
            return Response(status=204)
        app.logger.error("handler failed with %s; sent the fallback", type(failed).__name__)
        return webhook_fallback(request.path)

    return app
