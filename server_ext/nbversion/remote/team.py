"""Keys, revocations and version signatures travel with the versions (see teamtrust).

A push sends the store's ``team/`` files for what it pushes (every published key and
revocation, and the signatures of the versions sent); a pull brings the remote's keys,
revocations and the signatures of versions it has locally. Each arriving file is checked
by :func:`nbversion.teamtrust.accept_team_file` (a remote may hold anything) and a bad one
is skipped with the reason, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..store import Repository
from ..teamtrust import TEAM_DIR, accept_team_file, team_files_for
from .remotes import Remote

#: Largest team file read from a remote (keys are ~200 bytes, signatures 128).
MAX_TEAM_FILE = 4096


def send_team(repo: Repository, remote: Remote, version_ids: Iterable[str]) -> int:
    """Upload the team files a teammate needs to trust these versions; returns the count."""
    present = set(remote.find(TEAM_DIR))
    sent = 0
    for rel in team_files_for(repo.store_dir, list(version_ids)):
        if rel in present:
            continue
        remote.put(f"{TEAM_DIR}/{rel}", (repo.store_dir / TEAM_DIR / rel).read_bytes())
        sent += 1
    return sent


def fetch_team(repo: Repository, remote: Remote, skipped: list[str]) -> int:
    """Bring the remote's keys, revocations and signatures of local versions; returns the
    number stored. Malformed files are named in ``skipped``."""
    stored = 0
    local = repo.store_dir / TEAM_DIR
    for rel in remote.find(TEAM_DIR):
        parts = rel.split("/")
        if parts[0] == "sigs" and (len(parts) != 3 or not repo.versions.has(parts[1])):
            continue  # signatures of versions not here are of no use yet
        if (local / rel).exists():
            continue
        data = remote.get(f"{TEAM_DIR}/{rel}")
        if data is None:
            continue
        if len(data) > MAX_TEAM_FILE:
            skipped.append(f"team file {rel!r} is larger than {MAX_TEAM_FILE} bytes")
            continue
        why = accept_team_file(repo.store_dir, rel, data)
        if why is None:
            stored += 1
        else:
            skipped.append(why)
    return stored
