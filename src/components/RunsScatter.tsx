import * as React from 'react';

import { fmt } from '../diffformat';
import { IVersionSummary } from '../tokens';
import { ChartFrame, PAD, pointControl, ticks } from './ChartFrame';

const H = 260;
/** Colours per branch, picked in turn (the line chart's classes: same branch, same colour). */
const COLOURS = 8;

interface IDot {
  v: IVersionSummary;
  px: number;
  py: number;
  x: number;
  y: number;
}

export interface IRunsScatterProps {
  versions: readonly IVersionSummary[];
  /** The numeric param on the x axis, and the names offered. */
  param: string;
  params: string[];
  /** The metric on the y axis (the line chart's). */
  metric: string;
  /** Series names in colour order (shared with the line chart). */
  branches: string[];
  /** The series (colour) of a version: its branch, or notebook · branch. */
  seriesOf: (v: IVersionSummary) => string;
  highlighted: readonly string[];
  focused: string | null;
  onParam(name: string): void;
  onOpen(id: string): void;
}

/** The [lo, hi] an axis shows: the values' range padded by 8 % (a lone value: ±8 %). */
function domain(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return [lo - pad, hi + pad];
}

/**
 * A param against a metric: one point per version that recorded both, coloured by
 * branch, with axes and ticks; hover (or focus) shows the run, click or Enter opens it.
 */
export function RunsScatter(props: IRunsScatterProps): JSX.Element {
  const { param, metric } = props;
  const box = React.useRef<HTMLDivElement>(null);
  const [width, setWidth] = React.useState(640);
  const [hover, setHover] = React.useState<IDot | null>(null);

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

  const usable = props.versions.filter(
    v =>
      typeof v.params?.[param] === 'number' &&
      Number.isFinite(v.params[param]) &&
      typeof v.metrics?.[metric] === 'number' &&
      Number.isFinite(v.metrics[metric])
  );
  const xs = usable.map(v => v.params[param] as number);
  const ys = usable.map(v => v.metrics[metric] as number);
  const [xLo, xHi] = xs.length ? domain(xs) : [0, 1];
  const [yLo, yHi] = ys.length ? domain(ys) : [0, 1];
  const innerW = width - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const xOf = (x: number) => PAD.left + ((x - xLo) / (xHi - xLo)) * innerW;
  const yOf = (y: number) =>
    PAD.top + innerH - ((y - yLo) / (yHi - yLo)) * innerH;
  const dots: IDot[] = usable.map((v, i) => ({
    v,
    px: xs[i],
    py: ys[i],
    x: xOf(xs[i]),
    y: yOf(ys[i])
  }));
  const colour = (b: string) => {
    const i = props.branches.indexOf(b);
    return `jp-nbversion-series-${(i < 0 ? 0 : i) % COLOURS}`;
  };
  const seen = [...new Set(usable.map(v => props.seriesOf(v)))].sort(
    (a, b) => props.branches.indexOf(a) - props.branches.indexOf(b)
  );
  const xTicks = xs.length ? ticks(Math.min(...xs), Math.max(...xs)) : [];
  const yTicks = ys.length ? ticks(Math.min(...ys), Math.max(...ys)) : [];
  const n = dots.length;
  const label = (d: IDot) =>
    `${d.v.message || '(no message)'} · ${d.v.branch ?? ''} · ${param} ${fmt(d.px)}, ${metric} ${fmt(d.py)} · ${d.v.id.slice(0, 10)}`;

  return (
    <div className="jp-nbversion-runs-chart" ref={box}>
      <div className="jp-nbversion-runs-chartbar">
        <label>
          Param{' '}
          <select
            className="jp-mod-styled"
            aria-label="Param of the scatter"
            value={param}
            onChange={e => props.onParam(e.target.value)}
          >
            {props.params.map(p => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <span>against {metric}</span>
        <span className="jp-nbversion-runs-legend" aria-label="Branches">
          {seen.map(b => (
            <span key={b} className="jp-nbversion-runs-legend-item">
              <span className={`jp-nbversion-runs-dot ${colour(b)}`} />
              {b}
            </span>
          ))}
        </span>
      </div>
      <svg
        width={width}
        height={H}
        role="group"
        aria-label={`${metric} against ${param}, ${n} versions, coloured by branch`}
        data-testid="nbversion-runs-scatter"
      >
        <ChartFrame
          width={width}
          height={H}
          yTicks={yTicks}
          yOf={yOf}
          xTicks={xTicks}
          xOf={xOf}
          xGrid
          xTitle={`${param} (param)`}
          yTitle={metric}
        />
        {dots.map(d => {
          const big =
            props.highlighted.includes(d.v.id) || props.focused === d.v.id;
          return (
            <circle
              key={d.v.id}
              className={`jp-nbversion-chart-point ${colour(props.seriesOf(d.v))}${big ? ' jp-mod-active' : ''}`}
              data-testid="nbversion-runs-scatter-point"
              data-version-id={d.v.id}
              data-branch={d.v.branch ?? ''}
              cx={d.x}
              cy={d.y}
              r={big ? 6 : n > 200 ? 3 : 4.5}
              {...pointControl(d, label(d), setHover, () =>
                props.onOpen(d.v.id)
              )}
            />
          );
        })}
      </svg>
      {n === 0 && (
        <p className="jp-nbversion-muted">
          No listed version recorded both {param} and {metric}.
        </p>
      )}
      {hover && (
        <div
          className="jp-nbversion-chart-tooltip"
          role="tooltip"
          data-testid="nbversion-runs-scatter-tooltip"
          style={{
            left: Math.min(hover.x + 10, width - 220),
            top: Math.max(0, hover.y - 8)
          }}
        >
          <strong>
            {param} = {fmt(hover.px)}, {metric} = {fmt(hover.py)}
          </strong>
          <div>{hover.v.message || '(no message)'}</div>
          <div>
            {hover.v.branch ?? ''}
            {hover.v.notebook_path ? ` · ${hover.v.notebook_path}` : ''} ·{' '}
            {hover.v.id.slice(0, 10)}
          </div>
        </div>
      )}
    </div>
  );
}
