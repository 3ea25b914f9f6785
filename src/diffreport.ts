/**
 * A diff's data as titled sections of signed lines, for the compare view. Mirrors
 * the server's `nbversion/diff/report.py` (the CLI and `%version diff` layout).
 *
 * Signs: `+` added, `-` removed, `~` changed, ` ` context, `…` elided, `!` a note.
 * Works on the server's full diff and on the manifest-level local fallback, which
 * lacks cell changes and per-variable detail.
 */
import {
  ARROW,
  change,
  count,
  dictLines,
  fmt,
  IDiffLine,
  IDiffSection,
  line,
  size
} from './diffformat';
import { variableLine } from './diffdetail';
import { ICellChange, IDictDiff, IVersionDiff } from './tokens';

export type { IDiffLine, IDiffSection } from './diffformat';
export { fmt } from './diffformat';

function dictSummary(d: IDictDiff): string {
  const parts = (['changed', 'added', 'removed'] as const)
    .map(k => [k, Object.keys(d[k] ?? {}).length] as const)
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${k}`);
  return parts.join(', ') || 'no changes';
}

function cellLine(ch: ICellChange): IDiffLine {
  const sign = { added: '+', removed: '-', modified: '~' }[ch.op];
  const index = (ch.op === 'removed' ? ch.index_a : ch.index_b) ?? 0;
  let text = `cell ${index + 1} (${ch.cell_type}) ${ch.op}`;
  if (ch.op === 'modified') {
    text += `: ${(ch.parts ?? []).join(', ')}`;
    const outs = Object.entries(ch.outputs ?? {}).filter(([, n]) => n);
    if (outs.length) {
      text += ` (outputs: ${outs.map(([k, n]) => `${n} ${k}`).join(', ')})`;
    }
  }
  const source = (ch.source ?? []).map(([s, t]) => ({
    ...line(s, t),
    code: true
  }));
  return line(sign, text, source);
}

function notebookSection(nb: IVersionDiff['notebook']): IDiffSection {
  const c = nb.cells;
  let summary: string;
  if (nb.skipped) {
    summary = `${nb.changed ? 'changed' : 'identical'} (${nb.skipped})`;
  } else if (!nb.changed) {
    summary = 'no changes';
  } else if (c) {
    summary =
      `${count(c.added, 'cell')} added, ${c.removed} removed, ` +
      `${c.modified} modified, ${c.unchanged} unchanged`;
  } else {
    summary = 'changed (cell detail unavailable)';
  }
  const lines = nb.metadata_changed
    ? [line('~', 'notebook metadata changed')]
    : [];
  lines.push(...(nb.cell_changes ?? []).map(cellLine));
  return { key: 'notebook', title: 'Notebook', summary, groups: [{ lines }] };
}

function variablesSection(vs: IVersionDiff['variables']): IDiffSection {
  const summary =
    `${vs.added.length} added, ${vs.removed.length} removed, ` +
    `${vs.changed.length} changed, ${vs.unchanged.length} unchanged`;
  const lines = [
    ...vs.added.map(v =>
      line('+', `${v.name}: ${v.after ?? ''} (${v.type ?? '?'})`)
    ),
    ...vs.removed.map(v =>
      line('-', `${v.name}: ${v.before ?? ''} (${v.type ?? '?'})`)
    ),
    ...vs.changed.map(variableLine)
  ];
  return { key: 'variables', title: 'Variables', summary, groups: [{ lines }] };
}

function environmentSection(env: IVersionDiff['environment']): IDiffSection {
  const pk = env.packages;
  const changed = Object.entries(pk.changed ?? {});
  const how = (c: string) =>
    (c === 'upgraded' ? pk.upgraded : pk.downgraded)?.length ??
    changed.filter(([, e]) => e.change === c).length;
  const lines = [
    ...changed.map(([n, e]) =>
      line('~', `${n} ${change(e)} (${e.change ?? 'changed'})`)
    ),
    ...Object.entries(pk.added ?? {}).map(([n, v]) =>
      line('+', `${n} ${fmt(v)}`)
    ),
    ...Object.entries(pk.removed ?? {}).map(([n, v]) =>
      line('-', `${n} ${fmt(v)}`)
    )
  ];
  const other = dictSummary(env.other);
  const summary =
    `${count(how('upgraded'), 'package')} upgraded, ${how('downgraded')} downgraded, ` +
    `${Object.keys(pk.added).length} added, ${Object.keys(pk.removed).length} removed` +
    (other === 'no changes' ? '' : `; other: ${other}`);
  return {
    key: 'environment',
    title: 'Environment',
    summary,
    groups: [
      { caption: 'Packages', lines },
      { caption: 'Other', lines: dictLines(env.other, ': ') }
    ]
  };
}

function filesSection(files: IDictDiff): IDiffSection {
  const lines = [
    ...Object.entries(files.changed).map(([p, c]) =>
      line('~', `${p}: ${size(c.before)} ${ARROW} ${size(c.after)}`)
    ),
    ...Object.entries(files.added).map(([p, n]) =>
      line('+', `${p} (${size(n)})`)
    ),
    ...Object.entries(files.removed).map(([p, n]) =>
      line('-', `${p} (${size(n)})`)
    )
  ];
  return {
    key: 'data-files',
    title: 'Data files',
    summary: dictSummary(files),
    groups: [{ lines }]
  };
}

/** Notebook, variables, metrics & params, environment and data files, in that order. */
export function diffSections(diff: IVersionDiff): IDiffSection[] {
  const metrics: IDiffSection = {
    key: 'metrics',
    title: 'Metrics & params',
    summary: `metrics: ${dictSummary(diff.metrics)}; params: ${dictSummary(diff.params)}`,
    groups: [
      { caption: 'Metrics', lines: dictLines(diff.metrics) },
      { caption: 'Params', lines: dictLines(diff.params) }
    ]
  };
  return [
    notebookSection(diff.notebook),
    variablesSection(diff.variables),
    metrics,
    environmentSection(diff.environment),
    filesSection(diff.data_files)
  ];
}
