"""Where bparchive keeps things.

``--home DIR`` or ``BPARCHIVE_HOME`` puts config and data under one folder;
otherwise the platform's usual places (platformdirs). Nothing is created at
import time: callers ask :func:`resolve` and then :meth:`Paths.ensure`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP = "bparchive"
DIR_MODE = 0o700
FILE_MODE = 0o600


@dataclass(frozen=True)
class Paths:
    """The folders and files of one archive home."""

    config_dir: Path
    data_dir: Path
    state_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def db_file(self) -> Path:
        return self.data_dir / "archive.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "bparchive.log"

    @property
    def lock_file(self) -> Path:
        return self.state_dir / "sync.lock"

    def ensure(self) -> None:
        """Create the folders with mode 0700 (and tighten them if they exist).

        Also sets the process umask to 077: every file bparchive (or a library
        it drives, such as Whoosh) creates from now on is readable by its owner
        only.
        """
        private_umask()
        for d in {self.config_dir, self.data_dir, self.state_dir}:
            make_private_dir(d)


def make_private_dir(path: Path) -> None:
    """Create ``path`` and its missing parents; the leaf gets mode 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    try:
        os.chmod(path, DIR_MODE)
    except PermissionError:
        pass


def private_umask() -> int:
    """Set a umask so every file created from now on is owner-only; return the old one."""
    return os.umask(0o077)


def resolve(home: str | os.PathLike[str] | None = None) -> Paths:
    """Return the paths for ``home``, ``$BPARCHIVE_HOME`` or the platform defaults."""
    home = home or os.environ.get("BPARCHIVE_HOME") or None
    if home:
        base = Path(home).expanduser().absolute()
        return Paths(config_dir=base, data_dir=base, state_dir=base / "state")
    import platformdirs

    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP)),
        data_dir=Path(platformdirs.user_data_dir(APP)),
        state_dir=Path(platformdirs.user_state_dir(APP)),
    )
