import * as React from 'react';

import { fmt } from '../diffformat';
import { IVersionSummary } from '../tokens';

const H = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 44 };
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

/** Round tick values covering [lo, hi], about `count` of them. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    return [];
  }
  if (lo === hi) {
    return [lo];
  }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Number(t.toPrecision(12)));
  }
  return out;
}

/** A tick's label: at most four significant digits (0.9556, not 0.955555…), so the
 *  labels stay inside the axis margin and never run into the rotated axis title. */
export function tickLabel(t: number): string {
  const a = Math.abs(t);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) {
    return t.toExponential(1);
  }
  return String(Number(t.toPrecision(4)));
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
        {yTicks.map(t => (
          <g key={`y${t}`}>
            <line
              className="jp-nbversion-chart-grid"
              x1={PAD.left}
              x2={width - PAD.right}
              y1={yOf(t)}
              y2={yOf(t)}
            />
            <text
              className="jp-nbversion-chart-tick"
              x={PAD.left - 6}
              y={yOf(t) + 4}
              textAnchor="end"
            >
              {tickLabel(t)}
            </text>
          </g>
        ))}
        {xTicks.map(t => (
          <text
            key={`x${t}`}
            className="jp-nbversion-chart-tick"
            x={xOf(t - 1)}
            y={H - PAD.bottom + 16}
            textAnchor="middle"
          >
            {t}
          </text>
        ))}
        <line
          className="jp-nbversion-chart-axis"
          x1={PAD.left}
          x2={width - PAD.right}
          y1={H - PAD.bottom}
          y2={H - PAD.bottom}
        />
        <line
          className="jp-nbversion-chart-axis"
          x1={PAD.left}
          x2={PAD.left}
          y1={PAD.top}
          y2={H - PAD.bottom}
        />
        <text
          className="jp-nbversion-chart-title"
          x={PAD.left + innerW / 2}
          y={H - 6}
          textAnchor="middle"
        >
          version (oldest → newest)
        </text>
        <text
          className="jp-nbversion-chart-title"
          transform={`translate(14 ${PAD.top + innerH / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {metric}
        </text>
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
                    role="button"
                    tabIndex={0}
                    aria-label={label(p)}
                    onMouseEnter={() => setHover(p)}
                    onMouseLeave={() => setHover(null)}
                    onFocus={() => setHover(p)}
                    onBlur={() => setHover(null)}
                    onClick={() => props.onOpen(p.v.id)}
                    onKeyDown={e => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        props.onOpen(p.v.id);
                      }
                    }}
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
