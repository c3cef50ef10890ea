"""The folder where a server keeps what a restart needs: the last good referral file, and the
topic model learned from it.

REFERRALS_STATE_DIR, by default a folder of this user's in the system's temp directory. It must
be this user's and writable by no one else: otherwise anyone could plant a "last good" file or a
model, and nothing is kept or read there. Each file is written atomically (a temporary file
renamed over it), so a reader never sees half of one.
"""

import hashlib
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)
NAME_MAX = 255  # bytes in a file's name, on Linux's file systems and most others
LEFTOVER_AGE = 600  # seconds: a temporary file this old was left by a process that died saving


def path(state_dir: str | Path | None) -> Path:
    """Return the state folder: `state_dir` if set, else this user's in the temp directory."""
    if state_dir:
        return Path(state_dir)
    return Path(tempfile.gettempdir()) / f"referral-bot-{os.geteuid()}"


def file_for(place: Path, referral_path: Path, kind: str, suffix: str = "") -> Path:
    """Return where `place` keeps a `kind` of file for the referral file at `referral_path`:
    named for its absolute path, so two deployments on one machine keep apart, and with the
    referral file's name cut to what a file name may hold (NAME_MAX bytes)."""
    key = hashlib.sha256(os.fsencode(os.path.abspath(referral_path))).hexdigest()[:16]
    start = f"{kind}-{key}-"
    room = NAME_MAX - len(os.fsencode(start)) - len(os.fsencode(suffix))
    return place / f"{start}{os.fsdecode(os.fsencode(referral_path.name)[:room])}{suffix}"


def usable(place: Path, what: str) -> bool:
    """Make `place` if need be; tell whether it is this user's alone (else log why not)."""
    try:
        place.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = place.lstat()
    except OSError as error:
        log.warning("cannot keep %s in %s: %s", what, place, error)
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        log.warning(
            "not keeping %s in %s: it must be a directory of this user's that no one else can "
            "write to (chmod 700 it, or set REFERRALS_STATE_DIR)",
            what,
            place,
        )
        return False
    return True


def write(target: Path, fill: Callable[[IO[bytes]], None], what: str, sync: bool = True) -> None:
    """Write `target` atomically with `fill(file)`; any failure is logged, never raised.

    With `sync`, the bytes are on disk before the rename: a copy that must survive a power cut.
    """
    if not usable(target.parent, what):
        return
    _clear_leftovers(target.parent)
    name = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=".saving-", delete=False
        ) as file:
            name = file.name
            fill(file)
            file.flush()
            if sync:
                os.fsync(file.fileno())
        os.replace(name, target)
    except Exception as error:  # noqa: BLE001 - keeping a copy must never stop a build
        log.warning("cannot keep %s at %s: %s: %s", what, target, type(error).__name__, error)
        if name is not None:
            try:
                os.unlink(name)
            except OSError:
                pass


def _clear_leftovers(place: Path) -> None:
    """Remove the temporary files of saves that never finished (a process killed mid-save):
    the model's are 15 MB each, and nothing else would ever remove them."""
    too_old = time.time() - LEFTOVER_AGE
    for leftover in place.glob(".saving-*"):
        try:
            if leftover.lstat().st_mtime < too_old:
                leftover.unlink()
        except OSError:
            pass  # gone already, say: another process cleared it
