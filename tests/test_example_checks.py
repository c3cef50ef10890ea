"""What `check` prints of its findings on the examples: each that needs an edit, a sum of the rest.

The findings themselves come from a real check through the CLI in test_topics.py; a model fitted
to the small fixture files every example as labelled, so the summing up is proven here on
findings made by hand.
"""

from app.example_checks import Finding, report


def keyword(line, everyday=True, word="beats me", topic="abuse"):
    name = "everyday" if everyday else "runaway"
    return Finding(
        line, "keyword", f"keyword '{word}' gives {topic} to {name}'s", everyday, f"{word}\n{topic}"
    )


def model(line, everyday=False, topic="crisis", name="counselling"):
    cause = f"{topic} added to {name} examples"
    return Finding(line, "model", f"the model adds {topic} to line {line}", everyday, cause)


FINDINGS = [
    Finding(3, "twice", "given twice"),
    Finding(4, "missed", "the bot gives runaway's example 'x' no topic"),
    Finding(5, "wordless", "has no words"),
    model(6, everyday=True, topic="missing", name="everyday"),
    *[keyword(line) for line in (10, 11, 12, 13, 14, 15, 16, 17)],
    keyword(20, word="beats me", topic="trafficking"),  # the same keyword for another topic
    keyword(30, everyday=False),
    keyword(31, everyday=False),
    keyword(32, everyday=False, word="dcfs"),
    model(40),
    model(41),
    model(42, topic="abuse", name="runaway"),
]


def test_check_lists_what_needs_an_edit_and_sums_up_second_topics():
    lines = report(FINDINGS, every=False)
    assert lines == [
        (3, "warning: given twice"),
        (4, "warning: the bot gives runaway's example 'x' no topic"),
        (5, "warning: has no words"),
        (6, "warning: the model adds missing to line 6"),
        (
            10,
            "warning: keyword 'beats me' gives abuse to everyday's (also lines 11, 12, 13, 14, "
            "15 and 2 more)",
        ),
        (20, "warning: keyword 'beats me' gives trafficking to everyday's"),
        (
            None,
            "note: keywords add a topic to 3 example(s) of other topics, most often 'beats me' "
            "for abuse (2), 'dcfs' for abuse (1). Where the added topic's numbers help too, list "
            "the example under `several:`. `check --all` lists each one.",
        ),
        (
            None,
            "note: the model adds a topic to 3 example(s) of other topics, most often crisis "
            "added to counselling examples (2), abuse added to runaway examples (1). Where the "
            "added topic's numbers help too, list the example under `several:`. `check --all` "
            "lists each one.",
        ),
    ]


def test_check_all_lists_every_finding_in_turn():
    lines = report(FINDINGS, every=True)
    assert lines == [(f.line, f"warning: {f.message}") for f in FINDINGS]


def test_one_more_everyday_example_is_named_by_its_line():
    lines = report([keyword(7), keyword(9)], every=False)
    assert lines == [(7, "warning: keyword 'beats me' gives abuse to everyday's (also line 9)")]
