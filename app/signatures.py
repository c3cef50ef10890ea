"""Serve only requests that Twilio signed (X-Twilio-Signature), except local demo requests."""

import hmac
from functools import lru_cache, wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

LOOPBACK = ("127.0.0.1", "::1")


def from_this_machine() -> bool:
    """Tell whether the request came straight from this machine, not through any proxy.

    ProxyFix rewrites remote_addr from X-Forwarded-For, which anyone can send, so look at the
    address the connection really came from, and refuse anything forwarded.
    """
    environ = request.environ
    original = environ.get("werkzeug.proxy_fix.orig", environ)
    return original.get("REMOTE_ADDR") in LOOPBACK and "HTTP_X_FORWARDED_FOR" not in environ


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def _signed(token: str, url: str, form, signature: str) -> bool:
    """Tell whether `signature` signs `form` posted to `url`.

    validate() always computes two HMACs (the URL with and without its port); the URL as it came
    is one of the two and nearly always the one Twilio signed, so try it alone first.
    """
    validator = _validator(token)
    if hmac.compare_digest(validator.compute_signature(url, form).encode(), signature.encode()):
        return True
    return validator.validate(url, form, signature)


def form_field(name: str) -> str:
    """Return the posted field `name` ("" if absent); 400 if it was posted more than once.

    The signature covers a repeated field's values sorted, not in the order they came, so which
    value is "first" is not signed; Twilio posts each field once.
    """
    values = request.form.getlist(name)
    if len(values) > 1:
        abort(400, f"{name} was posted more than once; Twilio posts each field once")
    return values[0] if values else ""


def twilio_signed(view):
    """Answer 403 unless the request carries a valid Twilio signature for the URL it came to."""

    @wraps(view)
    def checked(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature")
        if signature is None and current_app.config["DEMO_MODE"]:
            if from_this_machine():
                return view(*args, **kwargs)
            abort(403)
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        # request.url is the URL Twilio called: ProxyFix restores https behind the router.
        if not signature or not token or not _signed(token, request.url, request.form, signature):
            current_app.logger.warning("refused a request without a valid Twilio signature")
            abort(403)
        return view(*args, **kwargs)

    return checked
