/**
 * A diff in a few plain sentences, the top of the Compare tab: what a reader wants
 * first (did the metrics go up, which cells and variables changed) before the detail.
 */
import { count, fmt } from './diffformat';
import { IDictDiff, IVersionDiff } from './tokens';

/** "a, b and c" (at most `max` names, then "and N more"). */
export function names(list: readonly string[], max = 4): string {
  const shown = list.slice(0, max);
  const rest = list.length - shown.length;
  if (rest > 0) {
    return `${shown.join(', ')} and ${rest} more`;
  }
  return shown.length > 1
    ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
    : (shown[0] ?? '');
}

/** "accuracy went up from 0.5 to 0.75 (+0.25)" for each changed, new, dropped value. */
export function valueSentences(d: IDictDiff, noun: string): string[] {
  const out = Object.entries(d.changed ?? {}).map(([k, p]) => {
    if (typeof p.before === 'number' && typeof p.after === 'number') {
      const delta = p.after - p.before;
      const how = delta > 0 ? 'went up' : delta < 0 ? 'went down' : 'changed';
      const sign = delta > 0 ? '+' : '';
      return `${k} ${how} from ${fmt(p.before)} to ${fmt(p.after)} (${sign}${fmt(
        Number(delta.toPrecision(6))
      )})`;
    }
    return `${k} changed from ${fmt(p.before)} to ${fmt(p.after)}`;
  });
  for (const [k, v] of Object.entries(d.added ?? {})) {
    out.push(`new ${noun} ${k} = ${fmt(v)}`);
  }
  for (const [k, v] of Object.entries(d.removed ?? {})) {
    out.push(`${noun} ${k} no longer recorded (was ${fmt(v)})`);
  }
  return out;
}

/** The summary sentences of a diff, most telling first. */
export function plainSummary(diff: IVersionDiff): string[] {
  const out: string[] = [];
  out.push(...valueSentences(diff.metrics, 'metric'));
  out.push(...valueSentences(diff.params, 'param'));
  const nb = diff.notebook;
  const c = nb.cells;
  if (!nb.changed) {
    out.push('The notebook is the same.');
  } else if (c) {
    const parts = [
      c.modified && `${count(c.modified, 'cell')} changed`,
      c.added && `${count(c.added, 'cell')} added`,
      c.removed && `${count(c.removed, 'cell')} removed`
    ].filter(Boolean);
    out.push(
      parts.length
        ? `In the notebook: ${parts.join(', ')}.`
        : 'The notebook changed (its metadata only).'
    );
  } else {
    out.push('The notebook changed.');
  }
  const vs = diff.variables;
  const parts = [
    vs.changed.length &&
      `${count(vs.changed.length, 'variable')} changed (${names(vs.changed.map(v => v.name))})`,
    vs.added.length &&
      `${vs.added.length} new (${names(vs.added.map(v => v.name))})`,
    vs.removed.length &&
      `${vs.removed.length} gone (${names(vs.removed.map(v => v.name))})`
  ].filter(Boolean);
  out.push(
    parts.length
      ? `Variables: ${parts.join(', ')}.`
      : 'The variables are the same.'
  );
  const pk = diff.environment.packages;
  const moved = Object.keys(pk.changed ?? {});
  const added = Object.keys(pk.added ?? {});
  const removed = Object.keys(pk.removed ?? {});
  if (moved.length || added.length || removed.length) {
    const bits = [
      moved.length && `${names(moved)} changed version`,
      added.length && `${names(added)} installed`,
      removed.length && `${names(removed)} uninstalled`
    ].filter(Boolean);
    out.push(`Packages: ${bits.join('; ')}.`);
  }
  const files = diff.data_files;
  const nfiles =
    Object.keys(files.changed).length +
    Object.keys(files.added).length +
    Object.keys(files.removed).length;
  if (nfiles) {
    out.push(`${count(nfiles, 'data file')} changed.`);
  }
  return out;
}
