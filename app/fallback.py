"""What Twilio gets when anything inside a handler fails: the Help Line, never a 5xx."""

from flask import Response, request
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from . import speech, store
from .caller_id import dial_caller_id

# Used only if even the directory in memory cannot be read; it is the brochure's Help Line.
LAST_RESORT_HELP_LINE = "800-854-7771"
# After a fallback <Dial>, which has no action (the app that would answer it is failing), Twilio
# says this if the caller is still there: the Help Line was busy, unanswered or hung up.
AFTER_FALLBACK_DIAL = {
    "en": "If no one answered: in danger, call 9 1 1. "
    "The 9 8 8 Suicide and Crisis Lifeline is 9 8 8. Goodbye.",
    "es": "Si nadie contestó: si estás en peligro, llama al 9 1 1. "
    "La Línea 9 8 8 de Prevención del Suicidio y Crisis es el 9 8 8. Adiós.",
}


def help_line_number() -> str:
    """Return the Help Line's number from the directory in service, or the last resort."""
    try:
        number = store.snapshot().directory.help_line.call
    except Exception:  # noqa: BLE001 - this path must not fail
        return LAST_RESORT_HELP_LINE
    return number or LAST_RESORT_HELP_LINE


def twiml(response) -> Response:
    """Return a TwiML document as a Flask response."""
    return Response(str(response), mimetype="text/xml")


def sms_fallback() -> Response:
    """Return a text that still gives the Help Line."""
    reply = MessagingResponse()
    reply.message(f"Call the 24/7 Help Line: {help_line_number()}. In danger now? Call 911.")
    return twiml(reply)


def _dial(call: VoiceResponse, number: str, language: str) -> None:
    """Dial the Help Line with a timeout and a usable caller ID, then say 911 and 988."""
    caller_id = dial_caller_id(request.form.get("From", ""), request.form.get("To", ""))
    call.dial(number, timeout=speech.DIAL_TIMEOUT, caller_id=caller_id)
    speech.say_lines(call, [speech.Line(AFTER_FALLBACK_DIAL[language], language)])


def voice_fallback() -> Response:
    """Return a call that says the Help Line, in the call's language, and connects to it."""
    language = "es" if request.args.get("lang") == "es" else "en"
    number = help_line_number()
    help_line = speech.WORDING[language]["help_line"].format(number=speech.spoken_number(number))
    call = VoiceResponse()
    speech.say_lines(call, [speech.Line(help_line, language), *speech.connecting(language)])
    _dial(call, number, language)
    return twiml(call)


def webhook_fallback(path: str) -> Response:
    """Return the fallback for the webhook at `path`; if even that fails, the last resort."""
    voice = path.startswith("/voice")
    try:
        return voice_fallback() if voice else sms_fallback()
    except Exception:  # noqa: BLE001 - whatever broke, Twilio still gets the Help Line
        if voice:
            call = VoiceResponse()
            call.say(f"Call the 24 hour Help Line, {speech.spoken_number(LAST_RESORT_HELP_LINE)}.")
            call.dial(LAST_RESORT_HELP_LINE, timeout=speech.DIAL_TIMEOUT)
            call.say(AFTER_FALLBACK_DIAL["en"])
            return twiml(call)
        reply = MessagingResponse()
        reply.message(f"Call the 24/7 Help Line: {LAST_RESORT_HELP_LINE}.")
        return twiml(reply)
