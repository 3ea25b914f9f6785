import * as React from 'react';

import { fmt } from '../diffformat';
import { IVersionSummary } from '../tokens';
import { ChartFrame, PAD, pointControl, ticks } from './ChartFrame';

const H = 260;
/** Lines per branch, picked in turn (distinct in both themes, AA against the plot). */
const COLOURS = 8;

interface IPoint {
  v: IVersionSummary;
  value: number;
  /** Position in time order over every plotted version (the x axis). */
  index: number;
  x: number;
  y: number;
}

/** Points stay this far inside the axes (none drawn on an axis line). */
const INSET = 12;

export interface IRunsChartProps {
  versions: readonly IVersionSummary[];
  metric: string;
  metrics: string[];
  /** Ids drawn larger (the selection). */
  highlighted: readonly string[];
  focused: string | null;
  /** Branch names in colour order (shared with the scatter); default: sorted. */
  branches?: string[];
  /** The series (line) of a version; default: its branch. */
  seriesOf?: (v: IVersionSummary) => string;
  onMetric(name: string): void;
  onOpen(id: string): void;
}

/**
 * One metric over versions, oldest on the left, one line per branch, with axes, ticks,
 * a legend, a tooltip on hover and click (or Enter) to open a version.
 */
export function RunsChart(props: IRunsChartProps): JSX.Element {
  const { metric } = props;
  const box = React.useRef<HTMLDivElement>(null);
  const [width, setWidth] = React.useState(640);
  const [hover, setHover] = React.useState<IPoint | null>(null);

  React.useEffect(() => {
    const el = box.current;
    if (!el) {
      return;
    }
    const observer = new ResizeObserver(() =>
      setWidth(Math.max(320, el.clientWidth))
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const withValue = props.versions
    .filter(v => typeof v.metrics?.[metric] === 'number')
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''));
  const values = withValue.map(v => v.metrics[metric] as number);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  const yLo = lo - pad;
  const yHi = hi + pad;
  const innerW = width - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = withValue.length;
  const xOf = (i: number) =>
    PAD.left +
    (n > 1 ? INSET + (i / (n - 1)) * (innerW - 2 * INSET) : innerW / 2);
  const yOf = (value: number) =>
    PAD.top + innerH - ((value - yLo) / (yHi - yLo)) * innerH;

  const byBranch = new Map<string, IPoint[]>();
  withValue.forEach((v, index) => {
    const value = v.metrics[metric] as number;
    const point = { v, value, index, x: xOf(index), y: yOf(value) };
    const branch = props.seriesOf ? props.seriesOf(v) : (v.branch ?? '(none)');
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), point]);
  });
  const order = props.branches ?? [...byBranch.keys()].sort();
  const branches = order.filter(b => byBranch.has(b));
  const colour = (b: string) =>
    `jp-nbversion-series-${Math.max(0, order.indexOf(b)) % COLOURS}`;
  const yTicks = ticks(lo, hi);
  const xTicks =
    n > 1 ? ticks(1, n, Math.min(8, n - 1)).filter(Number.isInteger) : [1];
  const label = (p: IPoint) =>
    `${p.v.message || '(no message)'} · ${p.v.branch ?? ''} · ${metric} ${fmt(p.value)} · ${p.v.id.slice(0, 10)}`;

  return (
    <div className="jp-nbversion-runs-chart" ref={box}>
      <div className="jp-nbversion-runs-chartbar">
        <label>
          Metric{' '}
          <select
            className="jp-mod-styled"
            aria-label="Metric to chart"
            value={metric}
            onChange={e => props.onMetric(e.target.value)}
          >
            {props.metrics.map(m => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <span className="jp-nbversion-runs-legend" aria-label="Branches">
          {branches.map(b => (
            <span key={b} className="jp-nbversion-runs-legend-item">
              <span className={`jp-nbversion-runs-swatch ${colour(b)}`} />
              {b}
            </span>
          ))}
        </span>
      </div>
      <svg
        width={width}
        height={H}
        role="group"
        aria-label={`${metric} over ${n} versions, oldest to newest, one line per branch`}
        data-testid="nbversion-runs-chart"
      >
        <ChartFrame
          width={width}
          height={H}
          yTicks={yTicks}
          yOf={yOf}
          xTicks={xTicks}
          xOf={t => xOf(t - 1)}
          xLabel={String}
          xTitle="version (oldest → newest)"
          yTitle={metric}
        />
        {branches.map(b => {
          const pts = byBranch.get(b)!;
          return (
            <g key={b} className={colour(b)} data-branch={b}>
              <polyline
                className="jp-nbversion-chart-line"
                points={pts.map(p => `${p.x},${p.y}`).join(' ')}
              />
              {pts.map(p => {
                const big =
                  props.highlighted.includes(p.v.id) ||
                  props.focused === p.v.id;
                return (
                  <circle
                    key={p.v.id}
                    className={`jp-nbversion-chart-point${big ? ' jp-mod-active' : ''}`}
                    data-testid="nbversion-runs-point"
                    data-version-id={p.v.id}
                    cx={p.x}
                    cy={p.y}
                    r={big ? 6 : n > 200 ? 2.5 : 4}
                    {...pointControl(p, label(p), setHover, () =>
                      props.onOpen(p.v.id)
                    )}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      {hover && (
        <div
          className="jp-nbversion-chart-tooltip"
          role="tooltip"
          data-testid="nbversion-runs-tooltip"
          style={{
            left: Math.min(hover.x + 10, width - 220),
            top: Math.max(0, hover.y - 8)
          }}
        >
          <strong>
            {metric} = {fmt(hover.value)}
          </strong>
          <div>{hover.v.message || '(no message)'}</div>
          <div>
            {hover.v.branch ?? ''} · #{hover.index + 1} ·{' '}
            {hover.v.id.slice(0, 10)}
          </div>
        </div>
      )}
    </div>
  );
}
