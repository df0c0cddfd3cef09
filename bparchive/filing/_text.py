"""Small text helpers shared by the filing modules (not public).

``fast_fold`` gives the same result as ``bparchive.vi.fold`` on NFC text (what
``vi.repair`` returns) but runs as one ``str.translate`` call, because filing
folds the subject, body and first pages of every message at ingest.
"""

from __future__ import annotations

import functools

from bparchive import vi

# Latin letters with marks (Latin-1, Latin Extended-A/B, Latin Extended
# Additional) and the combining marks; everything else folds to itself.
_FOLD_RANGES = ((0x00C0, 0x0250), (0x0300, 0x0370), (0x1E00, 0x1F00))


@functools.cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for start, end in _FOLD_RANGES:
        for cp in range(start, end):
            ch = chr(cp)
            folded = vi.fold(ch)
            if folded != ch.lower():
                table[cp] = folded
    return table


def fast_fold(text: str) -> str:
    """Fold NFC text like ``vi.fold`` (marks dropped, đ→d, lower case).

    Args:
        text: NFC text.

    Returns:
        The folded text; same length as the input except where a combining
        mark was dropped.
    """
    return text.lower().translate(_fold_table())


def repair(text: str) -> tuple[str, str]:
    """``vi.repair`` that tolerates any string (empty text stays empty).

    Args:
        text: Decoded text, possibly legacy mojibake.

    Returns:
        (clean NFC text, detected encoding).
    """
    if not text:
        return "", "unicode"
    return vi.repair(text)
