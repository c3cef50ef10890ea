"""The Twilio Voice webhook: a spoken menu, the right numbers read aloud, or the Help Line.

Calls are stateless: the language, the topics, the count of misses and of Help Line tries ride in
each action URL's query string, which Twilio signs along with the rest of the URL.
"""

import logging

from flask import Blueprint, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from . import speech, store
from .caller_id import dial_caller_id
from .fallback import twiml
from .signatures import form_field, twilio_signed

bp = Blueprint("voice", __name__, url_prefix="/voice")
MAX_TOPICS = 4  # topics read out in one answer, and so carried in its action URL
log = logging.getLogger(__name__)
# DialCallStatus values for a Help Line call that went through (twilio.com/docs/voice/twiml/dial).
ANSWERED = frozenset({"completed", "answered"})
NOT_ANSWERED = frozenset({"busy", "no-answer", "failed", "canceled"})


def _call() -> tuple:
    """Return the directory snapshot, the call's language and its misses so far."""
    language = "es" if request.args.get("lang") == "es" else "en"
    misses = max(0, request.args.get("misses", 0, type=int))
    return store.snapshot(), language, misses


def _connect(
    response: VoiceResponse, snapshot, language: str, heard_nothing=False, tries: int = 1
) -> None:
    """Add the words before the Help Line, then a <Dial> that reports back to /voice/dialled.

    Without an action a busy or unanswered Help Line would end the call in silence.
    """
    speech.say_lines(response, speech.connecting(language, heard_nothing))
    response.dial(
        snapshot.directory.help_line.call,
        action=url_for(".dialled", lang=language, tries=tries),
        method="POST",
        timeout=speech.DIAL_TIMEOUT,
        caller_id=dial_caller_id(request.form.get("From", ""), request.form.get("To", "")),
    )


def _not_reached(snapshot, language: str, tries: int, first: list[speech.Line]) -> VoiceResponse:
    """Return `first`, then 1 to try the Help Line again or star for the menu, in a Gather.

    Silence tries the Help Line once more on the caller's behalf, then says goodbye.
    """
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        action=url_for(".retry_choice", lang=language, tries=tries),
        method="POST",
    )
    speech.say_lines(gather, first + speech.dial_options(language))
    if tries < speech.MAX_DIAL_TRIES:
        _connect(response, snapshot, language, heard_nothing=True, tries=tries + 1)
    else:
        speech.say_lines(response, speech.goodbye(language))
        response.hangup()
    return response


def _menu(snapshot, language: str, misses: int, first: list[speech.Line]) -> VoiceResponse:
    """Return `first`, then the menu in a Gather; silence puts the caller through."""
    directory, response = snapshot.directory, VoiceResponse()
    gather = response.gather(
        input="dtmf speech",
        num_digits=1,
        action=url_for(".menu_choice", lang=language, misses=misses),
        method="POST",
        language=speech.VOICES[language][0],
        hints=speech.hints(directory, language),
        speech_timeout="auto",
    )
    speech.say_lines(gather, first + speech.menu(directory, language))
    _connect(response, snapshot, language, heard_nothing=True)
    return response


def _answer(snapshot, language: str, topics: tuple[str, ...], misses: int, first=()):
    """Return the topics' numbers, then what to press next in a Gather."""
    topics = tuple(dict.fromkeys(topics))[:MAX_TOPICS]  # each once: the URL is read back
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        action=url_for(".answer_choice", lang=language, topic=list(topics), misses=misses),
        method="POST",
    )
    lines = [*first] if first else speech.answer(snapshot.directory, topics, language)
    speech.say_lines(gather, lines + speech.answer_options(language))
    _connect(response, snapshot, language, heard_nothing=True)
    return response


def _missed(snapshot, language: str, misses: int, ask_again) -> tuple[str, int, VoiceResponse]:
    """Return the step after a bad key or unheard answer: sorry and ask again, or connect."""
    if misses + 1 >= speech.MAX_MISSES:
        response = VoiceResponse()
        _connect(response, snapshot, language)
        return "connect-after-misses", misses + 1, response
    return "miss", misses + 1, ask_again(misses + 1, speech.sorry(language))


def _log(step: str, language: str, topics=(), misses: int = 0, tries: int = 0) -> None:
    # Keys pressed are not personal; the caller's number and spoken words never reach the log.
    log.info(
        "voice step=%s language=%s digits=%s speech=%s topics=%s misses=%s tries=%s",
        step,
        language,
        request.form.get("Digits", "-"),
        "yes" if request.form.get("SpeechResult") else "no",
        ",".join(topics) or "-",
        misses,
        tries,
    )


@bp.post("")
@twilio_signed
def incoming():
    """Answer a call: who this is, 911, the Help Line, then the menu."""
    snapshot, language, _ = _call()
    _log("greeting", language)
    return twiml(_menu(snapshot, language, 0, speech.greeting(snapshot.directory, language)))


@bp.post("/menu")
@twilio_signed
def menu_choice():
    """Act on a key or a spoken answer to the menu."""
    snapshot, language, misses = _call()
    directory = snapshot.directory
    digits, heard = form_field("Digits"), form_field("SpeechResult")
    step, topics = speech.menu_step(directory, snapshot.index, language, digits, heard)
    response = VoiceResponse()
    if step == "connect":
        _connect(response, snapshot, language)
    elif step in ("spanish", "english"):
        language = "es" if step == "spanish" else "en"
        response = _menu(snapshot, language, 0, speech.greeting(directory, language))
    elif step == "answer":
        response = _answer(snapshot, language, topics, 0)
    else:
        step, misses, response = _missed(
            snapshot, language, misses, lambda n, sorry: _menu(snapshot, language, n, sorry)
        )
    _log(step, language, topics, misses)
    return twiml(response)


@bp.post("/answer")
@twilio_signed
def answer_choice():
    """Act on a key pressed after the numbers: again, connect, or back to the menu."""
    snapshot, language, misses = _call()
    known = {topic.id for topic in snapshot.directory.topics}
    topics = tuple(t for t in request.args.getlist("topic") if t in known)
    digits = form_field("Digits")
    response = VoiceResponse()
    if digits == speech.CONNECT:
        step = "connect"
        _connect(response, snapshot, language)
    elif digits == speech.MENU or not topics:
        step = "menu"
        response = _menu(snapshot, language, 0, [])
    elif digits == speech.AGAIN:
        step = "again"
        response = _answer(snapshot, language, topics, 0)
    else:
        step, misses, response = _missed(
            snapshot,
            language,
            misses,
            lambda n, sorry: _answer(snapshot, language, topics, n, first=sorry),
        )
    _log(step, language, topics, misses)
    return twiml(response)


def _tries() -> int:
    return max(1, request.args.get("tries", 1, type=int))


@bp.post("/dialled")
@twilio_signed
def dialled():
    """After the Help Line call ends: hang up if it went through, else 911, 988 and a way on."""
    snapshot, language, _ = _call()
    tries = _tries()
    status = form_field("DialCallStatus")
    if status in ANSWERED:
        response = VoiceResponse()
        response.hangup()
    else:
        failed = speech.dial_failed(snapshot.directory, language, status)
        response = _not_reached(snapshot, language, tries, failed)
    known = status if status in ANSWERED | NOT_ANSWERED else "other"
    _log(f"dialled-{known}", language, tries=tries)
    return twiml(response)


@bp.post("/retry")
@twilio_signed
def retry_choice():
    """Act on a key pressed after the Help Line did not answer: try again, or the menu."""
    snapshot, language, _ = _call()
    tries = _tries()
    digits = form_field("Digits")
    if digits in (speech.AGAIN, speech.CONNECT):
        step, response = "retry", VoiceResponse()
        _connect(response, snapshot, language, tries=tries + 1)
    elif digits == speech.MENU:
        step, response = "menu", _menu(snapshot, language, 0, [])
    else:
        step, response = "miss", _not_reached(snapshot, language, tries, speech.sorry(language))
    _log(step, language, tries=tries)
    return twiml(response)
