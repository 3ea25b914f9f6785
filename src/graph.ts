/**
 * Lanes of the history graph, like `git log --graph`: for rows listed newest first,
 * which column each version's node sits in and which lines cross, end at or leave its
 * row. Pure (no DOM), so the sidebar and the Runs tab draw the same graph and the
 * layout is unit-tested on its own (tests/frontend/test_graph_layout.py).
 *
 * A lane is a column that waits for one version: the parent of the row that opened
 * it. A join (a version with two parents) opens or reuses a second lane for its
 * second parent, and a lane ends where the version it waits for is drawn. Freed
 * columns are reused by the next new lane, so the graph stays narrow.
 */

/** The minimum a row needs: its id and its parents (first parent first). */
export interface IGraphNode {
  id: string;
  parents: readonly string[];
  branch?: string | null;
}

/** A line in a column, tagged with the branch of the version that opened it. */
export interface ILaneLine {
  lane: number;
  branch: string | null;
}

/** A line leaving the node down to a lane; `join` marks a second (or later) parent. */
export interface IOutEdge extends ILaneLine {
  join: boolean;
  /** The parent it leads to. */
  parent: string;
}

/** What one row draws. */
export interface IGraphRow {
  id: string;
  /** Column of the version's node. */
  lane: number;
  /** Lines passing straight through the row (other versions' lanes). */
  through: ILaneLine[];
  /** Lines from above that end at the node (children's lanes waiting for it). */
  into: ILaneLine[];
  /** Lines from the node down to its parents' lanes. */
  out: IOutEdge[];
  /** Columns the row uses (its SVG's width in lanes). */
  width: number;
}

export interface IGraphOptions {
  /**
   * Every version that can still appear below is listed (no more pages to load).
   * Then a parent that is not listed (pruned, filtered out) ends its lane at once;
   * otherwise the lane runs on to the bottom, waiting for a later page.
   */
  complete?: boolean;
  /**
   * Versions left out of the list (e.g. hidden undo points) with their parents: a
   * listed version whose parent is hidden is drawn linked to the hidden one's parents.
   */
  hidden?: ReadonlyMap<string, readonly string[]>;
}

/** Parents of `node` with hidden versions replaced by their own parents (no repeats). */
function visibleParents(
  parents: readonly string[],
  hidden: ReadonlyMap<string, readonly string[]> | undefined
): string[] {
  if (!hidden || hidden.size === 0) {
    return [...new Set(parents)];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [...parents].reverse();
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    const up = hidden.get(id);
    if (up) {
      stack.push(...[...up].reverse());
    } else {
      out.push(id);
    }
  }
  return out;
}

/** The graph rows of `nodes`, listed newest first (children before parents). */
export function layoutGraph(
  nodes: readonly IGraphNode[],
  options: IGraphOptions = {}
): IGraphRow[] {
  const listed = new Set(nodes.map(n => n.id));
  // lanes[i]: the version column i waits for, and the branch that opened it
  const lanes: ({ wait: string; branch: string | null } | null)[] = [];
  const free = (): number => {
    const i = lanes.indexOf(null);
    return i < 0 ? lanes.length : i;
  };
  const rows: IGraphRow[] = [];
  for (const node of nodes) {
    const branch = node.branch ?? null;
    const waiting: number[] = [];
    lanes.forEach((l, i) => l?.wait === node.id && waiting.push(i));
    const lane = waiting.length ? waiting[0] : free();
    const into = waiting.map(i => ({ lane: i, branch: lanes[i]!.branch }));
    for (const i of waiting) {
      lanes[i] = null;
    }
    const through: ILaneLine[] = [];
    lanes.forEach(
      (l, i) => l && i !== lane && through.push({ lane: i, branch: l.branch })
    );
    const parents = visibleParents(node.parents, options.hidden).filter(
      p => listed.has(p) || !options.complete
    );
    const out: IOutEdge[] = [];
    parents.forEach((parent, k) => {
      let target = lanes.findIndex(l => l?.wait === parent);
      if (target < 0) {
        target = k === 0 && lanes[lane] === null ? lane : free();
        lanes[target] = { wait: parent, branch };
      }
      out.push({ lane: target, branch, join: k > 0, parent });
    });
    let width = lane + 1;
    for (const l of [...through, ...into, ...out]) {
      width = Math.max(width, l.lane + 1);
    }
    rows.push({ id: node.id, lane, through, into, out, width });
    while (lanes.length && lanes[lanes.length - 1] === null) {
      lanes.pop();
    }
  }
  return rows;
}

/** The widest row of a graph (how many lanes its column must fit). */
export function graphWidth(rows: readonly IGraphRow[]): number {
  return rows.reduce((w, r) => Math.max(w, r.width), 1);
}
