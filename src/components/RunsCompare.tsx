import * as React from 'react';

import { fmt } from '../diffformat';
import { IVersionSummary } from '../tokens';
import { formatValue } from './format';

/** "+0.04" / "-1.2" / "±0"; empty when either side is not a number. */
export function delta(value: unknown, base: unknown): string {
  if (typeof value !== 'number' || typeof base !== 'number') {
    return '';
  }
  const d = Number((value - base).toPrecision(6));
  return d === 0 ? '±0' : `${d > 0 ? '+' : ''}${fmt(d)}`;
}

export interface IRunsCompareProps {
  versions: IVersionSummary[];
  baseline: string;
  onBaseline(id: string): void;
  onRemove(id: string): void;
}

/**
 * The selected versions side by side: one column each, params and metrics as rows, each
 * metric with its change against the baseline column.
 */
export function RunsCompare(props: IRunsCompareProps): JSX.Element {
  const { versions } = props;
  const base = versions.find(v => v.id === props.baseline) ?? versions[0];
  const names = (pick: (v: IVersionSummary) => Record<string, unknown>) =>
    [...new Set(versions.flatMap(v => Object.keys(pick(v) ?? {})))].sort();
  const params = names(v => v.params);
  const metrics = names(v => v.metrics);

  return (
    <table
      className="jp-nbversion-runs-compare"
      data-testid="nbversion-runs-compare"
      aria-label="Selected versions compared with the baseline"
    >
      <thead>
        <tr>
          <th scope="col">Version</th>
          {versions.map(v => (
            <th key={v.id} scope="col" data-version-id={v.id}>
              <div
                className="jp-nbversion-runs-compare-title"
                title={v.message ?? ''}
              >
                {v.message || '(no message)'}
              </div>
              <div className="jp-nbversion-runs-compare-sub">
                {v.branch ?? ''} · {v.id.slice(0, 10)}
              </div>
              <label className="jp-nbversion-runs-compare-sub">
                <input
                  type="radio"
                  name="nbversion-baseline"
                  checked={v.id === base?.id}
                  onChange={() => props.onBaseline(v.id)}
                />{' '}
                baseline
              </label>{' '}
              <button
                type="button"
                className="jp-nbversion-runs-unselect"
                aria-label={`Remove ${v.message || v.id.slice(0, 10)} from the comparison`}
                title="Remove from the comparison"
                onClick={() => props.onRemove(v.id)}
              >
                ×
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {metrics.map(m => (
          <tr key={`m:${m}`} data-metric={m}>
            <th scope="row">
              <span className="jp-nbversion-runs-kind">m</span>
              {m}
            </th>
            {versions.map(v => {
              const value = v.metrics?.[m];
              const d =
                v.id === base?.id ? '' : delta(value, base?.metrics?.[m]);
              return (
                <td key={v.id}>
                  {value === undefined ? '—' : formatValue(value)}
                  {d && (
                    <span
                      className={`jp-nbversion-delta${
                        d.startsWith('+')
                          ? ' jp-mod-up'
                          : d.startsWith('-')
                            ? ' jp-mod-down'
                            : ''
                      }`}
                      data-testid="nbversion-runs-delta"
                    >
                      {' '}
                      ({d})
                    </span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
        {params.map(p => (
          <tr key={`p:${p}`} data-param={p}>
            <th scope="row">
              <span className="jp-nbversion-runs-kind">p</span>
              {p}
            </th>
            {versions.map(v => {
              const value = v.params?.[p];
              const same =
                v.id !== base?.id &&
                JSON.stringify(value) === JSON.stringify(base?.params?.[p]);
              return (
                <td key={v.id} className={same ? 'jp-nbversion-muted' : ''}>
                  {value === undefined ? '—' : formatValue(value)}
                </td>
              );
            })}
          </tr>
        ))}
        <tr>
          <th scope="row">Time</th>
          {versions.map(v => (
            <td key={v.id}>{v.created ?? ''}</td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
