"""What `check` says of the examples (pure): given twice, missed by the bot, or given a topic.

With tens of thousands of examples the bot gives a few hundred a topic they are not labelled
with, mostly a second topic whose numbers would help too ("he hits me" in a trafficking
example). Listed one by one, those drown what a coordinator must act on, so `report` lists the
findings that need an edit and sums up the rest; `--all` lists every one.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from .directory import LANGUAGES, Directory
from .matching import Index, examples, normalize

MOST_OFTEN = 3  # causes named in a summary
OTHER_LINES = 5  # lines named after a grouped finding's first


@dataclass(frozen=True)
class Finding:
    """One thing `check` says of one example."""

    line: int
    kind: str  # "unused", "wordless", "twice", "missed", "keyword" or "model" (a topic added)
    message: str
    everyday: bool = False  # the example is about no topic
    cause: str = ""  # what to group by: "keyword\ntopic", or "topic added to name examples"


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
                        "missed",
                        f"{owner} '{text}' is the word that always gets {topic}'s "
                        "numbers (its `word:`): remove the example",
                    )
                )
            continue
        wanted = set(example.topics)
        given = index.match(text, normal).topics
        if (missed := wanted.difference(given)) and index.model is not None:
            said = ("only " if wanted & set(given) else "") + (_listed(given) or "no topic")
            found.append(
                Finding(
                    line,
                    "missed",
                    f"the bot gives {owner} '{text}' {said}, not "
                    f"{_listed([t for t in example.topics if t in missed])}: add examples like "
                    "it, or reword it",
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
    """Return (line, warning) to print: all of `found` when `every`, else what needs an edit and
    a summary of the topics the bot adds to examples of other topics (None: no line)."""
    if every:
        return [(finding.line, f"warning: {finding.message}") for finding in found]
    lines = [
        (f.line, f"warning: {f.message}")
        for f in found
        if f.kind not in ("keyword", "model") or (f.everyday and f.kind == "model")
    ]
    by_keyword: dict[str, list[Finding]] = defaultdict(list)
    for finding in found:
        if finding.everyday and finding.kind == "keyword":
            by_keyword[finding.cause].append(finding)
    for group in by_keyword.values():
        others = [str(f.line) for f in group[1:]]
        also = ", ".join(others[:OTHER_LINES]) + (
            f" and {len(others) - OTHER_LINES} more" if len(others) > OTHER_LINES else ""
        )
        also = f" (also line{'s' if len(others) > 1 else ''} {also})" if others else ""
        lines.append((group[0].line, f"warning: {group[0].message}{also}"))
    lines.sort(key=lambda line: line[0])
    for kind, who in (("keyword", "keywords add"), ("model", "the model adds")):
        added = [f for f in found if f.kind == kind and not f.everyday]
        if added:
            causes = Counter(f.cause for f in added).most_common(MOST_OFTEN)
            named = ", ".join(
                "'{}' for {} ({})".format(*cause.split("\n"), count)
                if kind == "keyword"
                else f"{cause} ({count})"
                for cause, count in causes
            )
            lines.append(
                (
                    None,
                    f"note: {who} a topic to {len(added)} example(s) of other topics, most "
                    f"often {named}. Where the added topic's numbers help too, list the example "
                    "under `several:`. `check --all` lists each one.",
                )
            )
    return lines
