/**
 * Lines of a diff and how values show in them (shared by diffreport.ts and
 * diffdetail.ts; mirrors the server's `nbversion/diff/report.py`).
 */
import { IDictDiff } from './tokens';

export const ARROW = '→';

export interface IDiffLine {
  sign: string;
  text: string;
  children: IDiffLine[];
  /** A line of cell source, shown monospaced as is. */
  code?: boolean;
}

export interface IDiffSection {
  key: 'notebook' | 'variables' | 'metrics' | 'environment' | 'data-files';
  title: string;
  summary: string;
  /** Sub-groups of lines, each with an optional caption. */
  groups: { caption?: string; lines: IDiffLine[] }[];
}

/** The per-kind detail is free-form JSON (docs/diff.schema.json), read defensively. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function line(
  sign: string,
  text: string,
  children: IDiffLine[] = []
): IDiffLine {
  return { sign, text, children };
}

/** A value for display: numbers to 6 significant digits, like Python's `:.6g`. */
export function fmt(v: unknown): string {
  if (typeof v === 'number') {
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  }
  if (Array.isArray(v)) {
    return `(${v.map(fmt).join(', ')}${v.length === 1 ? ',' : ''})`;
  }
  if (v === null || v === undefined) {
    return String(v);
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `before → after (+delta)` of a pair. */
export function change(p: Obj): string {
  let text = `${fmt(p.before)} ${ARROW} ${fmt(p.after)}`;
  if (typeof p.delta === 'number') {
    text += ` (${p.delta >= 0 ? '+' : ''}${fmt(p.delta)})`;
  }
  return text;
}

export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function size(n: unknown): string {
  if (typeof n !== 'number') {
    return '?';
  }
  let value = n;
  for (const unit of ['B', 'KB', 'MB', 'GB']) {
    if (value < 1024 || unit === 'GB') {
      return unit === 'B' ? `${n} B` : `${value.toFixed(1)} ${unit}`;
    }
    value /= 1024;
  }
  return `${n} B`;
}

/** `name before → after (+delta)`, then added and removed entries. */
export function dictLines(d: IDictDiff, sep = ' '): IDiffLine[] {
  return [
    ...Object.entries(d.changed ?? {}).map(([k, p]) =>
      line('~', `${k}${sep}${change(p)}`)
    ),
    ...Object.entries(d.added ?? {}).map(([k, v]) =>
      line('+', `${k}${sep}${fmt(v)}`)
    ),
    ...Object.entries(d.removed ?? {}).map(([k, v]) =>
      line('-', `${k}${sep}${fmt(v)}`)
    )
  ];
}
