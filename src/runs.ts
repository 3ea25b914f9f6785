/**
 * The Runs tab's model: every version of one notebook as a row, with sorting, filtering,
 * column choice, a selection to compare and chart. Components render it; only this
 * model (through api.ts) talks to the server.
 */
import { ISignal, Signal } from '@lumino/signaling';

import * as api from './api';
import { IRefs, IVersionSummary } from './tokens';

/** Rows asked for per request (the server's largest page). */
export const RUNS_PAGE = 1000;

/** A column of the table: a fixed field, or one param or metric. */
export type ColumnKey =
  | 'notebook'
  | 'branch'
  | 'tags'
  | 'author'
  | 'created'
  | 'message'
  | `param:${string}`
  | `metric:${string}`;

export interface IColumn {
  key: ColumnKey;
  label: string;
  kind: 'field' | 'param' | 'metric';
}

/** Which versions the tab lists: its notebook's, or every notebook's in the project. */
export type RunsScope = 'notebook' | 'project';

const NOTEBOOK: IColumn = { key: 'notebook', label: 'Notebook', kind: 'field' };

const FIELDS: IColumn[] = [
  { key: 'branch', label: 'Branch', kind: 'field' },
  { key: 'tags', label: 'Tags', kind: 'field' },
  { key: 'author', label: 'Author', kind: 'field' },
  { key: 'created', label: 'Time', kind: 'field' },
  { key: 'message', label: 'Message', kind: 'field' }
];

/** The value a row shows (and sorts by) in a column. */
export function cellValue(v: IVersionSummary, key: ColumnKey): unknown {
  switch (key) {
    case 'notebook':
      return v.notebook_path ?? '';
    case 'branch':
      return v.branch ?? '';
    case 'tags':
      return v.tags.join(', ');
    case 'author':
      return v.author?.name ?? '';
    case 'created':
      return v.created ?? '';
    case 'message':
      return v.message ?? '';
  }
  if (key.startsWith('param:')) {
    return v.params?.[key.slice(6)];
  }
  return v.metrics?.[key.slice(7)];
}

/** Numbers before strings, missing values last, in either direction. */
function compareValues(a: unknown, b: unknown, dir: 1 | -1): number {
  const missA = a === undefined || a === null || a === '';
  const missB = b === undefined || b === null || b === '';
  if (missA || missB) {
    return missA === missB ? 0 : missA ? 1 : -1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return (a - b) * dir;
  }
  if (typeof a === 'number') {
    return -1;
  }
  if (typeof b === 'number') {
    return 1;
  }
  return String(a).localeCompare(String(b)) * dir;
}

/** The text a filter looks in: message, branch, tags, author, id, params and metrics. */
function haystack(v: IVersionSummary): string {
  const kv = (o: Record<string, unknown>) =>
    Object.entries(o ?? {})
      .map(([k, x]) => `${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`)
      .join(' ');
  return [
    v.id,
    v.message ?? '',
    v.notebook_path ?? '',
    v.branch ?? '',
    v.tags.join(' '),
    v.author?.name ?? '',
    kv(v.params),
    kv(v.metrics)
  ]
    .join(' ')
    .toLowerCase();
}

export class RunsModel {
  constructor(readonly path: string) {}

  /** Emitted on any state change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): string | null {
    return this._error;
  }
  get total(): number {
    return this._all.length;
  }
  get refs(): IRefs | null {
    return this._refs;
  }
  /** Milliseconds the last load took (every page). */
  get loadMs(): number {
    return this._loadMs;
  }
  get filter(): string {
    return this._filter;
  }
  get sortKey(): ColumnKey {
    return this._sortKey;
  }
  get sortDir(): 1 | -1 {
    return this._sortDir;
  }
  get selected(): readonly string[] {
    return this._selected;
  }
  /** The row compared against (the first selected one unless chosen). */
  get baseline(): string | null {
    if (this._baseline && this._selected.includes(this._baseline)) {
      return this._baseline;
    }
    return this._selected[0] ?? null;
  }
  /** The row last opened from the chart (highlighted and scrolled to). */
  get focused(): string | null {
    return this._focused;
  }
  /** Whether the tab lists this notebook's versions or every notebook's. */
  get scope(): RunsScope {
    return this._scope;
  }
  /** The param the scatter plots against the chart's metric. */
  get chartParam(): string | null {
    const names = this.paramNames;
    if (this._chartParam && names.includes(this._chartParam)) {
      return this._chartParam;
    }
    return names[0] ?? null;
  }
  /**
   * The chart series a version belongs to: its branch, or with every notebook listed,
   * notebook and branch (two notebooks' `main` are not one line).
   */
  seriesOf(v: IVersionSummary): string {
    const branch = v.branch ?? '(none)';
    return this._scope === 'project'
      ? `${v.notebook_path ?? '?'} · ${branch}`
      : branch;
  }
  /** Every series of the listed versions, sorted: the charts' colour order. */
  get branchNames(): string[] {
    this._derive();
    return this._branchNames;
  }
  /** Names of numeric params any version recorded (the scatter's x axis). */
  get paramNames(): string[] {
    this._derive();
    return this._paramNames;
  }
  get chartMetric(): string | null {
    const names = this.metricNames;
    if (this._chartMetric && names.includes(this._chartMetric)) {
      return this._chartMetric;
    }
    return names[0] ?? null;
  }

  /** Every column: the fixed fields, then params and metrics by name. */
  get columns(): readonly IColumn[] {
    this._derive();
    return this._columns;
  }
  /** The columns shown (all unless hidden in the chooser). */
  get visibleColumns(): IColumn[] {
    return this.columns.filter(c => !this._hidden.has(c.key));
  }
  isHidden(key: ColumnKey): boolean {
    return this._hidden.has(key);
  }
  /** Names of numeric metrics any version recorded. */
  get metricNames(): string[] {
    this._derive();
    return this._metricNames;
  }
  /** The rows that pass the filter, in the chosen order. */
  get view(): readonly IVersionSummary[] {
    this._derive();
    return this._view;
  }
  version(id: string): IVersionSummary | undefined {
    return this._byId.get(id);
  }
  /** Selected rows in selection order. */
  get selectedVersions(): IVersionSummary[] {
    return this._selected
      .map(id => this._byId.get(id))
      .filter((v): v is IVersionSummary => v !== undefined);
  }

  /** Load every version: the first page says how many, the rest come in parallel. */
  async load(): Promise<void> {
    const ticket = ++this._ticket;
    const started = performance.now();
    this._loading = true;
    this._changed.emit();
    try {
      const path = this._scope === 'project' ? null : this.path;
      const first = await api.listVersions(path, {
        offset: 0,
        limit: RUNS_PAGE
      });
      const pages = [first.versions];
      const more: Promise<IVersionSummary[]>[] = [];
      for (let off = RUNS_PAGE; off < first.total; off += RUNS_PAGE) {
        more.push(
          api
            .listVersions(path, { offset: off, limit: RUNS_PAGE })
            .then(p => p.versions)
        );
      }
      pages.push(...(await Promise.all(more)));
      if (ticket !== this._ticket) {
        return;
      }
      this._all = pages.flat();
      this._byId = new Map(this._all.map(v => [v.id, v]));
      this._refs = {
        branches: {},
        tags: {},
        current_branch: 'main',
        ...first.refs
      };
      this._selected = this._selected.filter(id => this._byId.has(id));
      this._error = null;
      this._dirty = true;
    } catch (error) {
      if (ticket === this._ticket) {
        this._error = error instanceof Error ? error.message : String(error);
      }
    } finally {
      if (ticket === this._ticket) {
        this._loading = false;
        this._loadMs = performance.now() - started;
      }
      this._changed.emit();
    }
  }

  setFilter(text: string): void {
    this._filter = text;
    this._dirty = true;
    this._changed.emit();
  }

  /** Sort by `key`; the same key again flips the direction. */
  sortBy(key: ColumnKey): void {
    if (this._sortKey === key) {
      this._sortDir = this._sortDir === 1 ? -1 : 1;
    } else {
      this._sortKey = key;
      this._sortDir = key === 'created' ? -1 : 1;
    }
    this._dirty = true;
    this._changed.emit();
  }

  toggleColumn(key: ColumnKey): void {
    if (this._hidden.has(key)) {
      this._hidden.delete(key);
    } else {
      this._hidden.add(key);
    }
    this._changed.emit();
  }

  toggleSelected(id: string): void {
    this._selected = this._selected.includes(id)
      ? this._selected.filter(s => s !== id)
      : [...this._selected, id];
    this._changed.emit();
  }

  clearSelection(): void {
    this._selected = [];
    this._changed.emit();
  }

  setBaseline(id: string): void {
    this._baseline = id;
    this._changed.emit();
  }

  /** List this notebook's versions or every notebook's, then reload. */
  setScope(scope: RunsScope): Promise<void> {
    if (scope === this._scope) {
      return Promise.resolve();
    }
    this._scope = scope;
    this._dirty = true;
    return this.load();
  }

  setChartParam(name: string): void {
    this._chartParam = name;
    this._changed.emit();
  }

  setChartMetric(name: string): void {
    this._chartMetric = name;
    this._changed.emit();
  }

  /** Highlight a row (from the chart) and make sure it passes the filter. */
  focus(id: string): void {
    this._focused = id;
    if (!this.view.some(v => v.id === id)) {
      this.setFilter('');
    }
    this._changed.emit();
  }

  dispose(): void {
    this._ticket++;
    Signal.clearData(this);
  }

  /** Recompute columns, metric names and the filtered, sorted view when stale. */
  private _derive(): void {
    if (!this._dirty) {
      return;
    }
    const params = new Set<string>();
    const metrics = new Set<string>();
    const numeric = new Set<string>();
    const numericParams = new Set<string>();
    const branches = new Set<string>();
    for (const v of this._all) {
      branches.add(this.seriesOf(v));
      for (const [k, x] of Object.entries(v.params ?? {})) {
        params.add(k);
        if (typeof x === 'number' && Number.isFinite(x)) {
          numericParams.add(k);
        }
      }
      for (const [k, x] of Object.entries(v.metrics ?? {})) {
        metrics.add(k);
        if (typeof x === 'number' && Number.isFinite(x)) {
          numeric.add(k);
        }
      }
    }
    this._columns = [
      ...(this._scope === 'project' ? [NOTEBOOK] : []),
      ...FIELDS,
      ...[...params]
        .sort()
        .map((p): IColumn => ({ key: `param:${p}`, label: p, kind: 'param' })),
      ...[...metrics]
        .sort()
        .map((m): IColumn => ({ key: `metric:${m}`, label: m, kind: 'metric' }))
    ];
    this._metricNames = [...numeric].sort();
    this._paramNames = [...numericParams].sort();
    this._branchNames = [...branches].sort();
    const q = this._filter.trim().toLowerCase();
    const rows = q
      ? this._all.filter(v => haystack(v).includes(q))
      : [...this._all];
    const key = this._sortKey;
    const dir = this._sortDir;
    rows.sort((a, b) =>
      compareValues(cellValue(a, key), cellValue(b, key), dir)
    );
    this._view = rows;
    this._dirty = false;
  }

  private _all: IVersionSummary[] = [];
  private _byId = new Map<string, IVersionSummary>();
  private _refs: IRefs | null = null;
  private _view: IVersionSummary[] = [];
  private _columns: IColumn[] = FIELDS;
  private _metricNames: string[] = [];
  private _paramNames: string[] = [];
  private _branchNames: string[] = [];
  private _scope: RunsScope = 'notebook';
  private _chartParam: string | null = null;
  private _dirty = true;
  private _hidden = new Set<ColumnKey>();
  private _filter = '';
  private _sortKey: ColumnKey = 'created';
  private _sortDir: 1 | -1 = -1;
  private _selected: string[] = [];
  private _baseline: string | null = null;
  private _focused: string | null = null;
  private _chartMetric: string | null = null;
  private _loading = false;
  private _error: string | null = null;
  private _loadMs = 0;
  private _ticket = 0;
  private _changed = new Signal<this, void>(this);
}
