import * as React from 'react';

import { DetailsState } from '../model';
import { IVersionSummary } from '../tokens';
import { Details } from './Details';
import { formatValue, laneColor, relativeTime } from './format';
import { IPanelActions } from './types';

/** Up to three metrics shown on the row. */
function headline(metrics: Record<string, unknown>): string {
  return Object.entries(metrics)
    .slice(0, 3)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(' · ');
}

/** One version in the history; expands to its details. */
export const VersionRow = React.memo(
  (props: {
    version: IVersionSummary;
    branches: string[];
    tags: string[];
    current: boolean;
    expanded: boolean;
    selected: boolean;
    details: DetailsState | undefined;
    actions: IPanelActions;
    onToggle: (id: string) => void;
    onSelect: (id: string) => void;
  }): JSX.Element => {
    const { version: v, actions } = props;
    const label = v.message || '(no message)';
    const metrics = headline(v.metrics ?? {});
    const cls = [
      'jp-nbversion-row',
      props.current ? 'jp-mod-current' : '',
      props.expanded ? 'jp-mod-expanded' : '',
      props.selected ? 'jp-mod-selected' : ''
    ].join(' ');
    return (
      <li
        className={cls}
        data-testid="nbversion-row"
        data-version-id={v.id}
        style={{ borderLeftColor: laneColor(v.branch) }}
      >
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
            aria-label={`Details of ${label}`}
            title={`${v.id}\n${v.created ?? ''}`}
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
            </span>
            <span className="jp-nbversion-row-meta">
              {relativeTime(v.created)}
              {v.author?.name ? ` · ${v.author.name}` : ''}
              {` · ${v.variables} var${v.variables === 1 ? '' : 's'}`}
              {metrics ? ` · ${metrics}` : ''}
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
