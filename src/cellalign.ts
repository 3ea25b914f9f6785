/**
 * Pairs the cells of two notebooks for the side-by-side Compare view: the same cell
 * (by its nbformat id, else by its source) in both versions shares a row; cells
 * only in one version stand alone. Pure, so the pairing does not depend on a DOM.
 */

/** The parts of an nbformat cell the pairing reads. */
export interface ICellLike {
  id?: string;
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
}

export type PairStatus = 'same' | 'modified' | 'added' | 'removed';

/** One row of the view: a cell before (`a`), after (`b`), or both. */
export interface ICellPair {
  a: number | null;
  b: number | null;
  status: PairStatus;
  /** Which parts differ (for `modified`). */
  source: boolean;
  outputs: boolean;
}

/** A cell's source as one string. */
export function sourceText(cell: ICellLike): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Outputs without what changes on every run (execution counts). */
function outputsKey(cell: ICellLike): string {
  return JSON.stringify(
    (cell.outputs ?? []).map(o => {
      const { execution_count: _count, ...rest } = o as Record<string, unknown>;
      void _count;
      return rest;
    })
  );
}

/** Index pairs of a longest common subsequence of `a` and `b` (by `same`). */
function lcs<T>(
  a: readonly T[],
  b: readonly T[],
  same: (x: T, y: T) => boolean
): [number, number][] {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) {
    // too big to compare all pairs: match equal cells position by position
    const out: [number, number][] = [];
    for (let i = 0; i < Math.min(n, m); i++) {
      if (same(a[i], b[i])) {
        out.push([i, i]);
      }
    }
    return out;
  }
  const table = Array.from({ length: n + 1 }, () =>
    new Uint32Array(m + 1).fill(0)
  );
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = same(a[i], b[j])
        ? table[i + 1][j + 1] + 1
        : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(a[i], b[j])) {
      out.push([i, j]);
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return out;
}

function pair(
  cellsA: readonly ICellLike[],
  cellsB: readonly ICellLike[],
  a: number | null,
  b: number | null
): ICellPair {
  if (a === null || b === null) {
    return {
      a,
      b,
      status: a === null ? 'added' : 'removed',
      source: true,
      outputs: true
    };
  }
  const ca = cellsA[a];
  const cb = cellsB[b];
  const source =
    sourceText(ca) !== sourceText(cb) || ca.cell_type !== cb.cell_type;
  const outputs = outputsKey(ca) !== outputsKey(cb);
  return {
    a,
    b,
    status: source || outputs ? 'modified' : 'same',
    source,
    outputs
  };
}

/**
 * The rows of the view, in notebook order. Cells are matched by id when both versions
 * have ids, else by equal source (then, between two matches, unmatched cells on both
 * sides are paired in order as "modified"); the rest are "added" or "removed".
 */
export function alignCells(
  cellsA: readonly ICellLike[],
  cellsB: readonly ICellLike[]
): ICellPair[] {
  const byId =
    cellsA.every(c => typeof c.id === 'string') &&
    cellsB.every(c => typeof c.id === 'string');
  const anchors = lcs(cellsA, cellsB, (x, y) =>
    byId
      ? x.id === y.id
      : x.cell_type === y.cell_type && sourceText(x) === sourceText(y)
  );
  const rows: ICellPair[] = [];
  let i = 0;
  let j = 0;
  for (const [ai, bj] of [
    ...anchors,
    [cellsA.length, cellsB.length] as [number, number]
  ]) {
    // the gap before this anchor: without ids, pair what is left on both sides in
    // order (an edited cell); with ids, a cell whose id is gone was removed
    while (!byId && i < ai && j < bj) {
      rows.push(pair(cellsA, cellsB, i++, j++));
    }
    while (i < ai) {
      rows.push(pair(cellsA, cellsB, i++, null));
    }
    while (j < bj) {
      rows.push(pair(cellsA, cellsB, null, j++));
    }
    if (ai < cellsA.length && bj < cellsB.length) {
      rows.push(pair(cellsA, cellsB, i++, j++));
    }
  }
  return rows;
}

/** For two texts' lines: which lines of each side are not in the other (an LCS). */
export function changedLines(
  before: string,
  after: string
): { a: boolean[]; b: boolean[] } {
  const la = before.split('\n');
  const lb = after.split('\n');
  const a = la.map(() => true);
  const b = lb.map(() => true);
  for (const [i, j] of lcs(la, lb, (x, y) => x === y)) {
    a[i] = false;
    b[j] = false;
  }
  return { a, b };
}
