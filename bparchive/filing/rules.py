"""User filing rules from the configuration (issue 5: rules come before the built-in ones).

``bparchive.config`` reads ``[[rules]]`` tables and builds them with
``UserRule.from_dict``; ``classify`` tries them in order before the built-in
rules of filing.md §15. A rule matches when every condition it sets holds:

* ``sender_glob``: shell pattern on the sender address (``*@sotttt.*``,
  ``sotttt@binhphuoc.gov.vn``), case-insensitive;
* ``agency``: agency part of the sender address (regulation Điều 5:
  ``sotttt`` for ``sotttt@…`` and for ``nguyenvanbinh.sotttt@…``);
* ``subject_words``: words or phrases that must all be in the subject
  (compared folded: ``giao ban`` matches ``Giao Ban``);
* ``ref_pattern``: shell pattern on the key of a reference number
  (``*/QD-UBND``, ``*/2024/*``), compared folded and upper case.

A matching rule sets the category (when it has one), the document type (when
it has one) and adds its tags.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from bparchive.errors import ConfigError
from bparchive.filing._text import fast_fold
from bparchive.filing.agency import DEFAULT_AGENCY_DOMAINS, parse_address
from bparchive.filing.tables import CATEGORIES, DOC_TYPES

_KEYS = (
    "name",
    "category",
    "tags",
    "sender_glob",
    "agency",
    "subject_words",
    "ref_pattern",
    "doc_type",
)
_TAG_RE = re.compile(r"[^\s,+\-][^\s,]{0,63}")


def _fold_words(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(" ".join(fast_fold(w).split()) for w in words)


@dataclass(frozen=True, slots=True)
class UserRule:
    """One filing rule written by the user.

    Attributes:
        name: Shown as ``user:<name>`` in ``bparchive show``.
        category: Category id it files into, or None to only tag.
        tags: Tags it adds.
        sender_glob: Pattern on the sender address, or None.
        agency: Agency abbreviation of the sender, or None.
        subject_words: Words that must all be in the subject.
        ref_pattern: Pattern on a reference key, or None.
        doc_type: Document type id it sets, or None.
    """

    name: str
    category: str | None
    tags: tuple[str, ...] = ()
    sender_glob: str | None = None
    agency: str | None = None
    subject_words: tuple[str, ...] = ()
    ref_pattern: str | None = None
    doc_type: str | None = None
    _words_rx: tuple[re.Pattern[str], ...] = field(
        init=False, repr=False, compare=False, default=()
    )
    _ref_glob: str | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))
        words = _fold_words(self.subject_words)
        object.__setattr__(self, "subject_words", tuple(self.subject_words))
        object.__setattr__(
            self,
            "_words_rx",
            tuple(re.compile(rf"(?<!\w){re.escape(w)}(?!\w)") for w in words if w),
        )
        if self.ref_pattern is not None:
            glob = fast_fold(self.ref_pattern).upper().replace(" ", "")
            object.__setattr__(self, "_ref_glob", glob)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> UserRule:
        """Build a rule from a config table, checking every key.

        Args:
            d: The table (``name``, ``category``, ``tags``, ``sender_glob``,
                ``agency``, ``subject_words``, ``ref_pattern``, ``doc_type``).

        Returns:
            The rule.

        Raises:
            ConfigError: A key is unknown, missing or has the wrong type or
                value; the message names the key and what is expected.
        """
        if not isinstance(d, Mapping):
            raise ConfigError(f"a filing rule must be a table, got {type(d).__name__}")
        where = f"rule {d.get('name')!r}" if isinstance(d.get("name"), str) else "a filing rule"
        unknown = sorted(str(k) for k in d if k not in _KEYS)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r}; expected one of: {', '.join(_KEYS)}"
            )
        name = d.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: key 'name' must be a non-empty string")

        def opt_str(key: str) -> str | None:
            value = d.get(key)
            if value is None:
                return None
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: key {key!r} must be a non-empty string")
            return value.strip()

        def str_list(key: str, example: str) -> tuple[str, ...]:
            value = d.get(key, [])
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise ConfigError(f"{where}: key {key!r} must be a list of strings, e.g. {example}")
            items = []
            for item in value:
                if not isinstance(item, str) or not item.strip():
                    raise ConfigError(
                        f"{where}: key {key!r} must be a list of non-empty strings, got {item!r}"
                    )
                items.append(item.strip())
            return tuple(items)

        category = opt_str("category")
        if category is not None and category not in CATEGORIES:
            raise ConfigError(
                f"{where}: key 'category' must be one of: {', '.join(CATEGORIES)}; got {category!r}"
            )
        doc_type = opt_str("doc_type")
        if doc_type is not None and doc_type not in DOC_TYPES:
            raise ConfigError(
                f"{where}: key 'doc_type' must be a document type id such as "
                f"'giay_moi' or 'quyet_dinh'; got {doc_type!r}"
            )
        tags = str_list("tags", '["giao-ban"]')
        for tag in tags:
            if not _TAG_RE.fullmatch(tag):
                raise ConfigError(
                    f"{where}: key 'tags' holds {tag!r}; a tag is one word without "
                    "spaces or commas, not starting with + or -"
                )
        words = str_list("subject_words", '["giao ban", "tháng"]')
        agency = opt_str("agency")
        rule = cls(
            name=name.strip(),
            category=category,
            tags=tags,
            sender_glob=opt_str("sender_glob"),
            agency=agency.lower() if agency else None,
            subject_words=words,
            ref_pattern=opt_str("ref_pattern"),
            doc_type=doc_type,
        )
        if not (rule.sender_glob or rule.agency or rule.subject_words or rule.ref_pattern):
            raise ConfigError(
                f"{where}: needs at least one condition: sender_glob, agency, "
                "subject_words or ref_pattern"
            )
        if category is None and doc_type is None and not tags:
            raise ConfigError(
                f"{where}: does nothing; give it a 'category', a 'doc_type' or 'tags'"
            )
        return rule

    def matches(
        self,
        *,
        sender: str,
        folded_subject: str,
        ref_keys: Sequence[str],
        agency_domains: Iterable[str] = DEFAULT_AGENCY_DOMAINS,
    ) -> bool:
        """Whether every condition of the rule holds for a message.

        Args:
            sender: Sender address (a display name may be included).
            folded_subject: The subject folded with ``fast_fold``.
            ref_keys: Keys of the message's reference numbers.
            agency_domains: Domains following the Điều 5 address pattern.

        Returns:
            True when the rule applies.
        """
        if self.sender_glob is not None or self.agency is not None:
            addr = parseaddr(sender or "")[1].lower()
            if self.sender_glob is not None and not fnmatch.fnmatchcase(
                addr, self.sender_glob.lower()
            ):
                return False
            if self.agency is not None:
                info = parse_address(addr, agency_domains)
                if info.agency != self.agency:
                    return False
        if any(rx.search(folded_subject) is None for rx in self._words_rx):
            return False
        if self._ref_glob is not None:
            glob = self._ref_glob
            if not any(fnmatch.fnmatchcase(key, glob) for key in ref_keys):
                return False
        return True
