"""Compose the text a texter gets back (pure: the webhook, the CLI and the staff page share it)."""

from collections.abc import Sequence
from dataclasses import dataclass

from .directory import Directory, Resource, Topic
from .matching import Index, Match, normalize
from .segments import Segments, count_segments

MAX_SEGMENTS = 4

WORDING = {
    "en": {
        "call_or_text": "call or text {number}",
        "text_keyword": "text {keyword} to {number}",
        "text": "text {number}",
        "or": " or ",
        "tty": "TTY {number}",
        "danger": "In danger now? Call 911.",
        "more": "More numbers: text {words}.",
        "menu": "Text a word for more numbers: {words}.",
        "stop": "Free and confidential. Reply STOP to stop texts.",
        "welcome": "Welcome back.",
    },
    "es": {
        "call_or_text": "llama o textea al {number}",
        "text_keyword": "textea {keyword} al {number}",
        "text": "textea al {number}",
        "or": " o ",
        "tty": "TTY {number}",
        "danger": "¿En peligro? Llama al 911.",
        "more": "Más números: textea {words}.",
        "menu": "Textea una palabra para más números: {words}.",
        "stop": "Gratis y confidencial. Responde STOP para no recibir más textos.",
        "welcome": "Hola de nuevo.",
    },
}


@dataclass(frozen=True)
class SmsReply:
    """A reply ready to send, with what it costs and what it left out."""

    body: str
    segments: Segments
    language: str
    topics: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()


def contact(resource: Resource, language: str) -> str:
    """Return how to reach `resource`: numbers to call or text, in one short phrase."""
    say = WORDING[language]
    ways = []
    if resource.call and resource.call == resource.text_number and not resource.text_keyword:
        ways.append(say["call_or_text"].format(number=resource.call))
    else:
        if resource.call:
            ways.append(resource.call)
        if resource.text_number and resource.text_keyword:
            ways.append(
                say["text_keyword"].format(
                    keyword=resource.text_keyword, number=resource.text_number
                )
            )
        elif resource.text_number:
            ways.append(say["text"].format(number=resource.text_number))
    if resource.also_call:
        when = resource.also_call_when(language) if resource.also_call_when else ""
        ways.append(f"{resource.also_call} ({when})" if when else resource.also_call)
    line = say["or"].join(ways)
    if resource.tty:
        line += f" ({say['tty'].format(number=resource.tty)})"
    return line


def resource_line(resource: Resource, language: str) -> str:
    """Return one line of a reply: the resource's short name and how to reach it."""
    return f"{resource.short(language)}: {contact(resource, language)}"


def lead_lines(directory: Directory, language: str) -> list[str]:
    """Return the lines every reply starts with: the Help Line, then the crisis lines."""
    return [resource_line(directory.resources[rid], language) for rid in directory.always_first]


def _words(topics: Sequence[Topic], language: str) -> str:
    return ", ".join(topic.word(language) for topic in topics)


def _with_menu(
    directory: Directory, language: str, before: list[str], after: list[str]
) -> list[str]:
    """Return `before`, the menu of topic words, then `after`: as many words as MAX_SEGMENTS allows.

    Words go most specific first (directory order); a long directory's menu is cut, not the reply.
    """
    say, topics = WORDING[language], directory.topics

    def lines(count: int) -> list[str]:
        return [*before, say["menu"].format(words=_words(topics[:count], language)), *after]

    fits, too_many = 1, len(topics) + 1  # always name at least one word
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if count_segments("\n".join(lines(middle))).count <= MAX_SEGMENTS:
            fits = middle
        else:
            too_many = middle
    return lines(fits)


def _reply(lines: list[str], language: str, **extra) -> SmsReply:
    body = "\n".join(lines)
    return SmsReply(body, count_segments(body), language, **extra)


def compose_sms(directory: Directory, match: Match) -> SmsReply:
    """Return the reply to a text: lead lines, then each matched topic's numbers, never repeated.

    Topics are tried most specific first (directory order); one whose numbers would push the
    reply past MAX_SEGMENTS is left out and named by the word that asks for it.
    """
    language, say = match.language, WORDING[match.language]
    lines = lead_lines(directory, language)
    if not match.topics:
        return _reply(_with_menu(directory, language, lines, [say["danger"]]), language)

    topics = [directory.topic(tid) for tid in match.topics]
    seen = set(directory.always_first)
    kept, left_out = [], []

    def footer(not_sent: list[Topic]) -> list[str]:
        more = [say["more"].format(words=_words(not_sent, language))] if not_sent else []
        return [*more, say["danger"]]

    for n, topic in enumerate(topics):
        new = [rid for rid in dict.fromkeys(topic.resources) if rid not in seen]
        trial = lines + [resource_line(directory.resources[rid], language) for rid in new]
        # Budget as if every later topic were left out too, so the footer always fits.
        body = "\n".join(trial + footer(left_out + topics[n + 1 :]))
        if count_segments(body).count <= MAX_SEGMENTS or not kept and not new:
            lines, kept = trial, [*kept, topic]
            seen.update(new)
        else:
            left_out.append(topic)
    return _reply(
        lines + footer(left_out),
        language,
        topics=tuple(t.id for t in kept),
        left_out=tuple(t.id for t in left_out),
    )


def compose_help(directory: Directory, language: str = "en") -> SmsReply:
    """Return the answer to HELP/INFO: the service, the lead numbers and how to stop."""
    say = WORDING[language]
    service = f"{directory.service_name(language)}."
    return _reply([service, *lead_lines(directory, language), say["stop"]], language)


def compose_welcome(directory: Directory, language: str = "en") -> SmsReply:
    """Return the answer to START/UNSTOP: a welcome, the lead numbers and the topic words."""
    before = [WORDING[language]["welcome"], *lead_lines(directory, language)]
    return _reply(_with_menu(directory, language, before, []), language)


OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
OPT_IN = frozenset({"start", "unstop", "yes"})
INFO = frozenset({"help", "info"})


def answer_text(
    directory: Directory, index: Index, text: str, compose=compose_sms
) -> SmsReply | None:
    """Return the reply to a text, or None for an opt-out (Twilio sends the confirmation).

    `compose` turns a match into a reply; the server passes a cached compose_sms.
    """
    command = normalize(text)
    if command in OPT_OUT:
        return None
    if command in OPT_IN:
        return compose_welcome(directory)
    if command in INFO:
        return compose_help(directory)
    return compose(directory, index.match(text))
