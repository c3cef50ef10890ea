"""Segment counting as carriers bill it: GSM-7 160/153, UCS-2 70/67."""

import pytest

from app.segments import count_segments


@pytest.mark.parametrize(
    ("body", "encoding", "count"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters count double
        ("€" * 81, "GSM-7", 2),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 2),  # an escape pair is never split
        ("é ñ ü à Ñ ¿¡", "GSM-7", 1),
        ("á" * 70, "UCS-2", 1),
        ("á" * 71, "UCS-2", 2),
        ("Línea " * 20, "UCS-2", 2),
        ("“quotes”", "UCS-2", 1),
        ("em — dash", "UCS-2", 1),
        ("😀" * 35, "UCS-2", 1),  # each emoji is two UTF-16 units
        ("😀" * 36, "UCS-2", 2),
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 3),  # a surrogate pair is never split
    ],
)
def test_count_segments(body, encoding, count):
    segments = count_segments(body)
    assert (segments.encoding, segments.count) == (encoding, count)
