"""The restore use cases of a kernel session: restore in place, switch branch, undo.

A part of :class:`nbversion.kernel.session.KernelSession` kept in a module of its own (the
session grew past 500 lines). A restore loads only what differs from the live kernel,
holds back what an untrusted version would unpickle (or a builtin it would hide), keeps
the replaced state as an undo point, and tells change tracking exactly what it assigned.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import trust
from ..errors import Conflict, NotFound
from ..store.fsutil import atomic_write
from ..store.manifest import Manifest
from ..store.records import VariableRecord
from ..store.refs import UNDO_BRANCH
from . import datafiles, snapshot, tracking
from .outcomes import held_back

if TYPE_CHECKING:
    from ..store import Repository
    from .outcomes import SaveResult


class Restoring:
    """Restore, checkout and undo for :class:`~nbversion.kernel.session.KernelSession`."""

    if TYPE_CHECKING:  # provided by KernelSession
        shell: Any
        tracker: tracking.Tracker

        def repo(self) -> Repository: ...
        def get(self, ref: str = "HEAD") -> Manifest: ...
        def head(self, notebook_id: str | None = None) -> Manifest | None: ...
        def notebook(self) -> Path: ...
        def notebook_id(self) -> str: ...
        def hold(self, vid: str, how: str) -> None: ...
        def save(
            self,
            message: str = "",
            *,
            names: Iterable[str] | None = None,
            verify: bool = False,
            progress: snapshot.Progress | None = None,
            branch: str | None = None,
            notebook_source: Path | None = None,
        ) -> SaveResult: ...

    def restore(
        self,
        ref: str,
        names: Iterable[str] | None = None,
        *,
        trust_it: bool = False,
        notebook: bool = False,
        progress: snapshot.Progress | None = None,
        undo_point: bool | str = True,
        keep: bool = False,
        files: bool = False,
        force: bool = False,
    ) -> tuple[Manifest, snapshot.RestoreResult, Path | None]:
        """Restore variables (all, or ``names``) in place; optionally write the notebook copy.

        With ``undo_point`` the live state is first saved on the ``nbversion-undo`` branch
        (only what changed is written), so ``%version restore --undo`` can return to it.
        ``keep`` leaves variables the version lacks in place; ``files`` also restores the
        tracked data files, refusing files changed since the last version unless ``force``.
        """
        repo = self.repo()
        manifest = self.get(ref)
        head = self.head()
        if files:
            refused = datafiles.check_restore(repo, manifest.data_files,
                                              head.data_files if head else {})  # fmt: skip
            if refused and not force:
                raise Conflict(
                    "these tracked files changed since the last version and would be "
                    f"overwritten: {', '.join(refused)} (save first, or use --force)"
                )
        undo = None
        if undo_point:
            why = (
                undo_point
                if isinstance(undo_point, str)
                else f"before restore of {manifest.id[:10]}"
            )
            undo = self.save(why, branch=UNDO_BRANCH).manifest
        if trust_it:
            trust.sign(repo.store_dir, manifest.id)
        allowed = trust.is_trusted(repo.store_dir, manifest.id)
        names = list(names) if names else None
        variables, held = manifest.variables, held_back(manifest, names, allowed)
        if held:  # load the safe formats now; the pickles wait for the user's trust
            variables = {k: v for k, v in variables.items() if k not in held}
            names = [n for n in names if n not in held] if names else None
        ns = self.shell.user_ns
        if undo is not None:  # it just fingerprinted (or reused) every live value's record
            live = {
                n: r
                for n, r in undo.variables.items()
                if n in ns and r.get("fingerprint") and "alias_of" not in r
            }
        else:
            live = self._live_records(head)  # the undo point went to another branch
        was_unknown = self.tracker.unknown
        was_pending = set(self.tracker.pending)
        self.tracker.invalidate()  # until it is known what the restore changed
        result = snapshot.restore(
            ns,
            variables,
            repo.objects,
            names=list(names) if names is not None else None,
            allow_untrusted=allowed,
            skipped_names=[*(s["name"] for s in manifest.skipped), *held],
            progress=progress,
            keep_extra=keep,
            live_records=live,
        )
        # What the restore assigned or removed is all that changed, as if a cell had done
        # it. A value it assigned equals its stored record: the tracker adopts that record,
        # so the next save (or undo point) neither encodes nor fingerprints it again. Not
        # when a cell touched the old value since the last save: objects it shared with
        # other variables may have changed too, and only a pending name makes plan() look.
        adopted = []
        for name in result.restored:
            rec = manifest.variables[name]
            if (
                name in ns
                and name not in was_pending
                and rec.get("fingerprint")
                and "alias_of" not in rec
                and not rec.get("refs")
            ):
                adopted.append((name, ns[name], rec))
            else:
                self.tracker.forget(name)
        self.tracker.adopt_all(adopted, id(ns))
        for name in result.removed:
            self.tracker.forget(name)
        for name, why in held.items():
            result.failed[name] = why
        if manifest.notebook_id != self.notebook_id():
            result.notes.append(
                f"note: version {manifest.id[:10]} belongs to another notebook "
                f"({manifest.notebook_path}); its variables were loaded into this kernel"
            )
        self.tracker.unknown = was_unknown
        if files:
            result.files = datafiles.restore_files(repo, manifest.data_files)
        written = self.write_restored_notebook(manifest) if notebook else None
        self.hold(manifest.id, "restored")
        return manifest, result, written

    def _known_fingerprints(self, head: Manifest | None) -> dict[str, str]:
        """Fingerprints of live variables that tracking shows untouched since ``head``."""
        return {n: str(r["fingerprint"]) for n, r in self._live_records(head).items()}

    def _live_records(self, head: Manifest | None) -> dict[str, VariableRecord]:
        """Stored records that live variables are known to equal (tracking: untouched since
        ``head``, or since a restore assigned them)."""
        if head is None:
            return {}
        ns = self.shell.user_ns
        pending = self.tracker.take(consume=False)
        recorded = pending.previous(head.variables)
        dirty = tracking.plan(ns, list(ns), recorded, pending, head.id)
        if dirty is None:
            return {}
        return {
            n: r
            for n, r in recorded.items()
            if n in ns and n not in dirty and r.get("fingerprint") and "alias_of" not in r
        }

    def write_restored_notebook(self, manifest: Manifest) -> Path:
        """Write the version's notebook next to the open one, never over it."""
        nb_path = self.notebook()
        target = nb_path.with_name(f"{nb_path.stem}.restored-{manifest.id[:8]}.ipynb")
        atomic_write(target, self.repo().objects.get_bytes(manifest.notebook))
        return target

    def checkout(self, ref: str) -> tuple[str | None, Manifest, snapshot.RestoreResult]:
        """Switch to a branch (restoring its head) or restore a version (detached: no move)."""
        repo = self.repo()
        nid = self.notebook_id()
        branch = ref if ref in repo.branches(nid) else None
        if branch is not None:
            repo.checkout(nid, branch)
        manifest, result, _ = self.restore(ref if branch is None else "HEAD", undo_point=False)
        return branch, manifest, result

    def undo_restore(self) -> tuple[Manifest, snapshot.RestoreResult]:
        """Return to the state saved just before the last restore."""
        try:
            self.get(UNDO_BRANCH)
        except NotFound:
            raise NotFound("nothing to undo: no restore was made from this notebook") from None
        manifest, result, _ = self.restore(UNDO_BRANCH, undo_point=False)
        return manifest, result
