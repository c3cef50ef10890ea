"""What the staff page shows: replies as the bot sends them, and the directory in reply order.

Pure like `replies`: the staff page (and anything else) calls these with a directory and text.
"""

import datetime
from dataclasses import dataclass, replace

from .directory import LANGUAGES, Directory, Resource, Topic
from .matching import SHORTHAND, Index, Reason, folded_words, normalize
from .replies import (
    INFO,
    OPT_IN,
    OPT_OUT,
    SmsReply,
    answer_text,
    compose_sms,
    contact,
    keyword_of,
    resource_order,
)
from .speech import transcript
from .topic_model import LONE_SHARE, LONE_SOME, SOME_POWER, Example, Why

LANGUAGE_CHOICES = ("auto", *LANGUAGES)
COMMANDS = OPT_OUT | OPT_IN | INFO


def preview_reply(
    directory: Directory, index: Index, text: str, language: str = "auto"
) -> SmsReply | None:
    """Return the reply the webhook would send to `text`, in `language` unless it is "auto".

    Commands (STOP, HELP, START) get the webhook's fixed answer whatever the language: the bot
    never detects a language for them either.
    """
    if language == "auto" or is_command(text):
        return answer_text(directory, index, text)
    return compose_sms(directory, replace(index.match(text), language=language))


def is_command(text: str) -> bool:
    """Tell whether `text` is an opt-out, opt-in or help keyword rather than a question."""
    return keyword_of(text) in COMMANDS


def voice_transcript(directory: Directory, index: Index, text: str, language: str) -> str:
    """Return what a caller saying `text` would hear, in `language` unless it is "auto"."""
    return transcript(directory, index, text, None if language == "auto" else language)


def is_stale(verified: datetime.date, today: datetime.date) -> bool:
    """Tell whether a `verified` date is over 12 months before `today`."""
    if (today.month, today.day) == (2, 29):
        today -= datetime.timedelta(days=1)  # a year before a leap day is 28 February
    return verified < today.replace(year=today.year - 1)


UNCONFIRMED_DAYS = 90  # how long a number may wait on file for someone to confirm it


def is_unconfirmed_too_long(resource: Resource, today: datetime.date) -> bool:
    """Tell whether `resource` has been unconfirmed for over UNCONFIRMED_DAYS since `verified`."""
    return resource.status == "unconfirmed" and (today - resource.verified).days > UNCONFIRMED_DAYS


@dataclass(frozen=True)
class ResourceView:
    """A resource as the page lists it: how to reach it and whether its check is overdue."""

    resource: Resource
    contact: str  # every way to reach it, TTY included
    in_texts: str  # as text replies write it (TTY numbers are for TTY devices, not texts)
    stale: bool  # in service: verified over 12 months ago; unconfirmed: over 90 days ago


@dataclass(frozen=True)
class TopicView:
    """A topic and the numbers a texter gets for it, in the order the reply gives them."""

    topic: Topic
    lead: tuple[ResourceView, ...]
    own: tuple[ResourceView, ...]
    not_sent: tuple[ResourceView, ...] = ()  # listed for the topic, but unconfirmed or retired


@dataclass(frozen=True)
class Overview:
    """The directory at a glance."""

    lead: tuple[ResourceView, ...]
    topics: tuple[TopicView, ...]
    resources: tuple[ResourceView, ...]
    on_file: tuple[ResourceView, ...] = ()  # never sent: unconfirmed or retired

    @property
    def stale(self) -> tuple[ResourceView, ...]:
        """Return the resources whose numbers are overdue for a check."""
        return tuple(view for view in self.resources if view.stale)


def overview(directory: Directory, today: datetime.date) -> Overview:
    """Return every topic with its numbers in reply order and every resource with its check.

    Resources on file but not sent are listed apart, each topic naming its own.
    """

    def overdue(resource: Resource) -> bool:
        if resource.in_service:
            return is_stale(resource.verified, today)
        return is_unconfirmed_too_long(resource, today)

    views = {
        rid: ResourceView(
            resource,
            contact(resource, "en"),
            contact(resource, "en", tty=False),
            overdue(resource),
        )
        for rid, resource in (directory.resources | directory.on_file).items()
    }
    lead = tuple(views[rid] for rid in directory.always_first)
    topics = tuple(
        TopicView(
            topic,
            lead,
            # The order compose_sms uses: a lead resource is never repeated under a topic.
            tuple(
                views[rid]
                for rid in resource_order(directory, (topic.id,))
                if rid not in directory.always_first
            ),
            tuple(views[rid] for rid in topic.on_file),
        )
        for topic in directory.topics
    )
    return Overview(
        lead,
        topics,
        tuple(views[rid] for rid in directory.resources),
        tuple(views[rid] for rid in directory.on_file),
    )


def why_lines(index: Index, text: str) -> list[str]:
    """Return, per topic given or nearly given, what decided it: a keyword, a short example the
    text is word for word, or the model (and how it read the text's typos)."""
    reasons = index.explain(text)
    exact = reasons[0].example if reasons else None
    lines = []
    # "a word starting 'boy'" in a text that says "bf" puzzles a reader: say it was spelt out
    short = [word for word in dict.fromkeys(folded_words(text)) if word in SHORTHAND]
    spelt = ", ".join(f"'{word}' as '{SHORTHAND[word]}'" for word in short)
    read_as = [f"shorthand: read {spelt}"] if short else []
    for reason in reasons:
        if reason.keyword is not None:
            lines.append(f"{reason.topic}: yes, the keyword '{reason.keyword}'")
        elif exact is not None:
            if reason.given:
                lines.append(f"{reason.topic}: yes, {_word_for_word(exact)}")
        else:
            if reason.denied is not None:
                keyword, word = reason.denied
                lines.append(
                    f"{reason.topic}: the keyword '{keyword}' does not count: "
                    f"the text denies it ('{word}'), so the model decides"
                )
            if reason.model is not None and (
                reason.model.score >= NEARLY * reason.model.threshold or reason.denied
            ):
                lines.append(_model_line(reason))
    if exact is not None:
        return read_as + (lines or [f"no topic: {_word_for_word(exact)}"])
    fixes = index.spelling.read(normalize(text))[1] if index.model is not None else []
    if fixes:
        read = ", ".join(f"'{typo}' as '{word}'" for typo, word in fixes)
        lines.insert(0, f"spelling: the model read {read}")
    lines[:0] = read_as
    notes = bool(fixes) + bool(read_as)
    if any(reason.given for reason in reasons):
        return lines
    # no topic: say what the model made of the text, if it knows any of it
    denied = any(reason.denied for reason in reasons)
    everyday = index.explain_everyday(text)
    if everyday is not None:
        why, topic, chance = everyday
        leaning = next(reason.model for reason in reasons if reason.topic == topic)  # explained
        return [*lines, _everyday_line(why, leaning, chance, denied=denied)]
    keyword = "no keyword counts" if denied else "no keyword"
    model = "no model (see check)" if index.model is None else "no word the examples know"
    return lines if len(lines) > notes else [*lines, f"no topic: {keyword}, and {model}"]


def _word_for_word(example: Example) -> str:
    return (
        f"the text is, word for word (case, accents, signs and repeated letters aside), "
        f"{example.name}'s example '{example.text}' (line "
        f"{example.line}): a text this short is answered as its example is labelled"
    )


# A topic the model gives this share of its threshold is worth showing even when it is not given
# (a share, not a score: the eleventh round's thresholds run from 0.15 to 0.3).
NEARLY = 1 / 3


def _everyday_line(everyday: Why, leaning: Why, chance: float, denied: bool) -> str:
    """Say why the model gave no topic: how sure it is that the text is about some topic at all,
    what weighed against that, and what the topic it leans to scored."""
    some = 1.0 - everyday.score
    line = (
        f"no topic: {'no keyword counts' if denied else 'no keyword'}, and the model is "
        f"{some:.2f} sure the text is about some topic"
    )
    if everyday.grams:
        line += " (against: " + ", ".join(everyday.grams)
        if everyday.nearest:
            line += f"; nearest everyday examples: {_listed(everyday.nearest)}"
        line += ")"
    needs = f"needs {leaning.threshold:.2f}"
    if some >= LONE_SOME:  # the likeliest topic would have been given at a share of it
        needs += f", or {LONE_SHARE * leaning.threshold:.2f} as the likeliest topic"
    return line + (
        f"; were it, {chance:.2f} sure it is {leaning.topic}: {leaning.topic} scores "
        f"{some:.3f}^{SOME_POWER} x {chance:.3f} = {leaning.score:.3f} ({needs})"
    )


def _model_line(reason: Reason) -> str:
    why = reason.model
    if why.alone is not None:
        line = (
            f"{reason.topic}: yes, as the likeliest topic: the model gives it {why.score:.2f}, "
            f"under the {why.threshold:.2f} it needs, but is {why.alone:.2f} sure the text is "
            f"about some topic and gives it no other, and {reason.topic} scores highest, at "
            f"least half its threshold ({LONE_SHARE * why.threshold:.2f})"
        )
    else:
        verdict = "yes" if why.given else "no"
        line = (
            f"{reason.topic}: {verdict}, the model gives it {why.score:.2f} "
            f"(needs {why.threshold:.2f})"
        )
    if why.grams:
        line += "; it weighed " + ", ".join(why.grams)
    if why.nearest:
        line += f"; nearest examples: {_listed(why.nearest)}"
    return line


def _listed(examples: tuple[Example, ...]) -> str:
    return "; ".join(f"'{e.text}' (line {e.line})" for e in examples)
