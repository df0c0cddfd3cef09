"""Vietnamese stop words (spec §7, D5).

Used by the query builder only: stop-word positions become optional clauses. Never
applied at index time nor to the fold streams (``to``, ``can``, ``the`` are content
syllables once folded).
"""

from __future__ import annotations

from bparchive.vi.normalize import nfc

# duydo/elasticsearch-analysis-vietnamese stopwords.txt (75 distinct entries);
# multi-syllable entries are stored with a space between syllables.
_STOP_LIST = """
bị bởi cả các cái cần càng chỉ chiếc cho chứ chưa chuyện có có_thể cứ của cùng cũng
đã đang đây để đến_nỗi đều điều do đó được dưới gì khi không là lại lên lúc mà mỗi
một_cách này nên nếu ngay nhiều như nhưng những nơi nữa phải qua ra rằng rất rồi sau
sẽ so sự tại theo thì trên trước từ từng và vẫn vào vậy vì việc với vừa
"""

#: The stop words: 72 syllables and 3 two-syllable entries (``có thể``, ``đến nỗi``,
#: ``một cách``), lower-case NFC with tone placement as produced by ``exact_token``.
STOP_WORDS: frozenset[str] = frozenset(w.replace("_", " ") for w in _STOP_LIST.split())


def is_stop_word(token: str) -> bool:
    """Whether a syllable (or a space-separated entry) is in :data:`STOP_WORDS`.

    Args:
        token: One query token or a multi-syllable entry, any case.

    Returns:
        True for ``của``, ``CỦA``, ``có thể``.
    """
    return nfc(token).lower() in STOP_WORDS
