import * as React from 'react';

import { fmt } from '../diffformat';
import { VersionsModel } from '../model';
import { IVersionSummary } from '../tokens';

const W = 260;
const H = 110;
const PAD = { left: 40, right: 10, top: 10, bottom: 18 };
/** Space between the y axis and the first point. */
const INSET = 10;

/** Names of the numeric metrics recorded by any of the versions, sorted. */
export function metricNames(versions: readonly IVersionSummary[]): string[] {
  const names = new Set<string>();
  for (const v of versions) {
    for (const [k, value] of Object.entries(v.metrics ?? {})) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        names.add(k);
      }
    }
  }
  return [...names].sort();
}

interface IPoint {
  v: IVersionSummary;
  value: number;
  x: number;
  y: number;
}

/** The versions with a value for `metric`, oldest → newest, placed in the plot. */
function layout(versions: IVersionSummary[], metric: string): IPoint[] {
  const withValue = versions
    .filter(v => typeof v.metrics?.[metric] === 'number')
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''));
  const values = withValue.map(v => v.metrics[metric] as number);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const innerW = W - PAD.left - PAD.right - INSET;
  const innerH = H - PAD.top - PAD.bottom;
  const step = withValue.length > 1 ? innerW / (withValue.length - 1) : 0;
  return withValue.map((v, i) => {
    const value = v.metrics[metric] as number;
    return {
      v,
      value,
      x: PAD.left + INSET + (withValue.length > 1 ? i * step : innerW / 2),
      y:
        PAD.top +
        innerH -
        ((value - (hi === lo ? lo - span / 2 : lo)) / span) * innerH
    };
  });
}

/** The points with the lowest and the highest value (one when they are equal). */
function extremes(points: IPoint[]): IPoint[] {
  const lo = points.reduce((a, b) => (b.value < a.value ? b : a));
  const hi = points.reduce((a, b) => (b.value > a.value ? b : a));
  return lo.value === hi.value ? [hi] : [lo, hi];
}

/**
 * A chart of one metric across the loaded versions (current branch or all), inline
 * SVG. Clicking a point expands that version's row and scrolls to it.
 */
export function MetricsPlot(props: {
  model: VersionsModel;
}): JSX.Element | null {
  const { model } = props;
  const [open, setOpen] = React.useState(false);
  const [allBranches, setAllBranches] = React.useState(false);
  const [chosen, setChosen] = React.useState<string | null>(null);
  const ref = React.useRef<HTMLDetailsElement>(null);
  const versions = model.versions.filter(
    v =>
      allBranches || (v.branch ?? model.currentBranch) === model.currentBranch
  );
  const names = metricNames(versions);
  const metric = chosen && names.includes(chosen) ? chosen : (names[0] ?? null);
  const points = metric ? layout(versions, metric) : [];

  const reveal = (id: string) => {
    model.reveal(id);
    requestAnimationFrame(() => {
      const body = ref.current?.closest('.jp-nbversion-body');
      const row = body?.querySelector(`[data-version-id="${id}"]`);
      row?.scrollIntoView({ block: 'nearest' });
    });
  };
  const label = (p: IPoint) =>
    `${p.v.message || '(no message)'}: ${metric} ${fmt(p.value)}`;

  return (
    <details
      ref={ref}
      className="jp-nbversion-metrics"
      open={open}
      onToggle={e => setOpen(e.currentTarget.open)}
    >
      <summary>Metrics{names.length ? ` (${names.length})` : ''}</summary>
      <div className="jp-nbversion-metrics-bar">
        <select
          className="jp-mod-styled"
          aria-label="Metric to plot"
          title="Metric to plot"
          value={metric ?? ''}
          disabled={!names.length}
          onChange={e => setChosen(e.target.value)}
        >
          {names.map(n => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label title="Plot the versions of every branch">
          <input
            type="checkbox"
            aria-label="All branches"
            checked={allBranches}
            onChange={e => setAllBranches(e.target.checked)}
          />{' '}
          All branches
        </label>
      </div>
      {points.length === 0 ? (
        <p className="jp-nbversion-muted">
          No metrics in the loaded versions
          {allBranches ? '' : ` of ${model.currentBranch}`}.
        </p>
      ) : (
        <svg
          className="jp-nbversion-plot"
          viewBox={`0 0 ${W} ${H}`}
          role="group"
          aria-label={`${metric} across versions, oldest to newest`}
          data-testid="nbversion-metrics-plot"
        >
          <line
            className="jp-nbversion-plot-axis"
            x1={PAD.left}
            y1={H - PAD.bottom}
            x2={W - PAD.right}
            y2={H - PAD.bottom}
          />
          <line
            className="jp-nbversion-plot-axis"
            x1={PAD.left}
            y1={PAD.top}
            x2={PAD.left}
            y2={H - PAD.bottom}
          />
          {extremes(points).map(p => (
            <text
              key={p.v.id}
              className="jp-nbversion-plot-label"
              x={PAD.left - 4}
              y={p.y + 3}
              textAnchor="end"
            >
              {fmt(p.value)}
            </text>
          ))}
          <text
            className="jp-nbversion-plot-label"
            x={W - PAD.right}
            y={H - 4}
            textAnchor="end"
          >
            oldest → newest
          </text>
          <polyline
            className="jp-nbversion-plot-line"
            points={points.map(p => `${p.x},${p.y}`).join(' ')}
          />
          {points.map(p => (
            <circle
              key={p.v.id}
              className={`jp-nbversion-plot-point${
                model.expanded === p.v.id ? ' jp-mod-active' : ''
              }`}
              data-testid="nbversion-metric-point"
              data-version-id={p.v.id}
              cx={p.x}
              cy={p.y}
              r={4}
              role="button"
              tabIndex={0}
              aria-label={label(p)}
              onClick={() => reveal(p.v.id)}
              onKeyDown={e => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  reveal(p.v.id);
                }
              }}
            >
              <title>{label(p)}</title>
            </circle>
          ))}
        </svg>
      )}
    </details>
  );
}
