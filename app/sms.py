"""The Twilio Messaging webhook: a text in, the right numbers out."""

import logging
import time
from functools import lru_cache

from flask import Blueprint, request
from twilio.twiml.messaging_response import MessagingResponse

from . import store
from .fallback import twiml
from .replies import answer_text
from .signatures import form_field, twilio_signed

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)


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
    return twiml(reply_twiml(answer.body if answer else None))


@lru_cache(maxsize=1024)
def reply_twiml(body: str | None) -> str:
    """Return the TwiML that sends `body` (None: send nothing); replies repeat, so render once."""
    response = MessagingResponse()
    if body is not None:
        response.message(body)
    return str(response)
