import * as React from 'react';

import { VersionsModel } from '../model';
import { IFetchState, IGitState, IRemote, IStorage } from '../tokens';
import { formatBytes } from './format';
import { IPanelActions } from './types';

/** One line saying where the current branch stands against `REMOTE/branch`. */
export function describeRemote(r: IRemote): string {
  if (r.ahead === undefined) {
    return 'Loading…';
  }
  const branch = r.branch ?? 'this branch';
  const ahead = r.ahead ?? 0;
  const behind = r.behind ?? 0;
  if (!r.tracking_exists && behind === 0) {
    return ahead
      ? `${branch} was never pushed to ${r.name}: ${ahead} version${ahead === 1 ? '' : 's'} to push.`
      : `Nothing on ${branch} yet.`;
  }
  if (ahead && behind) {
    return (
      `${branch} and ${r.tracking} have diverged (${ahead} to push, ${behind} pulled): ` +
      `a push would be refused. Join ${r.tracking} into ${branch} (keeps your state) and ` +
      `push, or build on ${r.tracking} (restore it or branch from it).`
    );
  }
  if (behind) {
    return `${r.tracking} has ${behind} version${behind === 1 ? '' : 's'} ${branch} lacks: restore it, or branch from it.`;
  }
  if (ahead) {
    return `${ahead} version${ahead === 1 ? '' : 's'} to push to ${r.name}.`;
  }
  return `${branch} is up to date with ${r.tracking} (as of the last push or pull).`;
}

/** "every 5 min", "every 30 s". */
function every(seconds: number): string {
  return seconds >= 60 && seconds % 60 === 0
    ? `every ${seconds / 60} min`
    : `every ${Math.round(seconds)} s`;
}

/** One line on the server's background fetch: how often, and when it last looked. */
export function describeFetch(fetch: IFetchState | null): string {
  if (!fetch || fetch.interval <= 0) {
    return ''; // off: Pull shows teammates' versions
  }
  const last = fetch.last
    ? `; last ${new Date(fetch.last * 1000).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit'
      })}`
    : '';
  return `Counts follow teammates’ pushes: the server fetches ${every(fetch.interval)}${last}.`;
}

/** Local size against the budget, as a bar (warning colour when over). */
export function StorageBar(props: { storage: IStorage }): JSX.Element {
  const { local_bytes, budget, over_budget } = props.storage;
  const pct = budget ? Math.round((100 * local_bytes) / budget) : null;
  const text = budget
    ? `${formatBytes(local_bytes)} of ${formatBytes(budget)} budget (${pct}%)${
        over_budget ? ' · over budget' : ''
      }`
    : `${formatBytes(local_bytes)} · no budget`;
  return (
    <div
      className={`jp-nbversion-storage${over_budget ? ' jp-mod-over' : ''}`}
      data-testid="nbversion-storage"
      title={
        'Bytes of .nbversion/objects on this disk' +
        (budget
          ? ' against tiering.max_local_size (nbversion budget); nbversion evict moves pushed objects off the disk'
          : '; set a budget with nbversion budget 2GB')
      }
    >
      <span>
        <span className="jp-nbversion-storage-label">Local storage </span>
        <span data-testid="nbversion-storage-text">{text}</span>
      </span>
      {budget ? (
        <div
          className="jp-nbversion-storage-bar"
          role="meter"
          aria-label="Local storage against the budget"
          aria-valuemin={0}
          aria-valuemax={budget}
          aria-valuenow={local_bytes}
        >
          <div style={{ width: `${Math.min(100, pct ?? 0)}%` }} />
        </div>
      ) : null}
    </div>
  );
}

/** The git auto-commit checkbox, or a muted line outside a git repository. */
export function GitAutocommit(props: {
  git: IGitState;
  disabled: boolean;
  onChange: (on: boolean) => void;
}): JSX.Element {
  const { git, disabled, onChange } = props;
  if (!git.work_tree) {
    return (
      <p
        className="jp-nbversion-muted jp-nbversion-git"
        data-testid="nbversion-git-none"
        title="git init the project folder to commit the notebook on each save"
      >
        Git: not in a git repository.
      </p>
    );
  }
  return (
    <label
      className="jp-nbversion-git"
      data-testid="nbversion-git"
      title={
        "Each save also commits the notebook (and the store's manifests and refs, never " +
        "its data) to the enclosing git repository, with the version's message " +
        '(nbversion git-setup --autocommit on|off)'
      }
    >
      <input
        type="checkbox"
        checked={git.autocommit}
        disabled={disabled}
        onChange={e => onChange(e.currentTarget.checked)}
      />{' '}
      Commit notebook to git on each save
    </label>
  );
}

/** Remotes with ahead/behind counts, Push and Pull, and the local storage bar. */
export function SharingSection(props: {
  model: VersionsModel;
  actions: IPanelActions;
}): JSX.Element {
  const { model, actions } = props;
  const busy = model.busy?.scope === 'sharing' ? model.busy : null;
  const pct =
    busy?.progress && busy.progress.total > 0
      ? Math.round((100 * busy.progress.done) / busy.progress.total)
      : undefined;
  const hasRemotes = model.remotes.length > 0;
  // folded while there is no remote (its summary says so); open once one is configured
  return (
    <details
      key={hasRemotes ? 'remotes' : 'none'}
      className="jp-nbversion-sharing"
      data-testid="nbversion-sharing"
      open={hasRemotes || !!busy}
      onToggle={e => model.setSharingOpen(e.currentTarget.open)}
    >
      <summary>
        Sharing
        {hasRemotes || model.sharingError ? '' : ' · no remote'}
        {model.storage?.over_budget ? ' · over budget' : ''}
        {model.git?.autocommit ? ' · git auto-commit' : ''}
      </summary>
      {model.sharingError && (
        <p className="jp-nbversion-error">{model.sharingError}</p>
      )}
      {!model.remotes.length && !model.sharingError && (
        <p className="jp-nbversion-muted" data-testid="nbversion-sharing-empty">
          No remote yet. Add a shared folder, an S3 bucket or a git repository
          to share this notebook’s versions with your team.
        </p>
      )}
      {model.remotes.map(r => (
        <div
          key={r.name}
          className="jp-nbversion-remote"
          data-testid="nbversion-remote"
          data-remote={r.name}
        >
          <div className="jp-nbversion-remote-head">
            <span className="jp-nbversion-remote-name" title={r.url}>
              {r.name}
            </span>
            <span
              className="jp-nbversion-count"
              data-testid="nbversion-ahead"
              title={`Versions on ${r.branch ?? 'the branch'} that ${r.name} lacks (to push)`}
              aria-label={`${r.ahead ?? '?'} ahead`}
            >
              ↑{r.ahead ?? '…'}
            </span>
            <span
              className="jp-nbversion-count"
              data-testid="nbversion-behind"
              title={`Versions on ${r.tracking ?? 'the remote'} that ${r.branch ?? 'the branch'} lacks (pulled)`}
              aria-label={`${r.behind ?? '?'} behind`}
            >
              ↓{r.behind ?? '…'}
            </span>
            <span className="jp-nbversion-spacer" />
            <span className="jp-nbversion-split">
              <button
                type="button"
                className="jp-Button jp-mod-styled jp-mod-reject"
                aria-label={`Push to ${r.name}`}
                title={`Push every branch and tag of this notebook to ${r.name} (${r.url})`}
                disabled={model.running || !model.path}
                onClick={() => actions.push(r.name)}
              >
                Push
              </button>
              <button
                type="button"
                className="jp-Button jp-mod-styled jp-mod-reject jp-nbversion-split-more"
                aria-label={`Choose branches and tags for ${r.name}`}
                title="Choose the branches and tags to push"
                disabled={model.running || !model.path}
                onClick={() => actions.push(r.name, true)}
              >
                ▾
              </button>
            </span>
            {(r.ahead ?? 0) > 0 && (r.behind ?? 0) > 0 && (
              <button
                type="button"
                className="jp-Button jp-mod-styled jp-mod-accept"
                aria-label={`Join ${r.tracking}`}
                title={
                  `Join ${r.tracking} into ${r.branch}: a version with both heads as parents ` +
                  'that keeps your notebook and variables; then Push'
                }
                disabled={model.running}
                onClick={() => actions.join(r.name)}
              >
                Join
              </button>
            )}
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject"
              aria-label={`Pull from ${r.name}`}
              title={`Fetch ${r.name}'s versions as ${r.name}/branch (local branches never move)`}
              disabled={model.running}
              onClick={() => actions.pull(r.name)}
            >
              Pull
            </button>
            <button
              type="button"
              className="jp-Button jp-mod-minimal jp-nbversion-remote-remove"
              aria-label={`Remove remote ${r.name}`}
              title={`Forget ${r.name} (nothing on it is deleted)`}
              disabled={model.running}
              onClick={() => actions.removeRemote(r.name)}
            >
              ✕
            </button>
          </div>
          <div
            className="jp-nbversion-remote-state"
            data-testid="nbversion-remote-state"
          >
            {describeRemote(r)}
          </div>
          {model.fetchState?.errors[r.name] && (
            <div
              className="jp-nbversion-remote-warn"
              data-testid="nbversion-fetch-error"
            >
              ⚠ The last background fetch failed:{' '}
              {model.fetchState.errors[r.name]}
            </div>
          )}
        </div>
      ))}
      <div className="jp-nbversion-sharing-foot">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          aria-label="Add remote"
          title="Add a shared folder, an S3 bucket or a git repository as a remote"
          disabled={model.running}
          onClick={() => actions.addRemote()}
        >
          Add remote…
        </button>
        {hasRemotes && describeFetch(model.fetchState) && (
          <span
            className="jp-nbversion-muted"
            data-testid="nbversion-fetch-status"
          >
            {describeFetch(model.fetchState)}
          </span>
        )}
      </div>
      {busy && (
        <div className="jp-nbversion-busy" role="status" aria-live="polite">
          <span>
            {busy.label}
            {busy.progress?.total
              ? ` ${busy.progress.item} ${busy.progress.done}/${busy.progress.total}`
              : ''}
          </span>
          <progress
            max={100}
            value={pct}
            aria-label={busy.label}
            data-testid="nbversion-sharing-progress"
          />
        </div>
      )}
      {model.storage && <StorageBar storage={model.storage} />}
      {model.git && (
        <GitAutocommit
          git={model.git}
          disabled={model.running}
          onChange={on => actions.setGitAutocommit(on)}
        />
      )}
    </details>
  );
}
