"""What `check` says of the examples (pure): given twice, missed by the bot, or given a topic.

With tens of thousands of examples the bot gives a few hundred a topic they are not labelled
with, mostly a second topic whose numbers would help too ("he hits me" in a trafficking
example), and, with thresholds set for precision, does not give a few their own topic (79 before
the tenth round's NB-weighted model, 4 since: it fits its own examples more closely).
Listed one by one, those drown what a coordinator must act on, so `report` lists the examples
that are mistakes whatever the model learns and sums up the rest; `--all` lists every one.
"""

from collections import Counter
from dataclasses import dataclass

from .directory import LANGUAGES, Directory
from .matching import Index, examples, normalize

MOST_OFTEN = 3  # causes named in a summary


@dataclass(frozen=True)
class Finding:
    """One thing `check` says of one example."""

    line: int
    # "unused", "wordless", "twice", "word" (a topic's own word), "missed" (its topic not
    # given), "keyword" or "model" (a topic added by one or the other)
    kind: str
    message: str
    everyday: bool = False  # the example is about no topic
    cause: str = ""  # what a summary counts: "keyword\ntopic", "topic added to ...", ...


def findings(directory: Directory, index: Index) -> list[Finding]:
    """Return, example by example, what `check` says of the directory's examples."""
    found: list[Finding] = []
    if index.model is None and any(
        topic.examples[lang] for topic in directory.topics for lang in LANGUAGES
    ):
        found.append(
            Finding(
                1,
                "unused",
                "the topics' examples are not used: they need `everyday:` texts about no "
                "topic, and examples that share words, so the bot can tell a text needs none",
            )
        )
    first = {}
    for example in examples(directory):
        name, text, line = example.name, example.text, example.line
        owner = _owner(example.topics)
        normal = normalize(text)
        if not normal:
            found.append(
                Finding(
                    line,
                    "wordless",
                    f"{owner} '{text}' has no words (only signs or emoji), so the bot "
                    "reads nothing in it: remove it",
                )
            )
            continue
        seen = first.setdefault(normal, example)
        if set(seen.topics) != set(example.topics):
            found.append(
                Finding(
                    line,
                    "twice",
                    f"example '{text}' is given to {name} and to {seen.name} (line {seen.line}): "
                    "keep it once (under `several:` if it is about several topics)",
                )
            )
            continue
        if normal in index.words:
            topic = index.words[normal][0]
            if example.topics != (topic,):
                found.append(
                    Finding(
                        line,
                        "word",
                        f"{owner} '{text}' is the word that always gets {topic}'s "
                        "numbers (its `word:`): remove the example",
                    )
                )
            continue
        wanted = set(example.topics)
        given = index.match(text, normal).topics
        if (missed := wanted.difference(given)) and index.model is not None:
            said = ("only " if wanted & set(given) else "") + (_listed(given) or "no topic")
            not_given = _listed([t for t in example.topics if t in missed])
            found.append(
                Finding(
                    line,
                    "missed",
                    f"the bot gives {owner} '{text}' {said}, not {not_given}: add examples like "
                    "it, or reword it",
                    cause=not_given,
                )
            )
        added = [topic for topic in given if topic not in wanted]  # in directory order
        by_keyword = index.keywords_in(normal.split()) if added else {}
        for topic in added:
            found.append(_added(owner, name, text, line, topic, by_keyword.get(topic)))
    return found


def _owner(topics: tuple[str, ...]) -> str:
    """Return how a message names an example: "runaway's example", "the example about abuse and
    runaway", "everyday's example"."""
    if len(topics) > 1:
        return f"the example about {_listed(topics)}"
    return f"{topics[0] if topics else 'everyday'}'s example"


def _listed(topics) -> str:
    """Return "abuse", "abuse and runaway", "abuse, runaway and crisis"."""
    *rest, last = topics or [""]
    return f"{', '.join(rest)} and {last}" if rest else last


def _added(owner: str, name: str, text: str, line: int, topic: str, keyword) -> Finding:
    """Return the finding for an example the bot gives `topic`, which it is not labelled with."""
    everyday = name == "everyday"
    if keyword is not None:
        keyword = keyword[0]
        fix = "make the keyword longer or remove it"
        return Finding(
            line,
            "keyword",
            f"keyword '{keyword}' gives {topic} to {owner} '{text}': "
            + (
                fix
                if everyday
                else f"if it is about {topic} too, list it under `several:`; if not, {fix}"
            ),
            everyday,
            f"{keyword}\n{topic}",  # one keyword may be given to two topics
        )
    if everyday:
        message = f"the model gives everyday's example '{text}' {topic}: add everyday texts like it"
    else:
        message = (
            f"the model adds {topic} to {owner} '{text}': if it is about {topic} too, "
            "list it under `several:`; if not, add examples like it"
        )
    return Finding(
        line,
        "model",
        message,
        everyday,
        f"{topic} added to {_listed(name.split(' and '))} examples",
    )


def report(found: list[Finding], every: bool) -> list[tuple[int | None, str]]:
    """Return (line, warning) to print: all of `found` when `every`; else, one line each, the
    examples that are mistakes whatever the model does (given twice, with no words, a topic's
    own word), and a note summing up each other kind (None: no line)."""
    if every:
        return [(finding.line, f"warning: {finding.message}") for finding in found]
    lines: list[tuple[int | None, str]] = [
        (f.line, f"warning: {f.message}") for f in found if f.kind in LISTED
    ]
    for kinds, everyday, said, fix in SUMMED:
        group = [f for f in found if f.kind in kinds and f.everyday == everyday]
        if group:
            causes = Counter(f.cause for f in group).most_common(MOST_OFTEN)
            named = ", ".join(f"{_cause(cause)} ({count})" for cause, count in causes)
            lines.append(
                (
                    None,
                    f"note: {said.format(count=len(group))}, most often {named}: {fix}. "
                    "`check --all` lists each, with its line.",
                )
            )
    return lines


LISTED = ("unused", "wordless", "twice", "word")  # mistakes whatever the model does
SUMMED = (  # (kinds, about everyday texts, what the note says, the fix), in the order printed
    (
        ("missed",),
        False,
        "the bot does not give {count} example(s) their own topic",
        "add examples like them, or reword them",
    ),
    (
        ("keyword", "model"),
        True,
        "the bot gives a topic to {count} everyday text(s)",
        "make the keyword longer or remove it, or add everyday texts like them",
    ),
    (
        ("keyword", "model"),
        False,
        "the bot adds a topic to {count} example(s) of other topics",
        "where the added topic's numbers help too, list the example under `several:`",
    ),
)


def _cause(cause: str) -> str:
    keyword, _, topic = cause.partition("\n")
    return f"'{keyword}' for {topic}" if topic else cause
