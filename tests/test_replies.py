from functools import cache

import pytest
import yaml

from app import validation
from app.matching import build_index
from app.replies import MAX_SEGMENTS, answer_text
from app.validation import DirectoryError, load_text
from conftest import FIXTURE


@cache
def directory_with_topics(extra: int):
    """Return the shipped directory with `extra` made-up topics after its own."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    for n in range(extra):
        word = "".join(chr(ord("A") + int(d)) for d in f"{n:03d}")
        data["topics"].append(
            {
                "id": f"topic{n}",
                "label": {"en": f"topic {n}", "es": f"tema {n}"},
                "word": {"en": f"TOPIC{word}", "es": f"TEMA{word}"},
                "resources": ["la_211"],
                "keywords": {"en": [f"topic{n} word"]},
            }
        )
    return load_text(yaml.safe_dump(data, allow_unicode=True))


@pytest.mark.parametrize("extra", [0, 700])
@pytest.mark.parametrize("text", ["qwerty uiop", "START", "hola, que tal"])
def test_menu_fits_however_many_topics(extra, text):
    directory = directory_with_topics(extra)
    reply = answer_text(directory, build_index(directory), text)
    assert reply.segments.count <= MAX_SEGMENTS
    assert "800-555-0100" in reply.body.splitlines()[0 if text != "START" else 1]
    assert directory.topics[0].word(reply.language) in reply.body
    # The shipped directory's menu names every topic.
    assert extra or all(topic.word(reply.language) in reply.body for topic in directory.topics)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("service: {name: x\n", 2, "YAML syntax"),
        # a quote left open: YAML reads on to the next quote, and fails there or at the end
        ('service:\n  name: "abc\n  line: "x"\n', 2, "not closed on it (it runs on to line 3)"),
        ("service:\n  name: 'abc\n", 2, "a quote opens on this line and is not closed on it"),
        ('a: "x\n---\nb: 1\n', 1, "not closed on it (it runs on to line 2)"),  # cut by "---"
        # a value quoted over two lines on purpose is not blamed for the error after it
        ('service:\n  name: "a\n    b"\n  c: 1\n   d: 2\n', 5, "YAML syntax"),
        ('a: "x\n  y"\nb: [1, 2\nc: 3\n', 4, "YAML syntax"),
        ("service: 1\nservice: 2\n", 2, "given twice here (first at line 1)"),
        ("service: *missing\n", 1, "anchors and aliases (&name, *name) are not allowed"),
        ("a: 1\n---\nb: 2\n", 2, "YAML syntax"),
        ("- just a list\n", 1, "must hold service"),
        ("", 1, "must hold service"),
        ("service:\n  name: \x01\n", 2, "#x0001 cannot be in the file"),
    ],
)
@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_broken_yaml_names_the_line(monkeypatch, loader, text, line, says):
    if loader == "python":  # what a machine without libyaml gets: its scanner and parser

        class PythonLoader(yaml.SafeLoader):
            pass

        PythonLoader.add_constructor(
            "tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str
        )
        monkeypatch.setattr(validation, "SafeLoader", yaml.SafeLoader)
        monkeypatch.setattr(validation, "_Loader", PythonLoader)
    with pytest.raises(DirectoryError) as raised:
        load_text(text, "referrals.yaml")
    report = raised.value.report().splitlines()
    assert any(row.startswith(f"referrals.yaml:{line}: ") and says in row for row in report)
