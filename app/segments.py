"""Count SMS segments the way carriers bill them (GSM 03.38 or UCS-2)."""

from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")  # sent as escape + character: two septets each

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}  # a multi-part message spends the rest on its header


@dataclass(frozen=True)
class Segments:
    """How a message body travels: its encoding and how many segments it is billed as."""

    encoding: str
    count: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


GSM = GSM_BASIC | GSM_EXTENSION


def encoding_of(body: str) -> str:
    """Return GSM-7 if every character fits the GSM alphabet, else UCS-2."""
    return "GSM-7" if GSM.issuperset(body) else "UCS-2"


def count_segments(body: str) -> Segments:
    """Return the encoding and segment count of `body`."""
    encoding = encoding_of(body)
    # Every reply is counted several times while it is composed: skip per-character work when
    # no character takes two units, and count whole segments.
    if encoding == "GSM-7":
        wide = GSM_EXTENSION.intersection(body)
    else:
        wide = {char for char in set(body) if ord(char) > 0xFFFF}  # surrogate pairs
    units = len(body) + sum(body.count(char) for char in wide)
    if units <= SINGLE[encoding]:
        return Segments(encoding, 1 if body else 0, units)
    if not wide:
        return Segments(encoding, -(-units // PART[encoding]), units)
    sizes = [2 if char in wide else 1 for char in body]
    # A character's units never straddle two segments (an escape pair or a surrogate pair).
    count, used = 1, 0
    for size in sizes:
        if used + size > PART[encoding]:
            count, used = count + 1, 0
        used += size
    return Segments(encoding, count, units)
