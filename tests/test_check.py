"""`referral-bot check`: a good file passes; every mistake is named by file and line."""

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from conftest import FIXTURE, RECENT, alias_bomb, fifo, fifty_megabytes, link_to_dev_zero

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "referrals.schema.json"


def run(*args):
    return CliRunner().invoke(main, list(args))


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path, needle):
    """Return the line of the last occurrence of `needle`: the copy the mistake made."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, 1) if needle in line][-1]


def test_a_valid_file_passes_with_a_summary(referrals_file):
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    summary = r"OK: 11 resources \(and 3 on file, not sent\), 7 topics, \d+ keywords"
    assert re.search(summary, result.output)


# (what staff did, old text, new text, the line it lands on, what the message must say)
MISTAKES = [
    (
        "YAML syntax",
        "always_first: [help_line,",
        "always_first: [help_line,,:",
        "always_first",
        "YAML syntax",
    ),
    (
        "unknown resource",
        "resources: [runaway_safeline, la_211]",
        "resources: [runaway_safline, la_211]",
        "runaway_safline",
        "no resource with id 'runaway_safline'",
    ),
    (
        "duplicate resource id",
        "  - id: la_metro_taskforce",
        "  - id: help_line",
        "  - id: help_line",
        "resource id 'help_line' is used twice",
    ),
    (
        "duplicate ivr_digit",
        "    ivr_digit: 4\n",
        "    ivr_digit: 2\n",
        "ivr_digit: 2",
        "menu key 2 is already used",
    ),
    (
        "keyword in two topics",
        "        - homeless\n",
        "        - trafficked\n",
        "        - trafficked",
        "keyword 'trafficked' is claimed by topics 'trafficking'",
    ),
    (
        "malformed number",
        "call: 800-555-0102",
        "call: 800-843-520",
        "800-843-520",
        "is not a phone number",
    ),
    (
        "quote left open",  # YAML fails two lines on, where the next quote closes it
        "call: 800-555-0102",
        'call: "800-555-0102',
        'call: "800-555-0102',
        "a quote opens on this line and is not closed on it",
    ),
    (
        "unquoted short code",
        'call: "211"',
        "call: 211",
        "call: 211",
        'must be in quotes: write "211"',
    ),
    (
        "missing source",
        "    source: Fictional number, test fixture (youth_crisis_line).\n",
        "",
        "  - id: youth_crisis_line",
        "'source' is missing",
    ),
    (
        "missing verified",
        f"    verified: {RECENT}\n\n  - id: trafficking_hotline",
        "\n  - id: trafficking_hotline",
        "  - id: youth_crisis_line",
        "'verified' is missing",
    ),
    (
        "bad date",
        f"    verified: {RECENT}\n\n  - id: trafficking_hotline",
        "    verified: last week\n\n  - id: trafficking_hotline",
        "verified: last week",
        "is not a date",
    ),
    (
        "misspelt field",
        "    hours: 24/7\n    source: Fictional number, test fixture (lifeline_988)",
        "    hour: 24/7\n    source: Fictional number, test fixture (lifeline_988)",
        "  - id: lifeline_988",
        "'hour' was unexpected",
    ),
    (
        "reserved menu key",
        "    ivr_digit: 4\n",
        "    ivr_digit: 9\n",
        "ivr_digit: 9",
        "cannot be a menu key",
    ),
    (
        "impossible date",
        f"    verified: {RECENT}\n\n  - id: trafficking_hotline",
        "    verified: 2026-02-30\n\n  - id: trafficking_hotline",
        "verified: 2026-02-30",
        "'2026-02-30' is not a real day",
    ),
    (
        "future date",
        f"    verified: {RECENT}\n\n  - id: trafficking_hotline",
        "    verified: 2999-01-01\n\n  - id: trafficking_hotline",
        "verified: 2999-01-01",
        "is in the future",
    ),
    (
        "help line without a number to call",
        "    call: 800-555-0100\n",
        '    text:\n      number: "12345"\n',
        "always_first:",
        "it needs a `call:` number",
    ),
    (
        "unconfirmed resource in always_first",
        "    call: 800-555-0102\n",
        "    call: 800-555-0102\n    status: unconfirmed\n    reason: no page found\n",
        "always_first:",
        "always_first: 'youth_crisis_line' is unconfirmed and never sent",
    ),
    (
        "a topic's only resource retired",
        "    call: 800-555-0105\n",
        "    call: 800-555-0105\n    status: retired\n    reason: closed\n",
        "resources: [child_abuse_hotline]",
        "'child_abuse_hotline' is retired, so this topic's reply would have none",
    ),
    (
        "status without a reason",
        "    reason: Fictional, test fixture (la_metro_taskforce) - a police tip line.\n",
        "",
        "  - id: la_metro_taskforce",
        "'reason' is missing: add `reason:`",
    ),
    (
        "unknown status",
        "    status: retired\n",
        "    status: closed\n",
        "status: closed",
        "'closed' is not a status: write unconfirmed or retired",
    ),
    (
        "keyword per language in lower case",
        "keyword: {en: HOME, es: AYUDA}",
        "keyword: {en: home, es: AYUDA}",
        "keyword: {en: home",
        "is not a keyword: write one word in capitals",
    ),
    (
        "example that is not text",
        "        - my mom slapped me so hard my ear is ringing\n",
        "        - 42\n",
        "        - 42",
        "not read as text: it is read as a number",
    ),
    (
        "empty example among many",
        "        - is there a food bank open on sundays in south la\n",
        '        - ""\n',
        '        - ""',
        "should be non-empty",
    ),
    (
        "example with ': ' unquoted",
        "        - is there a food bank open on sundays in south la\n",
        "        - food bank: open on sundays?\n",
        "food bank: open",
        "not read as text: it holds ': ', which makes a name and a value; put the whole text in "
        'double quotes ("...")',
    ),
    (
        "example starting with #",
        "        - is there a food bank open on sundays in south la\n",
        "        - #1 food bank near me\n",
        "#1 food bank",
        "not read as text: it is empty, null or ~, or starts with #",
    ),
    (
        "keyword read as true",
        "        - my pimp\n",
        "        - yes\n",
        "        - yes",
        "not read as text: it is read as true or false (yes, no, on and off are)",
    ),
    (
        "a number among resources' ids",
        "always_first: [help_line, lifeline_988, youth_crisis_line]",
        "always_first: [help_line, 988, youth_crisis_line]",
        "always_first",
        "always_first[1]: 988 is not a resource's id: write one, such as help_line",
    ),
    (
        "repeated key",
        "    ivr_digit: 4\n",
        "    ivr_digit: 4\n    ivr_digit: 8\n",
        "ivr_digit: 8",
        "given twice",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "where", "message"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES]
)
def test_each_mistake_is_named_with_its_line(referrals_file, old, new, where, message):
    edit(referrals_file, old, new)
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    expected = f"{referrals_file}:{line_of(referrals_file, where)}: "
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert lines[0].startswith(expected), (lines[0], expected)


def test_missing_file_is_a_clear_error(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "nope.yaml:1: file not found" in result.output


def test_binary_junk_is_a_clear_error(referrals_file):
    referrals_file.write_bytes(b"service:\n  name: \xff\xfe\n")
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    assert f"{referrals_file}:2: this line is not UTF-8" in result.output


def test_check_reads_referrals_path_from_the_environment(referrals_file, monkeypatch):
    edit(referrals_file, "call: 800-555-0102", "call: 800-843-520")
    monkeypatch.setenv("REFERRALS_PATH", str(referrals_file))
    assert run("check").exit_code == 1


def test_ask_prints_the_reply_with_its_segments():
    result = run("ask", "i ran away", "--path", str(FIXTURE))
    assert result.exit_code == 0
    assert result.output.startswith("24/7 Help Line: 800-555-0100")
    assert "800-555-0108" in result.output
    assert re.search(r"-- \d segment\(s\), GSM-7, language en, topics: runaway", result.output)


def test_a_service_name_that_pushes_the_help_line_back_is_refused(referrals_file):
    edit(
        referrals_file,
        "    en: LA County DMH CSECY referral line\n",
        "    en: " + "The Los Angeles County Department of Mental Health " * 3 + "\n",
    )
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    line = line_of(referrals_file, "service:") + 1  # where its value, the name, starts
    expected = f"{referrals_file}:{line}: in en, the HELP reply would not show the Help Line"
    assert expected in result.output


def test_lead_names_too_long_for_four_texts_are_refused(referrals_file):
    long_name = "      en: " + "Youth Crisis " * 40 + "\n"
    edit(referrals_file, "      en: CA Youth Crisis Line\n", long_name)
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    assert re.search(r"in en, the reply to .* would take \d+ texts \(at most 4\)", result.output)


def test_a_number_unchecked_for_a_year_passes_with_a_warning(referrals_file):
    edit(
        referrals_file,
        f"    verified: {RECENT}\n\n  - id: trafficking_hotline",
        "    verified: 2020-01-31\n\n  - id: trafficking_hotline",
    )
    result = run("check", str(referrals_file))
    assert result.exit_code == 0
    line = line_of(referrals_file, "- id: youth_crisis_line")
    assert (
        f"{referrals_file}:{line}: warning: youth_crisis_line was last verified 2020-01-31"
        in result.output
    )


def test_each_resource_on_file_is_listed_with_why_it_is_not_sent(referrals_file):
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    line = line_of(referrals_file, "- id: la_metro_taskforce")
    assert (
        f"{referrals_file}:{line}: note: la_metro_taskforce is unconfirmed, kept on file and "
        "never sent: Fictional, test fixture (la_metro_taskforce) - a police tip line."
    ) in result.output
    assert "note: old_crisis_line is retired" in result.output
    assert "warning" not in result.output  # on file for a month: not overdue


@pytest.mark.parametrize(("days", "warned"), [(90, False), (91, True)])
def test_unconfirmed_for_over_90_days_passes_with_a_warning(referrals_file, days, warned):
    since = (datetime.date.today() - datetime.timedelta(days=days)).isoformat()
    edit(
        referrals_file,
        f"    verified: {RECENT}\n\n  - id: cast_hotline",
        f"    verified: {since}\n\n  - id: cast_hotline",
    )
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    line = line_of(referrals_file, "- id: la_metro_taskforce")
    warning = f"{referrals_file}:{line}: warning: la_metro_taskforce has been unconfirmed since"
    assert (warning in result.output) is warned, result.output


def test_a_retired_resource_is_never_overdue(referrals_file):
    edit(
        referrals_file,
        f"    verified: {RECENT}\n\n  - id: take_it_down",
        "    verified: 2020-01-31\n\n  - id: take_it_down",
    )
    result = run("check", str(referrals_file))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


# What may be in the file's place: each must be refused by name, line and fix, never hang.
COSTLY = {
    "alias bomb": (alias_bomb, ":1: YAML anchors and aliases (&name, *name) are not allowed"),
    "FIFO": (fifo, ":1: this is a named pipe (FIFO), not a file"),
    "link to /dev/zero": (link_to_dev_zero, ":1: this is a device, not a file"),
    "directory": (lambda path: path.mkdir() or path, ":1: this is a directory, not a file"),
    "50 MB file": (fifty_megabytes, ":1: the file is 5"),  # 52.x MB, the fixture's size added
}


@pytest.mark.parametrize(("make", "message"), COSTLY.values(), ids=COSTLY.keys())
def test_check_refuses_what_would_cost_a_worker_its_time_or_memory(tmp_path, make, message):
    path = make(tmp_path / "referrals.yaml")
    check = Path(sys.executable).with_name("referral-bot")
    # The timeout only stops a hung check from hanging the suite; the bench measures speed.
    result = subprocess.run(
        [check, "check", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert f"{path}{message}" in result.stderr, result.stderr
    if make is fifty_megabytes:
        assert "MB, over the 8 MB a referral file may be" in result.stderr
    assert "Traceback" not in result.stderr


def test_anchors_in_a_real_file_are_named_by_line(referrals_file):
    edit(referrals_file, "resources: [runaway_safeline, la_211]", "resources: &r [la_211]")
    edit(
        referrals_file,
        "resources: [trafficking_hotline, cast_hotline, la_metro_taskforce]",
        "resources: *r",
    )
    result = run("check", str(referrals_file))
    assert result.exit_code == 1
    assert f"{referrals_file}:{line_of(referrals_file, '&r')}: YAML anchors" in result.output
    assert f"{referrals_file}:{line_of(referrals_file, '*r')}: YAML anchors" in result.output


def test_check_skips_only_what_the_schema_asks_of_examples():
    # validation._lighter takes a list of examples for valid without the schema's validator when
    # each item is a non-empty string ({topics: 2+ distinct ids, text} under several:): if the
    # schema ever asks more of them, _lighter must learn it too
    schema = json.loads(SCHEMA.read_text("utf-8"))
    text = {"type": "string", "minLength": 1}
    for languages in (
        schema["properties"]["everyday"]["properties"],
        schema["$defs"]["topic"]["properties"]["examples"]["properties"],
    ):
        assert {lang: spec["items"] for lang, spec in languages.items()} == {"en": text, "es": text}
    for spec in schema["properties"]["several"]["properties"].values():
        assert spec["items"] == {
            "type": "object",
            "required": ["topics", "text"],
            "additionalProperties": False,
            "properties": {
                "topics": {
                    "type": "array",
                    "minItems": 2,
                    "uniqueItems": True,
                    "items": {"$ref": "#/$defs/id"},
                },
                "text": text,
            },
        }
