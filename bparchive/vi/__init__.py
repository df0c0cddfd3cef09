"""Vietnamese text handling (spec: shared/domain/vietnamese-search.md §1–4, §7–9).

Used by ``mail`` and ``extract`` (decoding, legacy repair), ``index`` (token streams,
collation) and the query parser (Telex/VNI, stop words). This module only re-exports;
the code lives in:

- ``normalize``: N1–N6 clean-up, F1 ``fold``, the N5 tokenizer.
- ``tone``: tone placement (§2.2), IY rule (§2.3), token terms, syllable validity.
- ``legacy`` / ``legacy_tables``: TCVN3/VN1, VNI, VISCII, Windows-1258 decoding and
  the §4.7 detection/repair.
- ``telex``: Telex and VNI query conversion (§8).
- ``stopwords``: the 75-entry stop list (§7).
- ``collate``: Vietnamese sort keys (§9).

Stable contract (other packages rely on it):

- ``normalize(text) -> str``: N1–N4 on text that is already correct Unicode.
- ``repair(text, font_hint=None) -> tuple[str, str]``: §4.7 steps 3–5 on decoded text;
  returns (clean NFC text, encoding), encoding one of ``unicode|tcvn3|vni|viscii|cp1258``.
- ``decode_bytes(data, declared_charset=None) -> tuple[str, str]``: §4.7 steps 1–5.
- ``decode_part(data, charset=None) -> tuple[str, str]``: the same for a mail part or
  attachment: never raises, valid UTF-8 under a single-byte label is read as UTF-8.
- ``fold(text) -> str``: F1 (marks dropped, đ→d, lower case).
"""

from __future__ import annotations

from bparchive.vi.collate import name_sort_key, sort_key
from bparchive.vi.legacy import (
    ENCODINGS,
    RepairResult,
    decode_bytes,
    decode_part,
    encode_legacy,
    font_hint_encoding,
    repair,
    repair_text,
    syllable_score,
)
from bparchive.vi.normalize import TOKEN_RE, fold, normalize, tokenize
from bparchive.vi.stopwords import STOP_WORDS, is_stop_word
from bparchive.vi.telex import (
    QueryConversion,
    QueryToken,
    convert_query_tokens,
    telex_convert,
)
from bparchive.vi.tone import (
    canon_syllable,
    canon_text,
    exact_token,
    fold_token,
    is_marked,
    is_valid_syllable,
    iy,
)

__all__ = [
    "ENCODINGS",
    "STOP_WORDS",
    "TOKEN_RE",
    "QueryConversion",
    "QueryToken",
    "RepairResult",
    "canon_syllable",
    "canon_text",
    "convert_query_tokens",
    "decode_bytes",
    "decode_part",
    "encode_legacy",
    "exact_token",
    "fold",
    "fold_token",
    "font_hint_encoding",
    "is_marked",
    "is_stop_word",
    "is_valid_syllable",
    "iy",
    "name_sort_key",
    "normalize",
    "repair",
    "repair_text",
    "sort_key",
    "syllable_score",
    "telex_convert",
    "tokenize",
]
