"""Compose what a caller hears, sentence by sentence (pure: the webhook and the CLI share it)."""

import re
from dataclasses import dataclass

from .directory import Directory, Resource, Topic
from .matching import Index, normalize
from .replies import contact, resource_order

CONNECT = "0"  # in every menu: put the caller through to the Help Line
SPANISH = "9"  # in the English menu: everything from here on in Spanish
ENGLISH = "9"  # in the Spanish menu: back to English (a caller may press 9 by mistake)
AGAIN = "1"  # after an answer: hear the numbers again
MENU = "*"  # after an answer: back to the menu
MAX_MISSES = 3  # bad keys or unheard answers in a row before the caller is put through
MAX_DIAL_TRIES = 2  # Help Line attempts the bot makes on its own when a caller stays silent
DIAL_TIMEOUT = 30  # seconds the Help Line rings before Twilio reports no-answer (its default)
# Said in the English menu, they switch the call to Spanish (accents folded by `normalize`).
SPANISH_WORDS = frozenset({"espanol", "spanish"})
# What else a caller asking for Spanish says: "en español por favor", "Spanish please".
ASKING_WORDS = frozenset(
    "en in por favor please i want to speak speaks hablar hablo hablas habla quiero yo the a do "
    "you can only solo".split()
)
# Said with a language, they ask for the other one: "no hablo español", "i dont speak english".
NOT_WORDS = frozenset("no dont not cant".split())
SPANISH_HINTS = ["español", "Spanish"]
# Said in the Spanish menu, they switch the call back to English ("en inglés por favor").
ENGLISH_WORDS = frozenset({"ingles", "english"})
ENGLISH_HINTS = ["inglés", "English"]
# A caller who asks by voice for the Help Line or a person, as 0 does: "help line", "operator",
# "can i talk to a real person", "línea de ayuda", "con una persona por favor", "cero".
HELP_LINE_WORDS = frozenset(
    "helpline operator person human agent representative zero 0 operador operadora persona "
    "humano humana cero".split()
)
# What else such a caller says; a word outside both ("my person hits me") makes it a topic's.
REQUEST_WORDS = ASKING_WORDS | frozenset(
    "can could may let me talk with just real live an put through connect transfer give get "
    "need ok yes si puedo con una un la el de pasame comunicame conectame alguna algun now "
    "number numero help ayuda necesito ahora".split()
)
HELP_LINE_HINTS = {"en": ["help line", "operator"], "es": ["línea de ayuda", "operadora"]}
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
        "busy": "The Help Line is busy right now.",
        "not_reached": "The Help Line could not be reached just now.",
        "try_again": "To try the Help Line again, press {digit}.",
        "goodbye": "Please call again any time. Goodbye.",
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
        "busy": "La Línea de Ayuda está ocupada en este momento.",
        "not_reached": "No pudimos comunicarte con la Línea de Ayuda en este momento.",
        "try_again": "Para intentar otra vez con la Línea de Ayuda, marca {digit}.",
        "goodbye": "Llámanos cuando quieras. Adiós.",
    },
}
# Said in the Spanish voice inside the English menu, so a Spanish speaker hears it in Spanish,
# and the other way round.
FOR_SPANISH = "Para español, marca {digit}."
FOR_ENGLISH = "For English, press {digit}."


DIGIT_RUN = re.compile(r"\d+(?:-\d+)*")  # "988", "211", "2-1-1"

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
    """Return the menu: one key per topic in key order, 0 for the Help Line, 9 for the other
    language."""
    say = WORDING[language]
    keyed = sorted((t for t in directory.topics if t.ivr_digit), key=lambda t: t.ivr_digit)
    lines = _lines(
        language,
        *(say["topic"].format(label=_label(t, language), digit=t.ivr_digit) for t in keyed),
        say["connect_key"].format(digit=CONNECT),
        say["speak"],
    )
    if language == "en":
        lines.append(Line(FOR_SPANISH.format(digit=SPANISH), "es"))
    else:
        lines.append(Line(FOR_ENGLISH.format(digit=ENGLISH), "en"))
    return lines


def hints(directory: Directory, language: str) -> str:
    """Return speech hints for the menu: the first few keywords of each topic, the Help Line
    and the other language ("español", "inglés")."""
    words = [
        keyword
        for topic in directory.topics
        for keyword in topic.keywords[language][:HINTS_PER_TOPIC]
    ]
    words += HELP_LINE_HINTS[language]
    words += SPANISH_HINTS if language == "en" else ENGLISH_HINTS
    return ", ".join(dict.fromkeys(words))


def asks_for_spanish(heard: str) -> bool:
    """Tell whether a spoken answer to the English menu asks for Spanish ("español", "Spanish").

    Only a request for Spanish and nothing more ("no hablo inglés" is one): "my Spanish teacher
    hits me" is about a topic.
    """
    return _asks_for(heard, SPANISH_WORDS) or _asks_for(heard, ENGLISH_WORDS, negated=True)


def asks_for_english(heard: str) -> bool:
    """Tell whether a spoken answer to the Spanish menu asks for English ("inglés", "English",
    "no hablo español"), and nothing more: "mi maestro de inglés me pega" is about a topic."""
    return _asks_for(heard, ENGLISH_WORDS) or _asks_for(heard, SPANISH_WORDS, negated=True)


def _asks_for(heard: str, language_words: frozenset[str], negated: bool = False) -> bool:
    """Tell whether `heard` names a language of `language_words` with only asking words around
    it, and a "no" among them if `negated` (and none if not)."""
    words = set(normalize(heard).split())
    nots = words & NOT_WORDS
    return (
        bool(words & language_words)
        and bool(nots) == negated
        and words <= language_words | ASKING_WORDS | nots
    )


def asks_for_help_line(heard: str) -> bool:
    """Tell whether a spoken answer to the menu asks for the Help Line or a person, and no more."""
    normal = normalize(heard).replace("help line", "helpline").replace("linea de ayuda", "helpline")
    words = set(normal.split())
    return bool(words & HELP_LINE_WORDS) and words <= HELP_LINE_WORDS | REQUEST_WORDS


def menu_step(
    directory: Directory, index: Index, language: str, digits: str, heard: str
) -> tuple[str, tuple[str, ...]]:
    """Return what a key or a spoken answer to the menu asks for: ("connect", ()),
    ("spanish", ()), ("english", ()), ("answer", its topics) or ("miss", ()). The call and the
    preview share it."""
    if digits == CONNECT or (not digits and asks_for_help_line(heard)):
        return "connect", ()
    if language == "en" and (digits == SPANISH or (not digits and asks_for_spanish(heard))):
        return "spanish", ()
    if language == "es" and (digits == ENGLISH or (not digits and asks_for_english(heard))):
        return "english", ()
    topics = topics_heard(directory, index, digits, heard)
    return ("answer", topics) if topics else ("miss", ())


def topics_heard(directory: Directory, index: Index, digits: str, heard: str) -> tuple[str, ...]:
    """Return the topics a key or a spoken answer asks for (none if neither names one)."""
    if digits:
        topic = directory.topic_for_digit(digits)
        return (topic.id,) if topic else ()
    return index.match(heard).topics if heard.strip() else ()


def spoken_text(text: str, language: str) -> str:
    """Return a name or label as it should be read aloud: "24/7" in words, numbers digit by digit.

    Read as written, "988" is "nine hundred eighty-eight", "2-1-1" a sum and "24/7" a date.
    """
    parts = text.split("24/7")
    spaced = [DIGIT_RUN.sub(lambda run: " ".join(run.group().replace("-", "")), p) for p in parts]
    return WORDING[language]["always_open"].join(spaced)


def _name(resource: Resource, language: str) -> str:
    return spoken_text(resource.short(language), language)


def _resource_line(resource: Resource, language: str) -> str:
    return f"{_name(resource, language)}: {contact(resource, language, spoken_number)}."


def _label(topic: Topic, language: str) -> str:
    return spoken_text(topic.label(language), language)


def answer(directory: Directory, topic_ids: tuple[str, ...], language: str) -> list[Line]:
    """Return the topics' numbers, in the SMS order, each read digit by digit."""
    say = WORDING[language]
    labels = say["and"].join(_label(directory.topic(tid), language) for tid in topic_ids)
    lines = [say["numbers_for"].format(labels=labels)] if labels else []
    for rid in resource_order(directory, topic_ids):
        lines.append(_resource_line(directory.resources[rid], language))
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


def dial_failed(directory: Directory, language: str, status: str) -> list[Line]:
    """Return what a caller hears when the Help Line did not answer: why, 911, the crisis lines.

    `status` is Twilio's DialCallStatus: busy, no-answer, failed or canceled.
    """
    say = WORDING[language]
    lines = [
        say["busy"] if status == "busy" else say["not_reached"],
        say["danger"].format(number=spoken_number("911")),
    ]
    for rid in directory.always_first[1:]:  # the crisis lines, after the Help Line
        lines.append(_resource_line(directory.resources[rid], language))
    return _lines(language, *lines)


def dial_options(language: str) -> list[Line]:
    """Return what the caller can press after the Help Line did not answer."""
    say = WORDING[language]
    return _lines(language, say["try_again"].format(digit=AGAIN), say["menu"])


def goodbye(language: str) -> list[Line]:
    """Return the last words of a call that the bot ends."""
    say = WORDING[language]
    return _lines(language, say["danger"].format(number=spoken_number("911")), say["goodbye"])


def connecting(language: str, heard_nothing: bool = False) -> list[Line]:
    """Return what is said just before the call is put through to the Help Line."""
    say = WORDING[language]
    return _lines(language, *([say["no_choice"]] if heard_nothing else []), say["connecting"])


def transcript(directory: Directory, index: Index, text: str, language: str | None = None) -> str:
    """Return what a caller who answers the menu by saying `text` would hear, as readable text.

    The call is in `language`, or else in the language `text` is in (pressing 9 for Spanish).
    """
    language = language or ("es" if asks_for_english(text) else index.match(text).language)
    turns = [("BOT", greeting(directory, "en") + menu(directory, "en"))]
    if language == "es":
        turns += [("CALLER", f"(presses {SPANISH})")]
        turns += [("BOT", greeting(directory, "es") + menu(directory, "es"))]
    turns += [("CALLER", f'(says) "{text}"')]
    step, topics = menu_step(directory, index, language, "", text)
    if step == "connect":
        turns += [("BOT", connecting(language))]
    elif step in ("spanish", "english"):
        other = "es" if step == "spanish" else "en"
        turns += [("BOT", greeting(directory, other) + menu(directory, other))]
    elif step == "answer":
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
