import * as React from 'react';

import { graphWidth, layoutGraph } from '../graph';
import { ColumnKey, IColumn, cellValue } from '../runs';
import { IVersionSummary } from '../tokens';
import { formatValue, relativeTime } from './format';
import { GraphCell, graphPixels } from './GraphCell';
import { UNDO_BRANCH } from './VersionRow';

/** Height of one row in pixels (rows are virtualized: only those in view render). */
export const ROW_HEIGHT = 28;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 10;
/** Fixed column widths (px), so the header and every row line up; params/metrics: 100. */
const WIDTHS: Partial<Record<ColumnKey, number>> = {
  notebook: 160,
  branch: 130,
  tags: 110,
  author: 150,
  created: 110,
  message: 300
};

function cellText(v: IVersionSummary, key: ColumnKey): string {
  const value = cellValue(v, key);
  if (value === undefined || value === null) {
    return '';
  }
  if (key === 'created') {
    return relativeTime(v.created);
  }
  return formatValue(value);
}

export interface IRunsTableProps {
  rows: readonly IVersionSummary[];
  columns: IColumn[];
  sortKey: ColumnKey;
  sortDir: 1 | -1;
  selected: readonly string[];
  focused: string | null;
  /** Branch heads (`refs.branches` values) get a "head" mark. */
  heads: ReadonlySet<string>;
  onSort(key: ColumnKey): void;
  onToggle(id: string): void;
}

/**
 * The runs as a grid: a sticky header (click to sort), a checkbox per row, and only the
 * rows in view rendered, so 100,000 versions scroll as fast as 100.
 */
export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { rows, columns, selected } = props;
  const scroller = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [height, setHeight] = React.useState(600);

  React.useEffect(() => {
    const el = scroller.current;
    if (!el) {
      return;
    }
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  React.useEffect(() => {
    // a point clicked in the chart: bring its row into view
    const el = scroller.current;
    const index = props.focused
      ? rows.findIndex(v => v.id === props.focused)
      : -1;
    if (el && index >= 0) {
      const top = index * ROW_HEIGHT;
      if (
        top < el.scrollTop ||
        top > el.scrollTop + el.clientHeight - 2 * ROW_HEIGHT
      ) {
        el.scrollTop = Math.max(0, top - el.clientHeight / 3);
      }
    }
  }, [props.focused]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(
    rows.length,
    Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN
  );
  // the history graph, while rows are in history order (newest first)
  const showGraph = props.sortKey === 'created' && props.sortDir === -1;
  const graph = React.useMemo(() => {
    if (!showGraph) {
      return null;
    }
    const laid = layoutGraph(rows, { complete: true });
    return { rows: laid, lanes: Math.min(graphWidth(laid), 24) };
  }, [rows, showGraph]);
  const graphPx = graph ? graphPixels(graph.lanes) : 0;
  const widths = columns.map(c => WIDTHS[c.key] ?? 100);
  const template = `32px ${graph ? `${graphPx}px ` : ''}${widths
    .map(w => `${w}px`)
    .join(' ')}`;
  const rowWidth = 32 + graphPx + widths.reduce((a, b) => a + b, 0);

  return (
    <div
      className="jp-nbversion-runs-grid"
      role="grid"
      aria-rowcount={rows.length + 1}
      aria-label="Versions of the notebook"
      data-testid="nbversion-runs-table"
    >
      <div
        className="jp-nbversion-runs-scroll"
        ref={scroller}
        onScroll={e => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div
          className="jp-nbversion-runs-head"
          role="row"
          aria-rowindex={1}
          style={{ gridTemplateColumns: template, width: rowWidth }}
        >
          <span role="columnheader" className="jp-nbversion-runs-th">
            <span className="jp-nbversion-sr-only">Selected</span>
          </span>
          {graph && (
            <span
              role="columnheader"
              className="jp-nbversion-runs-th jp-mod-graph"
              title="History graph: lanes of branches, joins where they meet"
            >
              <span className="jp-nbversion-sr-only">Graph</span>
            </span>
          )}
          {columns.map(c => {
            const sorted = props.sortKey === c.key;
            return (
              <span
                key={c.key}
                role="columnheader"
                aria-sort={
                  sorted
                    ? props.sortDir === 1
                      ? 'ascending'
                      : 'descending'
                    : 'none'
                }
                className={`jp-nbversion-runs-th jp-mod-${c.kind}`}
              >
                <button
                  type="button"
                  className="jp-nbversion-runs-sort"
                  title={`Sort by ${c.label}${c.kind === 'field' ? '' : ` (${c.kind})`}`}
                  data-testid="nbversion-runs-sort"
                  data-column={c.key}
                  onClick={() => props.onSort(c.key)}
                >
                  {c.kind !== 'field' && (
                    <span className="jp-nbversion-runs-kind">
                      {c.kind === 'param' ? 'p' : 'm'}
                    </span>
                  )}
                  {c.label}
                  {sorted ? (props.sortDir === 1 ? ' ▲' : ' ▼') : ''}
                </button>
              </span>
            );
          })}
        </div>
        <div
          className="jp-nbversion-runs-rows"
          style={{ height: rows.length * ROW_HEIGHT, width: rowWidth }}
        >
          {rows.slice(first, last).map((v, i) => {
            const index = first + i;
            const isSelected = selected.includes(v.id);
            const label = v.message || '(no message)';
            return (
              <div
                key={v.id}
                role="row"
                aria-rowindex={index + 2}
                aria-selected={isSelected}
                data-testid="nbversion-runs-row"
                data-version-id={v.id}
                className={`jp-nbversion-runs-row${isSelected ? ' jp-mod-selected' : ''}${
                  props.focused === v.id ? ' jp-mod-focused' : ''
                }${v.branch === UNDO_BRANCH ? ' jp-mod-undo' : ''}`}
                style={{
                  top: index * ROW_HEIGHT,
                  height: ROW_HEIGHT,
                  width: rowWidth,
                  gridTemplateColumns: template
                }}
                onClick={e => {
                  if (!(e.target instanceof HTMLInputElement)) {
                    props.onToggle(v.id);
                  }
                }}
              >
                <span role="gridcell" className="jp-nbversion-runs-td">
                  <input
                    type="checkbox"
                    aria-label={`Select ${label}`}
                    checked={isSelected}
                    onChange={() => props.onToggle(v.id)}
                  />
                </span>
                {graph && (
                  <span
                    role="gridcell"
                    className="jp-nbversion-runs-td jp-mod-graph"
                  >
                    <GraphCell
                      row={graph.rows[index]}
                      lanes={graph.lanes}
                      nodeY={ROW_HEIGHT / 2}
                      branch={v.branch}
                      undo={v.branch === UNDO_BRANCH}
                    />
                  </span>
                )}
                {columns.map(c => {
                  const text = cellText(v, c.key);
                  return (
                    <span
                      key={c.key}
                      role="gridcell"
                      className={`jp-nbversion-runs-td jp-mod-${c.kind}`}
                      title={c.key === 'created' ? (v.created ?? '') : text}
                    >
                      {c.key === 'branch' && props.heads.has(v.id) ? (
                        <>
                          {text}{' '}
                          <span className="jp-nbversion-runs-head-mark">
                            head
                          </span>
                        </>
                      ) : (
                        text
                      )}
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
