/**
 * The line of a changed variable with its per-kind detail lines (arrays, data frames,
 * models, containers, scalars): see docs/diff.md, "Variable detail".
 */
import {
  ARROW,
  change,
  count,
  dictLines,
  fmt,
  IDiffLine,
  line,
  Obj
} from './diffformat';
import { IVariableDetail, IVersionDiff } from './tokens';

function arrayDetail(d: Obj): [string, IDiffLine[]] {
  const kids = Object.entries((d.summary ?? {}) as Obj)
    .filter(([, p]) => p.before !== p.after)
    .map(([k, p]) => line('~', `${k}: ${change(p)}`));
  const shape = d.shape ?? {};
  const dtype = d.dtype ?? {};
  let head: string;
  const reshaped = fmt(shape.before) !== fmt(shape.after);
  if (reshaped || dtype.before !== dtype.after) {
    head = [
      reshaped && `reshaped from ${fmt(shape.before)} to ${fmt(shape.after)}`,
      dtype.before !== dtype.after &&
        `values now ${dtype.after} (were ${dtype.before})`
    ]
      .filter(Boolean)
      .join(', ');
  } else if (typeof d.changed_elements === 'number') {
    head = `${d.changed_elements.toLocaleString()} of ${Number(
      d.total_elements
    ).toLocaleString()} values changed`;
    if (d.max_abs_diff !== null && d.max_abs_diff !== undefined) {
      head += ` (the largest by ${fmt(d.max_abs_diff)})`;
    }
  } else {
    head = `${fmt(shape.after)} ${dtype.after}, values changed`;
  }
  return [head, kids];
}

function frameDetail(d: Obj): [string, IDiffLine[]] {
  const kids = [
    ...Object.entries((d.columns_added ?? {}) as Obj).map(([c, t]) =>
      line('+', `new column ${c} (${t})`)
    ),
    ...Object.entries((d.columns_removed ?? {}) as Obj).map(([c, t]) =>
      line('-', `column ${c} removed (was ${t})`)
    ),
    ...Object.entries((d.dtype_changed ?? {}) as Obj).map(([c, p]) =>
      line('~', `column ${c} now holds ${p.after} (was ${p.before})`)
    ),
    ...Object.entries((d.numeric ?? {}) as Obj).map(([col, stats]) =>
      line(
        '~',
        `${col}: ${Object.entries(stats as Obj)
          .map(([k, p]) => `${k} ${change(p)}`)
          .join(', ')}`
      )
    )
  ];
  if (typeof d.rows_changed === 'number') {
    const extra = ['rows_added', 'rows_removed']
      .filter(k => d[k])
      .map(k => `, ${d[k]} ${k.split('_')[1]}`)
      .join('');
    kids.push(
      line(
        '~',
        `${count(d.rows_changed, 'row')} changed (${count(
          Number(d.cells_changed),
          'value'
        )})${extra}`
      )
    );
  }
  for (const row of (d.sample ?? []) as Obj[]) {
    const cells = Object.entries(row.changes as Obj)
      .map(([c, p]) => `${c} ${change(p)}`)
      .join(', ');
    kids.push(line(' ', `row ${fmt(row.index)}: ${cells}`));
  }
  if (d.note) {
    kids.push(line('!', String(d.note)));
  }
  return ['', kids];
}

function modelDetail(d: Obj): [string, IDiffLine[]] {
  const cls = d.class ?? {};
  const short = (c: unknown) => String(c).split('.').pop() ?? '';
  let head = `${short(cls.after)} model`;
  if (cls.before !== cls.after) {
    head = `now a ${short(cls.after)} (was a ${short(cls.before)})`;
  }
  const settings = dictLines(d.params ?? {}, ': ');
  const kids = settings.map(l => ({ ...l, text: `setting ${l.text}` }));
  const pc = d.parameter_count ?? {};
  if (pc.before !== pc.after) {
    kids.push(line('~', `number of weights ${change(pc)}`));
  }
  kids.push(
    ...((d.tensors_added ?? []) as string[]).map(k =>
      line('+', `new layer weights ${k}`)
    )
  );
  kids.push(
    ...((d.tensors_removed ?? []) as string[]).map(k =>
      line('-', `layer weights ${k} removed`)
    )
  );
  const w = d.weights;
  if (w) {
    // the L2 distance between the two weight vectors: how far training moved them
    const top = Object.entries((w.tensors ?? {}) as Obj)
      .sort(([, x], [, y]) => Number(y.l2) - Number(x.l2))
      .slice(0, 3)
      .map(([k, v]) => `${k} by ${fmt(v.l2)}`)
      .join(', ');
    head += `; its weights changed (overall by ${fmt(w.l2)})`;
    if (top) {
      kids.push(line('~', `most changed: ${top}`));
    }
  } else if (settings.length) {
    head += `; ${count(settings.length, 'setting')} changed`;
  }
  return [head, kids];
}

function containerDetail(d: Obj): [string, IDiffLine[]] {
  const list = (k: string) => (d[k] ?? []) as unknown[];
  const changed = Object.entries((d.keys_changed ?? {}) as Obj);
  const firsts = list('first_changed') as Obj[];
  const kids = [
    ...list('keys_added').map(k => line('+', `new key ${fmt(k)}`)),
    ...list('keys_removed').map(k => line('-', `key ${fmt(k)} removed`)),
    ...changed.map(([k, p]) => line('~', `${k}: ${change(p)}`)),
    ...list('items_added').map(x => line('+', `new item ${fmt(x)}`)),
    ...list('items_removed').map(x => line('-', `item ${fmt(x)} removed`)),
    ...firsts.map(x => line('~', `item ${x.index}: ${change(x)}`))
  ];
  const n = d.length ?? {};
  let head: string;
  if (typeof n.before !== 'number' || typeof n.after !== 'number') {
    head = 'contents changed';
  } else if (n.before === n.after) {
    head = `same size (${count(n.after, 'item')})`;
  } else {
    head = `${n.after > n.before ? 'grew' : 'shrank'} from ${n.before} to ${count(
      n.after,
      'item'
    )}`;
  }
  const values = changed.length + firsts.length;
  if (values) {
    head += `, ${count(values, 'value')} changed`;
  }
  return [head, kids];
}

type Changed = IVersionDiff['variables']['changed'][number];

/** The line (and per-kind detail lines) of one changed variable. */
export function variableLine(v: Changed): IDiffLine {
  const d = v.detail as (IVariableDetail & Obj) | undefined;
  let head = '';
  let kids: IDiffLine[] = [];
  if (!d || d.category === 'type_changed') {
    head =
      v.type_before !== v.type_after
        ? `now a ${v.type_after} (was a ${v.type_before})`
        : '';
  } else if (d.category === 'scalar' || d.category === 'object') {
    head = change(d);
  } else {
    const fn = {
      array: arrayDetail,
      dataframe: frameDetail,
      model: modelDetail
    }[d.category as string];
    [head, kids] = (fn ?? containerDetail)(d);
  }
  if (!head) {
    head =
      v.before === v.after
        ? `${fmt(v.after)}, values changed`
        : `${fmt(v.before)} ${ARROW} ${fmt(v.after)}`;
  }
  if (d && d.level === 'stats' && d.reason && d.category !== 'type_changed') {
    kids.push(line('!', `compared by summary statistics only (${d.reason})`));
  }
  return line('~', `${v.name}: ${head}`, kids);
}
