"""Serve only requests that Twilio signed (X-Twilio-Signature), except local demo requests."""

import hmac
from functools import lru_cache, wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

LOOPBACK = ("127.0.0.1", "::1")


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


def twilio_signed(view):
    """Answer 403 unless the request carries a valid Twilio signature for the URL it came to."""

    @wraps(view)
    def checked(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature")
        if signature is None and current_app.config["DEMO_MODE"]:
            if request.remote_addr in LOOPBACK:
                return view(*args, **kwargs)
            abort(403)
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        # request.url is the URL Twilio called: ProxyFix restores https behind the router.
        if not signature or not token or not _signed(token, request.url, request.form, signature):
            current_app.logger.warning("refused a request without a valid Twilio signature")
            abort(403)
        return view(*args, **kwargs)

    return checked
