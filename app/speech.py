"""Compose what a caller hears, sentence by sentence (pure: the webhook and the CLI share it)."""

import re
from dataclasses import dataclass

from .directory import Directory, Resource
from .matching import Index
from .replies import contact, resource_order

CONNECT = "0"  # in every menu: put the caller through to the Help Line
SPANISH = "9"  # in the English menu: everything from here on in Spanish
AGAIN = "1"  # after an answer: hear the numbers again
MENU = "*"  # after an answer: back to the menu
MAX_MISSES = 3  # bad keys or unheard answers in a row before the caller is put through
HINTS_PER_TOPIC = 3  # Twilio's hints are a short comma-separated list; a few words per topic

WORDING = {
    "en": {
        "hello": "Hi. This is the L.A. County Department of Mental Health referral line.",
        "free": "It is free and confidential.",
        "danger": "If you are in danger, hang up and call {number}.",
        "help_line": "The 24-hour Help Line is {number}.",
        "tty": "If you are deaf or hard of hearing, the Help Line's TTY number is {number}.",
        "relay": "If you are deaf or hard of hearing, dial {number} for California Relay "
        "and ask for the Help Line.",
        "topic": "For {label}, press {digit}.",
        "connect_key": "To talk to the Help Line now, press {digit}.",
        "speak": "Or say in a few words what is going on.",
        "numbers_for": "Here are the numbers for {labels}.",
        "and": " and ",
        "again": "To hear these numbers again, press {digit}.",
        "menu": "For the menu, press star.",
        "sorry": "Sorry, I did not get that.",
        "no_choice": "I did not hear a choice.",
        "connecting": "Connecting you to the 24-hour Help Line now.",
        "always_open": "24-hour",
    },
    "es": {
        "hello": "Hola. Esta es la línea de referencias del Departamento de Salud Mental "
        "del Condado de Los Ángeles.",
        "free": "Es gratis y confidencial.",
        "danger": "Si estás en peligro, cuelga y llama al {number}.",
        "help_line": "La Línea de Ayuda, abierta las 24 horas, es el {number}.",
        "tty": "Si eres sordo o tienes dificultad para oír, el número TTY de la Línea de Ayuda "
        "es el {number}.",
        "relay": "Si eres sordo o tienes dificultad para oír, marca el {number} del servicio "
        "de retransmisión de California y pide la Línea de Ayuda.",
        "topic": "Para {label}, marca {digit}.",
        "connect_key": "Para hablar ahora con la Línea de Ayuda, marca {digit}.",
        "speak": "O dinos en pocas palabras qué está pasando.",
        "numbers_for": "Estos son los números para {labels}.",
        "and": " y ",
        "again": "Para escuchar estos números otra vez, marca {digit}.",
        "menu": "Para volver al menú, marca asterisco.",
        "sorry": "Perdón, no te entendí.",
        "no_choice": "No escuché ninguna opción.",
        "connecting": "Te estamos comunicando con la Línea de Ayuda de 24 horas.",
        "always_open": "de 24 horas",
    },
}
# Said in the Spanish voice inside the English menu, so a Spanish speaker hears it in Spanish.
FOR_SPANISH = "Para español, marca {digit}."


# Twilio's language code and a voice that speaks it; "man", the default, speaks no es-MX.
VOICES = {"en": ("en-US", "Polly.Joanna"), "es": ("es-MX", "Polly.Mia")}


@dataclass(frozen=True)
class Line:
    """One sentence to say, and the language to say it in."""

    text: str
    language: str


def spoken_number(number: str) -> str:
    """Return a number read digit by digit, groups apart: "800-854-7771" -> "8 0 0, 8 5 4, ..."."""
    return ", ".join(" ".join(group) for group in number.split("-") if group)


def _lines(language: str, *texts: str) -> list[Line]:
    return [Line(text, language) for text in texts]


def greeting(directory: Directory, language: str) -> list[Line]:
    """Return who this is, the 911 advice and the Help Line's numbers: voice, TTY and relay."""
    say, help_line = WORDING[language], directory.help_line
    lines = [
        say["hello"],
        say["free"],
        say["danger"].format(number=spoken_number("911")),
        say["help_line"].format(number=spoken_number(help_line.call)),
    ]
    if help_line.tty:
        lines.append(say["tty"].format(number=spoken_number(help_line.tty)))
    if help_line.relay:
        lines.append(say["relay"].format(number=spoken_number(help_line.relay)))
    return _lines(language, *lines)


def menu(directory: Directory, language: str) -> list[Line]:
    """Return the menu: one key per topic in key order, 0 for the Help Line, 9 for Spanish."""
    say = WORDING[language]
    keyed = sorted((t for t in directory.topics if t.ivr_digit), key=lambda t: t.ivr_digit)
    lines = _lines(
        language,
        *(say["topic"].format(label=t.label(language), digit=t.ivr_digit) for t in keyed),
        say["connect_key"].format(digit=CONNECT),
        say["speak"],
    )
    if language == "en":
        lines.append(Line(FOR_SPANISH.format(digit=SPANISH), "es"))
    return lines


def hints(directory: Directory, language: str) -> str:
    """Return speech hints for the menu: the first few keywords of each topic."""
    words = [
        keyword
        for topic in directory.topics
        for keyword in topic.keywords[language][:HINTS_PER_TOPIC]
    ]
    return ", ".join(dict.fromkeys(words))


def topics_heard(directory: Directory, index: Index, digits: str, heard: str) -> tuple[str, ...]:
    """Return the topics a key or a spoken answer asks for (none if neither names one)."""
    if digits:
        topic = directory.topic_for_digit(digits)
        return (topic.id,) if topic else ()
    return index.match(heard).topics if heard.strip() else ()


def _name(resource: Resource, language: str) -> str:
    # "24/7" is read aloud as a date or a fraction, "2-1-1" as a sum: say what they mean.
    name = resource.short(language).replace("24/7", WORDING[language]["always_open"])
    return re.sub(r"(?<=\d)-(?=\d)", " ", name)


def answer(directory: Directory, topic_ids: tuple[str, ...], language: str) -> list[Line]:
    """Return the topics' numbers, in the SMS order, each read digit by digit."""
    say = WORDING[language]
    labels = say["and"].join(directory.topic(tid).label(language) for tid in topic_ids)
    lines = [say["numbers_for"].format(labels=labels)] if labels else []
    for rid in resource_order(directory, topic_ids):
        resource = directory.resources[rid]
        lines.append(f"{_name(resource, language)}: {contact(resource, language, spoken_number)}.")
    return _lines(language, *lines)


def answer_options(language: str) -> list[Line]:
    """Return what the caller can press after an answer."""
    say = WORDING[language]
    return _lines(
        language,
        say["again"].format(digit=AGAIN),
        say["connect_key"].format(digit=CONNECT),
        say["menu"],
    )


def sorry(language: str) -> list[Line]:
    """Return the apology before a menu is said again."""
    return _lines(language, WORDING[language]["sorry"])


def connecting(language: str, heard_nothing: bool = False) -> list[Line]:
    """Return what is said just before the call is put through to the Help Line."""
    say = WORDING[language]
    return _lines(language, *([say["no_choice"]] if heard_nothing else []), say["connecting"])


def transcript(directory: Directory, index: Index, text: str, language: str | None = None) -> str:
    """Return what a caller who answers the menu by saying `text` would hear, as readable text.

    The call is in `language`, or else in the language `text` is in (pressing 9 for Spanish).
    """
    language = language or index.match(text).language
    turns = [("BOT", greeting(directory, "en") + menu(directory, "en"))]
    if language == "es":
        turns += [("CALLER", f"(presses {SPANISH})")]
        turns += [("BOT", greeting(directory, "es") + menu(directory, "es"))]
    turns += [("CALLER", f'(says) "{text}"')]
    topics = topics_heard(directory, index, "", text)
    if topics:
        turns += [("BOT", answer(directory, topics, language) + answer_options(language))]
    else:
        turns += [("BOT", sorry(language) + menu(directory, language))]
    out = []
    for who, said in turns:
        if isinstance(said, str):
            out.append(f"{who}: {said}")
            continue
        out.extend(f"{who} [{line.language}]: {line.text}" for line in said)
    return "\n".join(out)


def say_lines(verb, lines: list[Line]) -> None:
    """Add a <Say> per line to a TwiML verb, each in its own language's voice."""
    for line in lines:
        language, voice = VOICES[line.language]
        verb.say(line.text, language=language, voice=voice)
