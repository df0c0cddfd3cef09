"""Small read helpers the TUI needs that the services do not offer yet.

Called by the reader and attachment screens. Each belongs in
``bparchive.services.search`` (the lead was asked to move them there:
``attachment_payload(store, mid, idx)`` and ``highlight_spans(query, text)``);
until then they live here, built only on public functions of the lower
packages, and the TUI calls nothing else below the services.
"""

from __future__ import annotations

from typing import Any

from bparchive.errors import NotFoundError


def attachment_payload(archive: Any, mid: int, idx: int) -> tuple[str, str, bytes]:
    """The decoded bytes of attachment ``idx`` of message ``mid``.

    Args:
        archive: The open ``services.Archive``.
        mid: Message id.
        idx: Attachment index (``show()["attachments"][i]["idx"]``).

    Returns:
        ``(filename, content_type, payload)``.

    Raises:
        NotFoundError: No such message or attachment, or its payload was not kept.
    """
    from bparchive.mail import parse_message

    store = archive.reader()
    try:
        raw = b"".join(store.iter_raw(mid))
    finally:
        store.close()
    parsed = parse_message(raw)
    for part in parsed.attachments:
        if part.index == idx:
            if part.truncated:
                raise NotFoundError(
                    f"Attachment {idx} of message {mid} was too large to keep in full; "
                    "use `bparchive show --raw` to get the original message."
                )
            return part.filename, part.content_type, part.payload
    raise NotFoundError(f"Message {mid} has no attachment {idx}.")


def highlight_spans(query: str, text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that the search ``query`` matched (its words, any source).

    Args:
        query: A query in the search language (blank → no spans).
        text: The text to mark (e.g. an attachment's extracted text).

    Returns:
        Sorted ``(start, end)`` offsets; empty when the query is blank or malformed.
    """
    if not query.strip() or not text:
        return []
    from bparchive.errors import QueryError
    from bparchive.index.analysis import iter_tokens
    from bparchive.index.query import Highlight, compile_query, parse

    try:
        compiled = compile_query(parse(query))
    except QueryError:
        return []
    merged = Highlight()
    for hl in compiled.highlight.values():
        merged.fold |= hl.fold
        merged.exact |= hl.exact
        merged.bare |= hl.bare
    return [(s, e) for s, e, forms in iter_tokens(text) if merged.matches(forms)]


def fresh_archive(archive: Any) -> Any:
    """A second ``Archive`` on the same home with its own store connection.

    The sync worker writes through it, so that refile/tag from the interface
    never join a sync's open transaction on a shared connection.
    """
    paths = archive.paths
    home = paths.config_dir if paths.config_dir == paths.data_dir else None
    return type(archive)(home)


def start_process_servers() -> None:
    """Start multiprocessing's resource tracker and fork server with a real stderr.

    While a Textual app runs, ``sys.stderr`` is a capture object whose
    ``fileno()`` is -1; multiprocessing passes that descriptor to the helper
    processes it starts, and fails ("bad value(s) in fds_to_keep"). Ingest
    extracts attachments in such processes, so the sync and export workers
    call this first. (The lead was asked to move this guard into
    ``extract.limits.worker_context``.)
    """
    import sys
    from multiprocessing import forkserver, resource_tracker

    from bparchive.extract.limits import worker_context

    ctx = worker_context()
    real = sys.__stderr__
    current = sys.stderr
    swap = real is not None and _bad_fileno(current)
    if swap:
        sys.stderr = real
    try:
        resource_tracker.ensure_running()
        if ctx.get_start_method() == "forkserver":
            forkserver.ensure_running()
    finally:
        if swap:
            sys.stderr = current


def _bad_fileno(stream: Any) -> bool:
    try:
        return stream is None or stream.fileno() < 0
    except (OSError, ValueError, AttributeError):
        return True
