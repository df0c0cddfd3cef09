"""Footer key labels in the interface language.

Bindings are declared in English on each screen class; :func:`localize` swaps
their descriptions for the chosen language when a screen or the app is built.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bparchive.tui.i18n import I18n

#: action name → i18n key of its footer label
ACTION_LABELS = {
    "quit": "key.quit",
    "help": "key.help",
    "sync": "key.sync",
    "cancel_sync": "key.cancel_sync",
    "report": "key.report",
    "add_account": "key.account",
    "toggle_sidebar": "key.sidebar",
    "toggle_sort": "key.sort",
    "refile": "key.refile",
    "tag": "key.tag",
    "export": "key.export",
    "back": "key.back",
    "save": "key.save",
    "open_external": "key.view",
    "attachment_text": "key.text",
    "next_match": "key.next",
    "focus_search": "key.search",
}


def localize(node: Any, i18n: I18n) -> None:
    """Give ``node``'s bindings descriptions in ``i18n``'s language."""
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=i18n(ACTION_LABELS[b.action]))
            if b.action in ACTION_LABELS and b.description
            else b
            for b in items
        ]
