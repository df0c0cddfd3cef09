"""Archive.test_connection (the first-run form's "test" button) against the real Dovecot."""

from __future__ import annotations

import pytest

from bparchive.errors import AuthError, CertificateError
from bparchive.services import Archive
from tests.sync.helpers import account_for


def test_connection_ok_wrong_password_and_untrusted_certificate(imap_user) -> None:  # type: ignore[no-untyped-def]
    acc = account_for(imap_user)
    Archive.test_connection(acc, imap_user.password)
    with pytest.raises(AuthError, match="refused the login"):
        Archive.test_connection(acc, "not-the-password")
    from dataclasses import replace

    with pytest.raises(CertificateError, match="--cafile"):
        Archive.test_connection(replace(acc, cafile=""), imap_user.password)
