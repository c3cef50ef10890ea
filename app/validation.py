"""Read the referral file and say, by file and line, everything that is wrong with it."""

import datetime
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from .directory import LANGUAGES, PACKAGE_DATA, Directory
from .matching import Match, phrase_key
from .replies import MAX_SEGMENTS, compose_help, compose_sms, compose_welcome

Path_ = tuple[str | int, ...]
HELP_LINE_WITHIN = 100  # characters: a lock screen or a preview shows about this much
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PHONE_FIELDS = ("call", "tty", "relay", "number")
TEXT = ("string", ["string"])  # how the schema says an item of a list is text
IDS = ("always_first", "resources")  # lists of resources' ids
# What a file may cost before it is parsed. The shipped file, with its examples, is about 3 MB
# and grows by some 150 KB with each batch of 1,250 examples; a file of tens of megabytes is a
# mistake (or an attack) and would stall reloads.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file, at a line (1-based)."""

    line: int
    message: str


class DirectoryError(Exception):
    """The referral file cannot be used; `problems` say where and why."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Return one `file:line: message` line per problem."""
        return "\n".join(f"{self.filename}:{p.line}: {p.message}" for p in self.problems)

    def one_line(self) -> str:
        """Return the report on one line, for the log (which escapes line breaks)."""
        return " / ".join(self.report().splitlines())


def load_file(path: str | Path) -> Directory:
    """Return the directory in the file at `path`, or raise DirectoryError."""
    return load_bytes(read_file(path)[0], str(path))


def read_file(path: str | Path) -> tuple[bytes, os.stat_result]:
    """Return the bytes of the regular file at `path` and its status, or raise DirectoryError.

    The file is opened without blocking and checked before it is read: a FIFO, a device such as
    /dev/zero or a directory in its place would hang or never end, and a huge file would cost a
    worker its memory.
    """
    filename = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise DirectoryError(
            filename, [Problem(1, "file not found: check REFERRALS_PATH")]
        ) from None
    except OSError as error:
        raise DirectoryError(
            filename, [Problem(1, f"cannot read the file: {error.strerror}")]
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DirectoryError(
                filename,
                [
                    Problem(
                        1,
                        f"this is {_kind(info.st_mode)}, not a file: "
                        "put the referral file itself here (a link to a file is fine)",
                    )
                ],
            )
        raw = b""
        if info.st_size <= MAX_FILE_BYTES:
            with os.fdopen(os.dup(fd), "rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)  # +1: a file still growing is caught too
        if info.st_size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
            size = max(info.st_size, len(raw))
            raise DirectoryError(
                filename,
                [
                    Problem(
                        1,
                        f"the file is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB "
                        "a referral file may be: check it is the right file",
                    )
                ],
            )
    except OSError as error:
        raise DirectoryError(
            filename, [Problem(1, f"cannot read the file: {error.strerror}")]
        ) from None
    finally:
        os.close(fd)
    return raw, info


def _kind(mode: int) -> str:
    """Name what is at a path that is not a regular file."""
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def load_bytes(raw: bytes, filename: str = "<bytes>") -> Directory:
    """Return the directory written in the UTF-8 `raw`, or raise DirectoryError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DirectoryError(
            filename, [Problem(line, "this line is not UTF-8 text: save the file as UTF-8")]
        ) from None
    return load_text(text, filename)


class _Loader(SafeLoader):
    """YAML's safe loader, keeping dates as the text staff wrote (2026-02-30 must not raise)."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_str)


def load_text(text: str, filename: str = "<text>") -> Directory:
    """Return the directory written in `text`, or raise DirectoryError."""
    problems = list(_anchors_and_aliases(text))
    if problems:
        raise DirectoryError(filename, problems)
    root, data = _parse(text, filename)
    if not isinstance(data, dict):
        raise DirectoryError(
            filename, [Problem(1, "the file must hold service, always_first, resources and topics")]
        )
    lines: dict[Path_, int] = {}
    problems = list(_map_lines(root, (), lines))
    problems += _schema_problems(data, lines)
    if not problems:
        problems += [problem for rule in RULES for problem in rule(data, lines)]
    if problems:
        raise DirectoryError(filename, problems)
    directory = Directory.from_data(data, lines)
    problems = list(_reply_problems(directory, lines))
    if problems:
        raise DirectoryError(filename, problems)
    return directory


STRUCTURE = re.compile(r"\n[ \t]*(?:- |[\w-]+:(?:[ \t]|$))", re.MULTILINE)


def _open_quote(text: str, error: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """Return the line a quote left open starts on, and where it ends, if that caused `error`.

    A quoted value may run over lines in YAML, so `call: "800-555-0100` is read on until the
    next quote, and the error comes lines later ("did not find expected key"), where nothing
    is wrong; or, with no quote after it, at the end of the file. Referral files never need a
    quoted value over several lines.
    """
    if error.problem_mark is None:
        return None
    failed = error.problem_mark.line
    if error.context == "while scanning a quoted scalar" and error.context_mark:
        cut = "end of stream" in (error.problem or "")  # else a "---" or "..." cut it short
        return error.context_mark.line + 1, "the end of the file" if cut else f"line {failed + 1}"
    near = text.split("\n", failed + 1)[max(0, failed - 2) : failed + 1]
    if not any('"' in line or "'" in line for line in near):
        return None  # no quote ends where the error is (and the pure-Python scan takes seconds)
    scanner = SafeLoader(text)
    found = None
    try:
        while (token := scanner.get_token()) is not None and token.start_mark.line <= failed:
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and failed - 2 <= token.end_mark.line <= failed  # it ends where the error is
                # and it swallowed lines that read as the file's own ("    text:", "- ..."):
                # a value quoted over two lines on purpose is not blamed for the next error
                and STRUCTURE.search(text, token.start_mark.index, token.end_mark.index)
            ):
                found = token.start_mark.line + 1, f"line {token.end_mark.line + 1}"
    except yaml.YAMLError:
        pass  # the tokens before the error were read
    finally:
        scanner.dispose()
    return found


def _anchors_and_aliases(text: str, at_most: int = 10) -> Iterator[Problem]:
    """Yield the lines that hold a YAML anchor (&name) or alias (*name), found before parsing.

    A few lines of aliases can stand for billions of values (the "billion laughs"), so they are
    refused by scanning the tokens, which costs no more than the text's length. A referral file
    never needs them: each value is written out.
    """
    if "&" not in text and "*" not in text:
        return  # neither can be written without its character
    scanner = SafeLoader(text)
    lines: set[int] = set()
    try:
        while len(lines) < at_most and (token := scanner.get_token()) is not None:
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                line = token.start_mark.line + 1
                if line not in lines:
                    lines.add(line)
                    yield Problem(
                        line,
                        "YAML anchors and aliases (&name, *name) are not allowed in the "
                        "referral file: write the value out in full",
                    )
    except yaml.YAMLError:
        return  # a syntax error: the parse names it
    finally:
        scanner.dispose()


def _parse(text: str, filename: str) -> tuple[yaml.Node | None, object]:
    """Return the YAML node tree (for line numbers) and the data, parsed once."""
    try:
        loader = _Loader(text)  # the pure-Python reader already rejects control characters
        try:
            root = loader.get_single_node()
            return root, loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem or "the YAML is malformed"
        opened = _open_quote(text, error)
        if opened:  # the parser fails lines later, where the quote happens to close: name both
            start, end = opened
            raise DirectoryError(
                filename,
                [
                    Problem(
                        start,
                        f"YAML syntax: a quote opens on this line and is not closed on it "
                        f"(it runs on to {end}): close it on this line",
                    )
                ],
            ) from None
        raise DirectoryError(
            filename, [Problem(line, f"YAML syntax: {what}; check indentation, colons and quotes")]
        ) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        what = f"character #x{error.character:04x} cannot be in the file: delete it"
        raise DirectoryError(filename, [Problem(line, what)]) from None
    except yaml.YAMLError as error:
        raise DirectoryError(filename, [Problem(1, f"YAML syntax: {error}")]) from None


def _map_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Record the line of every value in the YAML tree; yield duplicate keys."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value
            if name in seen:
                yield Problem(
                    key.start_mark.line + 1,
                    f"'{name}' is given twice here (first at line {seen[name]}): keep one",
                )
            seen[name] = key.start_mark.line + 1
            yield from _map_lines(value, (*path, name), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _map_lines(item, (*path, index), lines)


def _line(lines: dict[Path_, int], path: Path_) -> int:
    """Return the line of `path`, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def _where(data: dict, path: Path_) -> str:
    """Describe `path` as staff see it: `resources[3] (id: help_line).call`."""
    parts, node = [], data
    for step in path:
        if isinstance(step, int):
            parts[-1] += f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str) and len(parts) == 1:
                parts[-1] += f" (id: {node['id']})"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "the file"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(PACKAGE_DATA.joinpath("referrals.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


@cache
def _id() -> re.Pattern:
    """Return the schema's pattern of an id."""
    return re.compile(_validator().schema["$defs"]["id"]["pattern"])


def _plain_texts(texts: object) -> bool:
    """Tell whether a list holds only what the schema asks of an example: non-empty strings."""
    return isinstance(texts, list) and all(isinstance(text, str) and text for text in texts)


def _plain_several(items: object) -> bool:
    """Tell whether a `several:` list holds only what the schema asks of its entries."""
    return isinstance(items, list) and all(
        isinstance(item, dict)
        and item.keys() == {"topics", "text"}
        and isinstance(item["text"], str)
        and item["text"]
        and isinstance(item["topics"], list)
        and len(item["topics"]) >= 2
        and all(isinstance(topic, str) and _id().search(topic) for topic in item["topics"])
        and len(set(item["topics"])) == len(item["topics"])
        for item in items
    )


def _lighter(data: dict) -> dict:
    """Return `data` with its lists of example texts emptied where every item is plainly what the
    schema asks for.

    The schema's validator checks such lists an item at a time, which was half of loading a file
    of 13,000 examples. A list with anything else in it is left whole, so that the validator
    says what is wrong, and where. Copies only what it changes; `data` is not touched.
    """
    light = dict(data)

    def emptied(languages: object, plain) -> object:
        if not isinstance(languages, dict):
            return languages
        return {lang: [] if plain(texts) else texts for lang, texts in languages.items()}

    for key, plain in (("everyday", _plain_texts), ("several", _plain_several)):
        if key in data:
            light[key] = emptied(data[key], plain)
    if isinstance(data.get("topics"), list):
        light["topics"] = [
            {**topic, "examples": emptied(topic["examples"], _plain_texts)}
            if isinstance(topic, dict) and "examples" in topic
            else topic
            for topic in data["topics"]
        ]
    return light


def _schema_problems(data: dict, lines: dict[Path_, int]) -> list[Problem]:
    problems = []
    for error in _validator().iter_errors(_lighter(data)):
        path = tuple(error.absolute_path)
        problems.append(Problem(_line(lines, path), f"{_where(data, path)}: {_explain(error)}"))
    return problems


def _explain(error: jsonschema.ValidationError) -> str:
    """Say what is wrong in words a programme coordinator can act on."""
    field = error.absolute_path[-1] if error.absolute_path else None
    value = error.instance
    if error.validator == "required":
        missing = error.message.split("'")[1]
        hints = {
            "source": "add `source:` saying where the number comes from",
            "verified": "add `verified:` with the date you checked it, as YYYY-MM-DD",
        }
        return f"'{missing}' is missing: " + hints.get(missing, f"add `{missing}:`")
    if error.validator == "anyOf" and isinstance(value, dict) and "resources" in value:
        return "a topic needs `keywords:` or `examples:`: add the texts that mean it"
    if error.validator == "anyOf" and isinstance(value, dict) and "id" in value:
        return "a resource needs `call:`, `text:`, `tty:` or `web:`: add how to reach it"
    if error.validator == "dependentRequired":
        if "status" in value:
            return "'reason' is missing: add `reason:` saying why this resource is not sent"
        return "`reason:` is only for a resource with `status:` (unconfirmed or retired)"
    if error.validator == "enum" and field == "status":
        return (
            f"'{value}' is not a status: write unconfirmed or retired, or delete `status:` "
            "for a resource in service"
        )
    if error.validator == "oneOf" and field == "keyword":
        return (
            f"'{value}' is not a keyword: write one word in capitals (HOME), or one per "
            "language ({en: HOME, es: AYUDA})"
        )
    if error.validator == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        return (
            f"{error.message.split('(')[-1].rstrip(')')}: check the spelling (allowed: {allowed})"
        )
    if error.validator == "pattern" and field in PHONE_FIELDS:
        return (
            f"'{value}' is not a phone number: write it as 800-555-0100, or a short code in quotes"
            ' such as "988"'
        )
    if error.validator == "type" and isinstance(value, int) and field in PHONE_FIELDS:
        return f'{value} must be in quotes: write "{value}"'
    if error.validator == "pattern" and field == "verified":
        return f"'{value}' is not a date: write the day you checked it as YYYY-MM-DD"
    if error.validator == "pattern" and field == "id":
        return f"'{value}' is not a usable id: use lower-case letters, digits and _"
    if error.validator in ("minimum", "maximum") and field == "ivr_digit":
        return (
            f"{value} cannot be a menu key: use 1 to 8 (0 is the Help Line, 9 the other language)"
        )
    if error.absolute_path and error.absolute_path[0] == "several":
        return _explain_several(error, field, value)
    if error.validator == "pattern" and error.absolute_path and "word" in error.absolute_path:
        return f"'{value}' must be one word in capitals, such as SAFE"
    path = error.absolute_path
    if (
        error.validator == "type"
        and isinstance(field, int)
        and len(path) >= 2
        and path[-2] in LANGUAGES  # a list of texts: examples, keywords, everyday texts
        and error.schema["type"] in TEXT
    ):
        return _not_text(value)
    if error.validator == "type" and isinstance(field, int) and path[-2] in IDS:
        return f"{value!r} is not a resource's id: write one, such as help_line"
    return error.message


def _not_text(value) -> str:
    """Say why a text in a list (an example, a keyword) was not read as text, and the fix."""
    if value is None:
        why = "it is empty, null or ~, or starts with # (the rest of a line after # is a comment)"
    elif isinstance(value, dict):
        why = "it holds ': ', which makes a name and a value"
    elif isinstance(value, bool):
        why = "it is read as true or false (yes, no, on and off are)"
    elif isinstance(value, int | float):
        why = "it is read as a number"
    elif isinstance(value, list):
        why = "it is read as a list (inside [ ], or after a second -)"
    else:
        why = f"it is read as a {type(value).__name__}"
    return f'not read as text: {why}; put the whole text in double quotes ("...")'


def _explain_several(error: jsonschema.ValidationError, field, value) -> str:
    """Say what is wrong with a text under `several:`, and how it is written."""
    how = 'each text is written `- {topics: [trafficking, runaway], text: "..."}`'
    depth = len(error.absolute_path)
    if error.validator == "type" and depth == 1:
        if value is None:
            return "is empty: add texts under `en:` or `es:`, or delete `several:`"
        return f"list the texts under `en:` or `es:`, then {how}"
    if error.validator in ("type", "required", "additionalProperties") and depth <= 3:
        return f"{how} (`topics:` and `text:`, nothing else)"
    if field == "topics" and error.validator == "minItems":
        return (
            f"{value} names one topic: a text about one topic goes under that topic's "
            "`examples:`; here, list every topic it is about"
        )
    if field == "topics" and error.validator == "uniqueItems":
        return f"{value} names a topic twice: list each topic once"
    if error.validator == "pattern":
        return f"'{value}' is not a topic id: write it as the topic's `id:` is written (runaway)"
    return error.message


def _repeated_ids(kind: str, items: list[dict], lines: dict[Path_, int]) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        line = _line(lines, (f"{kind}s", index, "id"))
        if item["id"] in first:
            yield Problem(
                line,
                f"{kind} id '{item['id']}' is used twice (first at line {first[item['id']]}): "
                "rename one",
            )
        first.setdefault(item["id"], line)


def _duplicate_ids(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield each resource or topic id given twice."""
    yield from _repeated_ids("resource", data["resources"], lines)
    yield from _repeated_ids("topic", data["topics"], lines)


def _dates(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield each `verified` that is not a real day, or is in the future."""
    today = datetime.date.today()
    for index, resource in enumerate(data["resources"]):
        path = ("resources", index, "verified")
        try:
            verified = datetime.date.fromisoformat(resource["verified"])
        except ValueError:
            yield Problem(
                _line(lines, path),
                f"{_where(data, path)}: '{resource['verified']}' is not a real day: "
                "write the day you checked it as YYYY-MM-DD",
            )
            continue
        if verified > today:
            yield Problem(
                _line(lines, path),
                f"{_where(data, path)}: {verified} is in the future: write the day you checked it",
            )


def _dangling_references(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield each resource named in always_first or a topic that does not exist."""
    known = {resource["id"] for resource in data["resources"]}
    lists = [("always_first",)] + [("topics", n, "resources") for n in range(len(data["topics"]))]
    for path in lists:
        ids = data
        for step in path:
            ids = ids[step]
        for index, rid in enumerate(ids):
            if rid not in known:
                yield Problem(
                    _line(lines, (*path, index)),
                    f"{_where(data, path)}: there is no resource with id '{rid}': "
                    "check the spelling or add it under resources",
                )


def _help_line_can_be_called(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield a problem if the Help Line has no number callers can be put through to."""
    first = next((r for r in data["resources"] if r["id"] == data["always_first"][0]), None)
    if first is not None and "call" not in first:
        yield Problem(
            _line(lines, ("always_first", 0)),
            f"always_first starts with '{first['id']}', the Help Line every reply and call "
            "leads with and callers are put through to: it needs a `call:` number",
        )


def _sent_where_needed(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield an always_first entry, or a topic's every resource, that is never sent."""
    status = {r["id"]: r["status"] for r in data["resources"] if "status" in r}
    for index, rid in enumerate(data["always_first"]):
        if rid in status:
            yield Problem(
                _line(lines, ("always_first", index)),
                f"always_first: '{rid}' is {status[rid]} and never sent, but every reply leads "
                "with always_first: name a resource in service, or confirm it and delete its "
                "`status:`",
            )
    for index, topic in enumerate(data["topics"]):
        listed = topic["resources"]
        if listed and all(rid in status for rid in listed):
            path = ("topics", index, "resources")
            named = ", ".join(f"'{rid}' is {status[rid]}" for rid in listed)
            yield Problem(
                _line(lines, path),
                f"{_where(data, path)}: {named}, so this topic's reply would have none of its "
                "own numbers: add a resource in service",
            )


def _menu_keys(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield each phone key given to two topics."""
    digits: dict[int, int] = {}
    for index, topic in enumerate(data["topics"]):
        digit = topic.get("ivr_digit")
        if digit is None:
            continue
        if digit in digits:
            yield Problem(
                _line(lines, ("topics", index, "ivr_digit")),
                f"menu key {digit} is already used by the topic at line {digits[digit]}: "
                "give each topic its own ivr_digit",
            )
        digits.setdefault(digit, _line(lines, ("topics", index, "id")))


def _keywords(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield each keyword with nothing to match, or claimed by two topics."""
    claimed: dict[tuple[str, ...], tuple[str, int]] = {}
    for index, topic in enumerate(data["topics"]):
        for language, words in topic.get("keywords", {}).items():
            for k, keyword in enumerate(words):
                key = phrase_key(keyword, language)
                line = _line(lines, ("topics", index, "keywords", language, k))
                if not key:
                    yield Problem(line, f"keyword '{keyword}' has no letters or digits: remove it")
                    continue
                owner = claimed.setdefault((language, *key), (topic["id"], line))
                if owner[0] != topic["id"]:
                    yield Problem(
                        line,
                        f"keyword '{keyword}' is claimed by topics '{owner[0]}' (line {owner[1]}) "
                        f"and '{topic['id']}': keep it in one",
                    )


def _several(data: dict, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield each text under `several:` that names a topic the file does not have."""
    known = {topic["id"] for topic in data["topics"]}
    for language, items in (data.get("several") or {}).items():
        for n, item in enumerate(items):
            for k, topic in enumerate(item["topics"]):
                if topic not in known:
                    yield Problem(
                        _line(lines, ("several", language, n, "topics", k)),
                        f"there is no topic with id '{topic}': check the spelling "
                        f"(the topics are {', '.join(sorted(known))})",
                    )


# What the schema cannot see, one rule a function: each yields its problems, by line.
RULES = (
    _duplicate_ids,
    _dates,
    _dangling_references,
    _help_line_can_be_called,
    _sent_where_needed,
    _menu_keys,
    _keywords,
    _several,
)


def _reply_problems(directory: Directory, lines: dict[Path_, int]) -> Iterator[Problem]:
    """Yield the promises an edit would break: four texts at most, the Help Line up front."""
    help_line = directory.help_line.call
    for language in LANGUAGES:
        replies = {
            "the reply to a text about nothing listed": compose_sms(directory, Match((), language)),
            "the HELP reply": compose_help(directory, language),
            "the START reply": compose_welcome(directory, language),
        }
        for topic in directory.topics:
            replies[f"the reply for topic '{topic.id}'"] = compose_sms(
                directory, Match((topic.id,), language)
            )
        for what, reply in replies.items():
            path = ("service",) if "HELP" in what else ("always_first",)
            where = "the service name" if "HELP" in what else "the names in always_first"
            position = reply.body.find(help_line)
            if not 0 <= position <= HELP_LINE_WITHIN - len(help_line):
                yield Problem(
                    _line(lines, path),
                    f"in {language}, {what} would not show the Help Line in its first "
                    f"{HELP_LINE_WITHIN} characters: shorten {where}",
                )
            if reply.segments.count > MAX_SEGMENTS:
                yield Problem(
                    _line(lines, path),
                    f"in {language}, {what} would take {reply.segments.count} texts "
                    f"(at most {MAX_SEGMENTS}): shorten {where} or the resources' `short` names",
                )
