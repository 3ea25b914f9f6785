"""A git repository as a remote: the remote's layout on one branch, ``nbversion``.

The URL is ``git+`` followed by anything ``git clone`` takes: ``git+https://host/team/p.git``,
``git+ssh://git@host/team/p.git``, ``git+git@host:team/p.git``, ``git+/srv/team.git``. The
files are those of any remote (``objects/``, ``versions/``, ``refs/``, ``logs/``, ``team/``,
see :mod:`.backend`) on a branch of their own, so the project's code branches are untouched.
Credentials are git's (SSH keys, credential helpers): nbversion never sees them.

A bare repository in the user's cache, one per URL, holds what was fetched, so a push or
pull transfers only what is new. Reads see the branch as fetched when the remote was opened;
writes become blobs there and are committed and pushed when a ref moves. ``git push``
without ``--force`` is itself the compare-and-swap: the server refuses a commit that does
not descend from the one we read, so :attr:`GitRemote.cas` is ``git-push``, atomic on every
git server. A refused push fetches the branch again, checks the ref once more (another
ref moving is no conflict) and retries on top of it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from pathlib import Path

from ..errors import Conflict, Forbidden, NbVersionError, NotFound
from ..store.locks import FileLock
from .backend import RemoteStore
from .config import GIT_PREFIX, RemoteSpec

BRANCH = "nbversion"
TIMEOUT = 300.0
#: Pushes tried on top of a branch that others keep moving before giving up.
ATTEMPTS = 8
_DENIED = ("permission denied", "access denied", "403", "authentication failed",
           "could not read username", "not authorized", "unauthorized")  # fmt: skip


def cache_root() -> Path:
    """Where fetched git remotes are kept (``NBVERSION_CACHE_DIR``, else XDG's cache)."""
    explicit = os.environ.get("NBVERSION_CACHE_DIR")
    if explicit:
        return Path(explicit) / "git"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "nbversion" / "git"


class GitError(NbVersionError):
    """git could not reach or update the repository (network, missing repository)."""

    http_status = 502


class GitRemote(RemoteStore):
    """The :class:`~.remotes.Remote` operations over a branch of a git repository."""

    def __init__(self, spec: RemoteSpec) -> None:
        self.spec = spec
        self.git_url = spec.url[len(GIT_PREFIX) :]
        self.local, self.atomic_put, self.s3, self.root = False, False, False, ""
        self._cas = "git-push"
        self.cache = cache_root() / hashlib.sha256(self.git_url.encode()).hexdigest()[:24]
        self._lock = threading.Lock()
        self._base: str | None = None  # the branch's commit as last fetched
        self._tree: dict[str, tuple[str, int]] = {}  # path -> (blob, size) in that commit
        self._pending: dict[str, tuple[str, int]] = {}  # written since, not pushed yet
        self._init_cache()
        self._fetch()

    # -- git ---------------------------------------------------------------------------
    def _git(self, *args: str, data: bytes | None = None, env: dict[str, str] | None = None,
             check: bool = True) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
        # never prompt; no transports beyond git's safe defaults (ext:: runs commands)
        full = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        try:
            done = subprocess.run(
                ["git", "-c", "protocol.ext.allow=never", "-C", str(self.cache), *args],
                input=data, capture_output=True,
                timeout=TIMEOUT, env=full, check=False,
            )  # fmt: skip
        except FileNotFoundError:
            raise GitError("git is not installed on the server") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} {self.git_url} took over {TIMEOUT:.0f} s") from None
        if check and done.returncode != 0:
            raise self._failure(args[0], done.stderr)
        return done

    def _failure(self, verb: str, stderr: bytes) -> NbVersionError:
        """A plain-language error for a failed git command (its first meaningful line)."""
        lines = [ln.strip() for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
        said = next((ln for ln in lines if ln.startswith(("fatal:", "error:", "ERROR"))), "")
        said = (said or (lines[-1] if lines else "no message")).removeprefix("fatal: ")
        what = f"remote {self.spec.name} ({self.git_url}): git {verb} failed: {said}"
        if any(word in said.lower() for word in _DENIED):
            return Forbidden(
                f"{what}. The server's git credentials (SSH key or credential helper) may "
                "not do this: ask for access to the repository.",
                details={"remote": self.spec.name, "operation": verb},
            )
        return GitError(what, details={"remote": self.spec.name, "operation": verb})

    def _init_cache(self) -> None:
        if (self.cache / "HEAD").is_file():
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        with FileLock(self.cache / "init"):
            if not (self.cache / "HEAD").is_file():
                self._git("init", "--bare", "--quiet")

    def _fetch(self) -> None:
        """Read the branch: its commit and the files of its tree (None: no branch yet)."""
        listed = self._git("ls-remote", self.git_url, f"refs/heads/{BRANCH}")
        head = listed.stdout.decode().split("\t", 1)[0].strip() or None
        if head is not None:
            # one fetch at a time into the cache (git's ref locks would refuse a second)
            with FileLock(self.cache / "fetch", timeout=TIMEOUT):
                self._git("fetch", "--quiet", "--no-tags", self.git_url,
                          f"+refs/heads/{BRANCH}:refs/remotes/nbv/{BRANCH}")  # fmt: skip
        tree: dict[str, tuple[str, int]] = {}
        if head is not None:
            out = self._git("ls-tree", "-r", "-l", "-z", head).stdout
            for entry in out.split(b"\0"):
                if not entry:
                    continue
                meta, path = entry.split(b"\t", 1)
                _mode, kind, blob, size = meta.split()
                if kind == b"blob":
                    tree[path.decode()] = (blob.decode(), int(size))
        with self._lock:
            self._base, self._tree = head, tree

    def _publish(self, extra: dict[str, bytes], message: str) -> bool:
        """Commit the pending writes and ``extra`` on the fetched commit and push; False
        when the server refused (the branch moved since the fetch)."""
        staged = {path: self._blob(data) for path, data in extra.items()}
        with self._lock:
            files = {**self._pending, **staged}
            base = self._base
        index = self.cache / f"nbv-index-{os.getpid()}-{threading.get_ident()}"
        env = {"GIT_INDEX_FILE": str(index), **_identity(self)}
        try:
            if base is not None:
                self._git("read-tree", base, env=env)
            else:
                self._git("read-tree", "--empty", env=env)
            lines = "".join(f"100644 {blob}\t{path}\n" for path, (blob, _) in files.items())
            self._git("update-index", "--add", "--index-info", data=lines.encode(), env=env)
            tree = self._git("write-tree", env=env).stdout.decode().strip()
        finally:
            index.unlink(missing_ok=True)
        parents = ["-p", base] if base is not None else []
        commit = self._git("commit-tree", tree, *parents, "-m", message, env=env)
        sha = commit.stdout.decode().strip()
        pushed = self._git("push", "--porcelain", "--quiet", self.git_url,
                           f"{sha}:refs/heads/{BRANCH}", check=False)  # fmt: skip
        if pushed.returncode != 0:
            said = (pushed.stdout + pushed.stderr).decode(errors="replace").lower()
            if any(w in said for w in ("[rejected]", "non-fast-forward", "fetch first",
                                       "stale info", "cannot lock ref")):  # fmt: skip
                return False
            raise self._failure("push", pushed.stderr or pushed.stdout)
        with self._lock:
            self._base = sha
            self._tree.update(files)
            for path in files:
                self._pending.pop(path, None)
        return True

    def _blob(self, data: bytes) -> tuple[str, int]:
        done = self._git("hash-object", "-w", "--stdin", data=data)
        return done.stdout.decode().strip(), len(data)

    # -- the file operations RemoteStore is built on -------------------------------------
    def _put(self, key: str, data: bytes, *, mode: int = 0o644) -> None:
        blob = self._blob(data)
        with self._lock:
            self._pending[key] = blob

    def _get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._pending.get(key) or self._tree.get(key)
        if found is None:
            return None
        return self._git("cat-file", "blob", found[0]).stdout

    def _find(self, key: str) -> list[str]:
        prefix = key.rstrip("/") + "/"
        with self._lock:
            paths = set(self._tree) | set(self._pending)
        return sorted(p[len(prefix) :] for p in paths if p.startswith(prefix))

    def _flat_names(self, key: str) -> list[str]:
        return [p for p in self._find(key) if "/" not in p]

    def has_object(self, oid: str) -> bool:
        key = f"objects/{oid[:2]}/{oid[2:]}"
        with self._lock:
            return key in self._tree or key in self._pending

    def object_sizes(self) -> dict[str, int]:
        with self._lock:
            files = {**self._tree, **self._pending}
        return {
            p[8:].replace("/", ""): size
            for p, (_, size) in files.items()
            if p.startswith("objects/") and len(p) == 8 + 65
        }

    # -- refs: each move is one commit, pushed without force ------------------------------
    def set_ref(self, notebook_id: str, kind: str, name: str, value: str, why: str) -> None:
        key = self._ref_key(notebook_id, kind, name)
        self._move(key, None, value, why, force=True)

    def swap_ref(
        self, notebook_id: str, kind: str, name: str, expected: str | None, value: str, why: str
    ) -> None:
        key = self._ref_key(notebook_id, kind, name)
        self._move(key, expected, value, why, force=False)

    def _move(self, key: str, expected: str | None, value: str, why: str, force: bool) -> None:
        for _ in range(ATTEMPTS):
            current = self._ref_value(self._get(f"refs/{key}"))
            if not force:
                self._expect(key, current, expected)
            files = {f"refs/{key}": f"{value}\n".encode(),
                     **dict([self._record_file(key, current, value, why)])}  # fmt: skip
            if self._publish(files, f"{why}: {key} -> {value[:12]}"):
                return
            self._fetch()  # someone pushed meanwhile: look at the ref again on their commit
        raise Conflict(f"ref {key} changed while we pushed (the branch {BRANCH} kept moving)")

    def flush(self) -> None:
        """Push writes no ref move carried (team files sent by an up-to-date push)."""
        for _ in range(ATTEMPTS):
            with self._lock:
                if not self._pending:
                    return
            if self._publish({}, "nbversion: team files"):
                return
            self._fetch()
        raise Conflict(f"the branch {BRANCH} of {self.git_url} kept moving")

    def check_initialized(self) -> None:
        if self._base is None:
            raise NotFound(f"no nbversion versions in {self.git_url} yet (push to it first)")
        super().check_initialized()


def _identity(remote: GitRemote) -> dict[str, str]:
    """Commit as the user's git identity; a fallback where none is configured."""
    env: dict[str, str] = {}
    for var, key, fallback in (("NAME", "user.name", "nbversion"),
                               ("EMAIL", "user.email", "nbversion@localhost")):  # fmt: skip
        found = remote._git("config", key, check=False).stdout.decode().strip()
        if not found:
            env[f"GIT_AUTHOR_{var}"] = env[f"GIT_COMMITTER_{var}"] = fallback
    return env
