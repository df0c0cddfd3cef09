"""IMAP sync (read-only toward the server), ``--watch``, and importers.

``engine`` mirrors an account into the store; ``connection`` opens verified
TLS connections and translates errors; ``watch`` keeps running with IDLE and
the Điều 8 schedule; ``importer`` reads mbox, Maildir and .eml files.
"""
