"""The Twilio Messaging webhook: a text in, the right numbers out."""

import logging
import time
from functools import lru_cache

from flask import Blueprint, request, url_for
from twilio.twiml.messaging_response import MessagingResponse

from . import store
from .fallback import twiml
from .replies import answer_text
from .signatures import form_field, twilio_signed

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)
# Twilio's MessageStatus values (its Message resource docs); anything else is logged as "other",
# so a status callback can never write free text to the log.
MESSAGE_STATUSES = frozenset(
    {
        "accepted",
        "scheduled",
        "canceled",
        "queued",
        "sending",
        "sent",
        "failed",
        "delivered",
        "undelivered",
        "receiving",
        "received",
        "read",
        "partially_delivered",
    }
)


@bp.post("/sms")
@twilio_signed
def reply():
    """Answer a text with TwiML; log topics and timing, never the number or the words."""
    started = time.perf_counter()
    snapshot = store.snapshot()
    answer = None
    if "OptOutType" not in request.form:
        text = form_field("Body")
        answer = answer_text(snapshot.directory, snapshot.index, text, snapshot.compose)
    log.info(
        "sms topics=%s language=%s segments=%s ms=%.1f",
        ",".join(answer.topics) if answer else "opt-out",
        answer.language if answer else "-",
        answer.segments.count if answer else 0,
        (time.perf_counter() - started) * 1000,
    )
    return twiml(reply_twiml(answer.body if answer else None, url_for(".status")))


@lru_cache(maxsize=1024)
def reply_twiml(body: str | None, status_url: str) -> str:
    """Return the TwiML that sends `body` (None: send nothing); replies repeat, so render once.

    Twilio posts the reply's delivery status to `status_url`, the <Message> verb's action.
    """
    response = MessagingResponse()
    if body is not None:
        response.message(body, action=status_url, method="POST")
    return str(response)


@bp.post("/sms/status")
@twilio_signed
def status():
    """Log a reply's delivery status and error code (30007 filtered, 21610 opted out, ...)."""
    message_status = request.form.get("MessageStatus", "")
    error_code = request.form.get("ErrorCode", "")
    log.info(
        "sms status=%s error=%s",
        message_status if message_status in MESSAGE_STATUSES else "other",
        error_code if error_code.isdigit() and len(error_code) <= 6 else "-",
    )
    return "", 204
