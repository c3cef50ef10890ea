"""Serve only requests that Twilio signed (X-Twilio-Signature), except local demo requests."""

from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

LOOPBACK = ("127.0.0.1", "::1")


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
        if (
            not signature
            or not token
            or not RequestValidator(token).validate(request.url, request.form, signature)
        ):
            current_app.logger.warning("refused a request without a valid Twilio signature")
            abort(403)
        return view(*args, **kwargs)

    return checked
