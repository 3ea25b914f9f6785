import * as React from 'react';

/** Margins around the plot area, shared by the Runs tab's charts. */
export const PAD = { left: 64, right: 16, top: 16, bottom: 44 };

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

/**
 * What makes a chart's data point a control, the same in both Runs charts: a button in
 * the tab order, labelled with its run; hover or focus shows it, click or Enter (Space)
 * opens it.
 */
export function pointControl<T>(
  item: T,
  label: string,
  setHover: (item: T | null) => void,
  open: () => void
): React.SVGProps<SVGCircleElement> {
  return {
    role: 'button',
    tabIndex: 0,
    'aria-label': label,
    onMouseEnter: () => setHover(item),
    onMouseLeave: () => setHover(null),
    onFocus: () => setHover(item),
    onBlur: () => setHover(null),
    onClick: open,
    onKeyDown: e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    }
  };
}

export interface IChartFrameProps {
  width: number;
  height: number;
  yTicks: readonly number[];
  yOf: (value: number) => number;
  xTicks: readonly number[];
  xOf: (value: number) => number;
  /** Label of an x tick (default: {@link tickLabel}). */
  xLabel?: (value: number) => string;
  /** Vertical grid lines at the x ticks (a scatter has them; a series over time not). */
  xGrid?: boolean;
  xTitle: string;
  yTitle: string;
}

/**
 * The frame both Runs charts draw their data into: horizontal grid lines with y tick
 * labels, x tick labels (and optionally vertical grid lines), the two axes and their
 * titles. One place, so the line chart and the scatter cannot drift apart in look or
 * in the fixes their labels needed.
 */
export function ChartFrame(props: IChartFrameProps): JSX.Element {
  const { width, height: H, yTicks, yOf, xTicks, xOf } = props;
  const innerW = width - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const xLabel = props.xLabel ?? tickLabel;
  return (
    <>
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
        <g key={`x${t}`}>
          {props.xGrid && (
            <line
              className="jp-nbversion-chart-grid"
              x1={xOf(t)}
              x2={xOf(t)}
              y1={PAD.top}
              y2={H - PAD.bottom}
            />
          )}
          <text
            className="jp-nbversion-chart-tick"
            x={xOf(t)}
            y={H - PAD.bottom + 16}
            textAnchor="middle"
          >
            {xLabel(t)}
          </text>
        </g>
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
        {props.xTitle}
      </text>
      <text
        className="jp-nbversion-chart-title"
        transform={`translate(14 ${PAD.top + innerH / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {props.yTitle}
      </text>
    </>
  );
}
