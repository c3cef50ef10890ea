"""Serve only requests that Twilio signed (X-Twilio-Signature), except local demo requests.

Twilio signs with the account's Auth Token (HMAC-SHA1), or, where a Webhook Rule names a
SharedKey, with that key's secret and the algorithm it names in
X-Twilio-Webhooks-Signature-Settings (twilio.com/docs/usage/webhooks/webhook-shared-keys).
"""

import hmac
from functools import lru_cache, wraps

from flask import abort, current_app, request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

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


def _signed(token: str, url: str, form, signature: str, algorithm: str | None = None) -> bool:
    """Tell whether `signature` signs `form` posted to `url` with `token` and `algorithm`.

    validate() always computes two HMACs (the URL with and without its port); the URL as it came
    is one of the two and nearly always the one Twilio signed, so try it alone first.
    """
    validator = _validator(token)
    try:
        computed = validator.compute_signature(url, form, algorithm)
    except ValueError:  # an algorithm this twilio release does not know
        return False
    if hmac.compare_digest(computed.encode(), signature.encode()):
        return True
    return validator.validate(url, form, signature, algorithm)


def _secret_and_algorithm() -> tuple[str | None, str | None]:
    """Return the secret and algorithm the request says it was signed with."""
    settings = request.headers.get(SIGNATURE_SETTINGS_HEADER)
    if settings is None:
        return current_app.config["TWILIO_AUTH_TOKEN"], None
    return current_app.config["TWILIO_WEBHOOK_SHARED_KEY"], get_signature_algorithm(settings)


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
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is None and current_app.config["DEMO_MODE"]:
            if from_this_machine():
                return view(*args, **kwargs)
            abort(403)
        secret, algorithm = _secret_and_algorithm()
        if signature and not secret:
            current_app.logger.warning(
                "refused a request signed with a SharedKey: set TWILIO_WEBHOOK_SHARED_KEY"
            )
            abort(403)
        # request.url is the URL Twilio called: ProxyFix restores https behind the router.
        form = request.form
        if not signature or not _signed(secret, request.url, form, signature, algorithm):
            current_app.logger.warning("refused a request without a valid Twilio signature")
            abort(403)
        return view(*args, **kwargs)

    return checked
