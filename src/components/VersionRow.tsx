import * as React from 'react';

import { DetailsState } from '../model';
import { IAuthor, IVersionSummary, Locality } from '../tokens';
import { IGraphRow } from '../graph';
import { Details } from './Details';
import { formatValue, relativeTime } from './format';
import { GraphCell, graphPixels } from './GraphCell';
import { IPanelActions } from './types';

/** Up to three metrics shown on the row. */
function headline(metrics: Record<string, unknown>): string {
  return Object.entries(metrics)
    .slice(0, 3)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(' · ');
}

/** Whether a version's author is someone else than the local user. */
export function isForeign(
  author: IAuthor | null,
  user: IAuthor | null
): boolean {
  if (!author || !user) {
    return false;
  }
  if (author.email && user.email) {
    return author.email !== user.email;
  }
  return author.name !== user.name;
}

/** The locality badge: where a version's variables are (null: nothing worth showing). */
export function localityBadge(
  locality: Locality | undefined,
  onRemote: boolean,
  hasRemotes: boolean
): { key: string; label: string; title: string } | null {
  switch (locality) {
    case 'remote-only':
      return {
        key: 'remote-only',
        label: 'remote only',
        title:
          'Its variables were evicted from this disk and live on the remote: restoring fetches them'
      };
    case 'partial':
      return {
        key: 'partial',
        label: 'partly remote',
        title:
          'Some of its variables were evicted to the remote; restoring fetches them'
      };
    case 'missing':
      return {
        key: 'missing',
        label: 'missing',
        title:
          'Some objects are neither here nor recorded as evicted: run nbversion fsck'
      };
    case 'local':
      if (onRemote) {
        return {
          key: 'both',
          label: 'local + remote',
          title: 'On this disk and on the remote'
        };
      }
      return hasRemotes
        ? {
            key: 'local',
            label: 'local',
            title: 'Only on this disk: push to share it (and to allow eviction)'
          }
        : null;
    default:
      return null;
  }
}

/** Branch of the undo points: the state a restore or a branch switch replaced. */
export const UNDO_BRANCH = 'nbversion-undo';

/** One version in the history; expands to its details. */
export const VersionRow = React.memo(
  (props: {
    version: IVersionSummary;
    branches: string[];
    tags: string[];
    current: boolean;
    /** Saved by someone else than the local user. */
    foreign: boolean;
    locality: Locality | undefined;
    hasRemotes: boolean;
    expanded: boolean;
    selected: boolean;
    details: DetailsState | undefined;
    actions: IPanelActions;
    onToggle: (id: string) => void;
    onSelect: (id: string) => void;
    /** The row's part of the history graph, and the graph's width in lanes. */
    graph?: IGraphRow;
    graphLanes?: number;
  }): JSX.Element => {
    const { version: v, actions } = props;
    const label = v.message || '(no message)';
    const metrics = headline(v.metrics ?? {});
    const where = localityBadge(
      props.locality,
      (v.remotes ?? []).length > 0,
      props.hasRemotes
    );
    const author = v.author;
    const cls = [
      'jp-nbversion-row',
      props.current ? 'jp-mod-current' : '',
      props.foreign ? 'jp-mod-foreign' : '',
      props.expanded ? 'jp-mod-expanded' : '',
      props.selected ? 'jp-mod-selected' : '',
      v.branch === UNDO_BRANCH ? 'jp-mod-undo' : '',
      v.parents.length > 1 ? 'jp-mod-join' : ''
    ].join(' ');
    const lanes = props.graphLanes ?? 1;
    return (
      <li
        className={cls}
        data-testid="nbversion-row"
        data-version-id={v.id}
        data-lane={props.graph?.lane}
        style={
          props.graph ? { paddingLeft: graphPixels(lanes) + 2 } : undefined
        }
      >
        {props.graph && (
          <GraphCell
            row={props.graph}
            lanes={lanes}
            nodeY={13}
            branch={v.branch}
            undo={v.branch === UNDO_BRANCH}
            className="jp-mod-sidebar"
          />
        )}
        <div className="jp-nbversion-row-main">
          <input
            type="checkbox"
            checked={props.selected}
            aria-label={`Select ${label} for comparison`}
            title="Select for Compare"
            onChange={() => props.onSelect(v.id)}
          />
          <button
            type="button"
            className="jp-nbversion-row-summary"
            aria-expanded={props.expanded}
            title={`${label}\n${v.id}\n${v.created ?? ''}`}
            onClick={() => props.onToggle(v.id)}
          >
            <span className="jp-nbversion-row-title">
              <span className="jp-nbversion-message">{label}</span>
              {props.current && (
                <span
                  className="jp-nbversion-badge jp-mod-current"
                  title="Current version"
                >
                  current
                </span>
              )}
              {v.branch === UNDO_BRANCH && (
                <span
                  className="jp-nbversion-badge jp-mod-undopoint"
                  data-testid="nbversion-undo-point"
                  title="Undo point: saved automatically with what a restore or branch switch replaced (unsaved edits included); restore it to get that state back"
                >
                  undo point
                </span>
              )}
              {v.parents.length > 1 && (
                <span
                  className="jp-nbversion-badge jp-mod-join"
                  data-testid="nbversion-join-badge"
                  title={`Join: brings together ${v.parents.length} histories (parents ${v.parents
                    .map(p => p.slice(0, 8))
                    .join(', ')})`}
                >
                  join
                </span>
              )}
              {props.branches.map(b => (
                <span
                  key={b}
                  className="jp-nbversion-badge jp-mod-branch"
                  title={`Branch ${b}`}
                >
                  {b}
                </span>
              ))}
              {props.tags.map(t => (
                <span
                  key={t}
                  className="jp-nbversion-badge jp-mod-tag"
                  title={`Tag ${t}`}
                >
                  {t}
                </span>
              ))}
              {v.from_remote && (
                <span
                  className="jp-nbversion-badge jp-mod-remote"
                  data-testid="nbversion-from-remote"
                  title={`Came from ${v.from_remote} (pull); on none of your branches yet`}
                >
                  ⇣ {v.from_remote}
                </span>
              )}
            </span>
            <span className="jp-nbversion-row-meta">
              {relativeTime(v.created)}
              {author?.name && ' · '}
              {author?.name && (
                <span
                  className={`jp-nbversion-author${props.foreign ? ' jp-mod-foreign' : ''}`}
                  data-testid="nbversion-author"
                  title={`Saved by ${author.name}${author.email ? ` <${author.email}>` : ''}${
                    props.foreign ? ' (not you)' : ''
                  }`}
                >
                  {author.name}
                </span>
              )}
              {` · ${v.variables} var${v.variables === 1 ? '' : 's'}`}
              {metrics ? ` · ${metrics}` : ''}
              {where && (
                <span
                  className={`jp-nbversion-locality jp-mod-${where.key}`}
                  data-testid="nbversion-locality"
                  data-locality={where.key}
                  title={where.title}
                >
                  {where.label}
                </span>
              )}
            </span>
          </button>
        </div>
        {props.expanded && (
          <div className="jp-nbversion-row-actions">
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject"
              aria-label="Restore"
              title="Restore this version in place…"
              onClick={() => actions.restore(v.id)}
            >
              Restore
            </button>
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject"
              aria-label="New branch"
              title="New branch from this version…"
              onClick={() => actions.newBranch(v.id)}
            >
              New branch
            </button>
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject"
              aria-label="Tag"
              title="Tag this version…"
              onClick={() => actions.tag(v.id)}
            >
              Tag
            </button>
            {props.tags.map(t => (
              <button
                key={t}
                type="button"
                className="jp-Button jp-mod-styled jp-mod-reject"
                aria-label={`Remove tag ${t}`}
                title={`Remove tag ${t}`}
                onClick={() => actions.removeTag(t)}
              >
                Remove tag {t}
              </button>
            ))}
          </div>
        )}
        {props.expanded && <Details state={props.details} />}
      </li>
    );
  }
);
