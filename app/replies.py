"""Compose the text a texter gets back (pure: the webhook, the CLI and the staff page share it)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .directory import Directory, Resource, Topic
from .matching import Index, Match
from .segments import Segments, count_segments

MAX_SEGMENTS = 4

WORDING = {
    "en": {
        "call_or_text": "call or text {number}",
        "call": "call {number}",
        "press": " (press {digit})",
        "text_keyword": "text {keyword} to {number}",
        "text": "text {number}",
        "or": " or ",
        "tty": "TTY {number}",
        "relay": "deaf or hard of hearing: dial {number}",
        "danger": "In danger now? Call 911.",
        "more": "More: text {words}.",
        "menu": "Text a word for more numbers: {words}.",
        # What carriers ask of a keyword reply (CTIA): who is texting, that rates may apply, how
        # to stop. Texting is not free on every plan, so the replies never say it is.
        "rates_stop": "Msg&data rates may apply. Reply STOP to cancel.",
        "welcome": "{service}: welcome back.",
        "help_stop": "Reply HELP for help, STOP to cancel.",
    },
    "es": {
        "call_or_text": "llama o textea al {number}",
        "call": "llama al {number}",
        "press": " (marca {digit})",
        "text_keyword": "textea {keyword} al {number}",
        "text": "textea al {number}",
        "or": " o ",
        "tty": "TTY {number}",
        "relay": "sordos: marca {number}",
        "danger": "¿En peligro? Llama al 911.",
        "more": "Más: textea {words}.",
        "menu": "Textea una palabra para más números: {words}.",
        "rates_stop": "Pueden aplicar tarifas de msj y datos. Responde STOP para cancelar.",
        "welcome": "{service}.",
        "help_stop": "Responde HELP para ayuda, STOP para cancelar.",
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


def contact(
    resource: Resource, language: str, number: Callable[[str], str] = str, tty: bool = True
) -> str:
    """Return how to reach `resource` in `language`: numbers to call or text, in one short phrase.

    `number` writes each number; voice passes one that reads it digit by digit. A resource with
    no number to call or text gives its TTY number, else its web address.
    """
    say = WORDING[language]
    keyword, press = resource.text_keyword(language), resource.press(language)
    same_number = resource.call is not None and resource.call == resource.text_number
    ways = []
    if same_number and not keyword and not press:
        ways.append(say["call_or_text"].format(number=number(resource.call)))
    else:
        if resource.call:
            called = number(resource.call)
            if same_number or press:  # "988 or text AYUDA to 988" would read as one number
                called = say["call"].format(number=called)
            ways.append(called + (say["press"].format(digit=press) if press else ""))
        if resource.text_number and keyword:
            ways.append(
                say["text_keyword"].format(keyword=keyword, number=number(resource.text_number))
            )
        elif resource.text_number:
            ways.append(say["text"].format(number=number(resource.text_number)))
    if resource.also_call:
        when = resource.also_call_when(language) if resource.also_call_when else ""
        also = number(resource.also_call)
        ways.append(f"{also} ({when})" if when else also)
    if not ways and resource.tty:
        return say["tty"].format(number=number(resource.tty))
    if not ways and resource.web:
        return resource.web
    line = say["or"].join(ways)
    if tty and resource.tty:
        line += f" ({say['tty'].format(number=number(resource.tty))})"
    if tty and resource.relay:
        line += f" ({say['relay'].format(number=number(resource.relay))})"
    return line


def resource_line(resource: Resource, language: str, tty: bool = False) -> str:
    """Return one line of a reply: the resource's short name and how to reach it."""
    return f"{resource.short(language)}: {contact(resource, language, tty=tty)}"


def lead_lines(directory: Directory, language: str, tty: bool = False) -> list[str]:
    """Return the lines every reply starts with: the Help Line, then the crisis lines.

    TTY numbers are for TTY devices, not texting; they and the relay (711) for deaf and
    hard-of-hearing callers go in the HELP reply and the voice menu.
    """
    return [
        resource_line(directory.resources[rid], language, tty) for rid in directory.always_first
    ]


def resource_order(directory: Directory, topic_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Return the resources to give for these topics: always_first, then each topic's, no repeats.

    It is the order compose_sms lists them in when no topic is left out.
    """
    order = dict.fromkeys(directory.always_first)
    for topic_id in topic_ids:
        order.update(dict.fromkeys(directory.topic(topic_id).resources))
    return tuple(order)


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

    def render(kept: list[Topic], most: int | None = None, tell_more: bool = True):
        order = resource_order(directory, tuple(t.id for t in kept))
        lines = [
            resource_line(directory.resources[rid], language)
            for rid in order
            if rid not in directory.always_first
        ]
        left_out = [t for t in topics if t not in kept]
        more = [say["more"].format(words=_words(left_out, language))] if left_out else []
        more = more if tell_more else []
        body = [*lead_lines(directory, language), *lines[:most], *more, say["danger"]]
        return "\n".join(body), left_out

    def fits(kept: list[Topic], most: int | None = None, tell_more: bool = True) -> bool:
        return count_segments(render(kept, most, tell_more)[0]).count <= MAX_SEGMENTS

    # The most specific topic is always kept; each next one if its numbers still fit. Since the
    # "more" line grows as topics are left out, give back the least specific until all fits, and
    # if the first alone is too long, send its first numbers only.
    kept = topics[:1]
    for topic in topics[1:]:
        if fits([*kept, topic]):
            kept.append(topic)
    while len(kept) > 1 and not fits(kept):
        kept.pop()
    most = sum(len(t.resources) for t in kept)
    while most > 1 and not fits(kept, most):
        most -= 1
    body, left_out = render(kept, most, tell_more=fits(kept, most))
    return SmsReply(
        body,
        count_segments(body),
        language,
        topics=tuple(t.id for t in kept),
        left_out=tuple(t.id for t in left_out),
    )


def compose_help(directory: Directory, language: str = "en") -> SmsReply:
    """Return the answer to HELP/INFO: the service, the lead numbers, rates and how to stop."""
    say = WORDING[language]
    service = f"{directory.service_name(language)}."
    lines = [service, *lead_lines(directory, language, tty=True), say["rates_stop"]]
    return _reply(lines, language)


def compose_welcome(directory: Directory, language: str = "en") -> SmsReply:
    """Return the answer to START/UNSTOP: the service, the lead numbers, HELP and STOP, words."""
    say = WORDING[language]
    before = [say["welcome"].format(service=directory.service_name(language))]
    before += lead_lines(directory, language)
    return _reply(_with_menu(directory, language, before, [say["help_stop"]]), language)


# Twilio's default keywords (help.twilio.com, "Twilio support for opt-out keywords"; OPTOUT and
# REVOKE joined the opt-out list in 2025). Twilio acts only on a message that is the keyword alone.
OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"})
OPT_IN = frozenset({"start", "unstop", "yes"})
INFO = frozenset({"help", "info"})


def keyword_of(text: str) -> str:
    """Return `text` as Twilio compares it with its keywords: one word, trimmed, any case.

    "Stop please" or "stop." is not a keyword to Twilio, so it gets a full reply here too: a
    texter is never left without an answer because the bot guessed at an opt-out.
    """
    word = text.strip()
    return word.lower() if word.isascii() and word.isalpha() else ""


def answer_text(
    directory: Directory, index: Index, text: str, compose=compose_sms
) -> SmsReply | None:
    """Return the reply to a text, or None for an opt-out (Twilio sends the confirmation).

    `compose` turns a match into a reply; the server passes a cached compose_sms.
    """
    keyword = keyword_of(text)
    if keyword in OPT_OUT:
        return None
    if keyword in OPT_IN:
        return compose_welcome(directory)
    if keyword in INFO:
        return compose_help(directory)
    return compose(directory, index.match(text))
