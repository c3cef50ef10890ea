"""The referral directory: resources, topics and the order every reply leads with."""

import datetime
from collections.abc import Container
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

LANGUAGES = ("en", "es")
IN_SERVICE = "in_service"  # a resource's status when the file gives none
# Shipped in the package (links to data/ in a checkout, so a checkout serves the file staff edit).
PACKAGE_DATA = files(__package__).joinpath("data")
DEFAULT_PATH = Path(str(PACKAGE_DATA.joinpath("referrals.yaml"))).resolve()


@dataclass(frozen=True)
class Localized:
    """A text in English and Spanish."""

    en: str
    es: str

    def __call__(self, language: str) -> str:
        return self.es if language == "es" else self.en

    @classmethod
    def from_data(cls, data: dict | None) -> "Localized | None":
        if data is None:
            return None
        return cls(en=data["en"], es=data.get("es", data["en"]))


@dataclass(frozen=True)
class PerLanguage:
    """A value that may differ by language, or exist in one language only (988's Spanish key)."""

    en: str | None = None
    es: str | None = None

    def __call__(self, language: str) -> str | None:
        return self.es if language == "es" else self.en

    @classmethod
    def from_data(cls, data: str | int | dict | None) -> "PerLanguage":
        if data is None:
            return cls()
        if isinstance(data, dict):
            return cls(**{lang: str(data[lang]) for lang in LANGUAGES if lang in data})
        return cls(en=str(data), es=str(data))


@dataclass(frozen=True)
class Resource:
    """A hotline: how to reach it and where its numbers came from."""

    id: str
    name: Localized
    short: Localized
    source: str
    verified: datetime.date
    call: str | None = None
    text_number: str | None = None
    text_keyword: PerLanguage = PerLanguage()
    press: PerLanguage = PerLanguage()  # the key to press after calling, by language
    tty: str | None = None
    relay: str | None = None  # the relay service deaf and hard-of-hearing callers dial (711)
    also_call: str | None = None
    also_call_when: Localized | None = None
    web: str | None = None
    hours: str | None = None
    languages: tuple[str, ...] = ()
    status: str = IN_SERVICE
    reason: str | None = None  # why it is not sent
    line: int = field(default=1, compare=False)  # where the file defines it, for messages

    @classmethod
    def from_data(cls, data: dict, line: int = 1) -> "Resource":
        name = Localized.from_data(data["name"])
        text = data.get("text") or {}
        also = data.get("also_call") or {}
        return cls(
            id=data["id"],
            name=name,
            short=Localized.from_data(data.get("short")) or name,
            source=data["source"],
            verified=datetime.date.fromisoformat(data["verified"]),
            call=data.get("call"),
            text_number=text.get("number"),
            text_keyword=PerLanguage.from_data(text.get("keyword")),
            press=PerLanguage.from_data(data.get("press")),
            tty=data.get("tty"),
            relay=data.get("relay"),
            also_call=also.get("number"),
            also_call_when=Localized.from_data(also.get("when")),
            web=data.get("web"),
            hours=data.get("hours"),
            languages=tuple(data.get("languages", ())),
            status=data.get("status", IN_SERVICE),
            reason=data.get("reason"),
            line=line,
        )

    @property
    def in_service(self) -> bool:
        """Tell whether the bot may send this resource (not unconfirmed, not retired)."""
        return self.status == IN_SERVICE


@dataclass(frozen=True)
class Topic:
    """What a texter may be asking about, the words that say so, and its resources in order."""

    id: str
    label: Localized
    word: Localized
    keywords: dict[str, tuple[str, ...]]
    resources: tuple[str, ...]  # in service only: the ones replies give
    ivr_digit: int | None = None
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    example_lines: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    threshold: float | None = None  # how sure the model must be; None: topic_model's default
    on_file: tuple[str, ...] = ()  # listed for the topic in the file, but not sent

    @classmethod
    def from_data(cls, data: dict, in_service: Container[str], line_of=lambda *path: 1) -> "Topic":
        """Return the topic in `data`, its resources cut to those `in_service`.

        `line_of(*path)` gives the line of a value in the topic.
        """
        listed = tuple(data["resources"])
        sent = tuple(rid for rid in listed if rid in in_service)
        return cls(
            id=data["id"],
            label=Localized.from_data(data["label"]),
            word=Localized.from_data(data["word"]),
            keywords=by_language(data.get("keywords")),
            resources=sent,
            ivr_digit=data.get("ivr_digit"),
            on_file=tuple(r for r in listed if r not in sent),
            examples=by_language(data.get("examples")),
            example_lines=lines_by_language(data.get("examples"), line_of, "examples"),
            threshold=data.get("threshold"),
        )


def by_language(data: dict | None) -> dict[str, tuple[str, ...]]:
    """Return texts given per language, every language present (empty if none)."""
    data = data or {}
    return {language: tuple(data.get(language, ())) for language in LANGUAGES}


def lines_by_language(data: dict | None, line_of, *path) -> dict[str, tuple[int, ...]]:
    """Return the line of each text given per language (see by_language)."""
    data = data or {}
    return {
        language: tuple(line_of(*path, language, n) for n in range(len(data.get(language, ()))))
        for language in LANGUAGES
    }


@dataclass(frozen=True)
class Directory:
    """The whole directory as staff wrote it, already checked.

    `resources` and each topic's `resources` hold only resources in service: whatever reads them
    (texts, calls, the preview) cannot send an unconfirmed or retired one. Those are in `on_file`.
    """

    service_name: Localized
    always_first: tuple[str, ...]
    resources: dict[str, Resource]
    topics: tuple[Topic, ...]
    on_file: dict[str, Resource] = field(default_factory=dict)
    everyday: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    everyday_lines: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    # texts about two or more topics at once, per language: (the topics, the text, its line)
    several: dict[str, tuple[tuple[tuple[str, ...], str, int], ...]] = field(
        default_factory=dict, compare=False
    )

    @property
    def help_line(self) -> Resource:
        """Return the resource every reply leads with."""
        return self.resources[self.always_first[0]]

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with this id."""
        return next(topic for topic in self.topics if topic.id == topic_id)

    def topic_for_digit(self, digit: str) -> Topic | None:
        """Return the topic a phone key selects, if any."""
        return next((t for t in self.topics if str(t.ivr_digit) == digit), None)

    @classmethod
    def from_data(cls, data: dict, lines: dict | None = None) -> "Directory":
        """Return the directory in checked `data`; `lines` maps paths in it to file lines."""
        lines = lines or {}
        listed = [
            Resource.from_data(r, lines.get(("resources", n), 1))
            for n, r in enumerate(data["resources"])
        ]
        # The one place resources that must not be sent are set apart.
        sent = {r.id: r for r in listed if r.in_service}
        return cls(
            service_name=Localized.from_data(data["service"]["name"]),
            always_first=tuple(rid for rid in data["always_first"] if rid in sent),
            resources=sent,
            topics=tuple(
                Topic.from_data(t, sent, lambda *path, n=n: lines.get(("topics", n, *path), 1))
                for n, t in enumerate(data["topics"])
            ),
            on_file={r.id: r for r in listed if not r.in_service},
            everyday=by_language(data.get("everyday")),
            everyday_lines=lines_by_language(
                data.get("everyday"), lambda *path: lines.get(path, 1), "everyday"
            ),
            several={
                language: tuple(
                    (tuple(item["topics"]), item["text"], lines.get(("several", language, n), 1))
                    for n, item in enumerate((data.get("several") or {}).get(language, ()))
                )
                for language in LANGUAGES
            },
        )
