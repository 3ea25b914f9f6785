/**
 * The line of a changed variable with its per-kind detail lines (arrays, data frames,
 * models, containers, scalars): see docs/diff.md, "Variable detail".
 */
import {
  ARROW,
  change,
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
  if (fmt(shape.before) !== fmt(shape.after) || dtype.before !== dtype.after) {
    head = `shape ${change(shape)}, dtype ${change(dtype)}`;
  } else if (typeof d.changed_elements === 'number') {
    head = `${d.changed_elements.toLocaleString()} of ${Number(
      d.total_elements
    ).toLocaleString()} elements changed`;
    if (d.max_abs_diff !== null && d.max_abs_diff !== undefined) {
      head += `, max |Δ| ${fmt(d.max_abs_diff)}`;
    }
  } else {
    head = `${fmt(shape.after)} ${dtype.after}`;
  }
  return [head, kids];
}

function frameDetail(d: Obj): [string, IDiffLine[]] {
  const kids = [
    ...Object.entries((d.columns_added ?? {}) as Obj).map(([c, t]) =>
      line('+', `column ${c} (${t})`)
    ),
    ...Object.entries((d.columns_removed ?? {}) as Obj).map(([c, t]) =>
      line('-', `column ${c} (${t})`)
    ),
    ...Object.entries((d.dtype_changed ?? {}) as Obj).map(([c, p]) =>
      line('~', `column ${c} dtype ${change(p)}`)
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
        `${d.rows_changed} rows changed (${d.cells_changed} cells)${extra}`
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
  let head = String(cls.after).split('.').pop() ?? '';
  if (cls.before !== cls.after) {
    head = `class ${change(cls)}`;
  }
  const kids = dictLines(d.params ?? {}, ': ');
  const pc = d.parameter_count ?? {};
  if (pc.before !== pc.after) {
    kids.push(line('~', `parameter count ${change(pc)}`));
  }
  kids.push(
    ...((d.tensors_added ?? []) as string[]).map(k => line('+', `tensor ${k}`))
  );
  kids.push(
    ...((d.tensors_removed ?? []) as string[]).map(k =>
      line('-', `tensor ${k}`)
    )
  );
  const w = d.weights;
  if (w) {
    const top = Object.entries((w.tensors ?? {}) as Obj)
      .map(([k, v]) => `${k} ${fmt(v.l2)}`)
      .join(', ');
    head += `; weights moved L2 ${fmt(w.l2)}`;
    kids.push(
      line('~', `weight change L2 ${fmt(w.l2)}${top ? ` (${top})` : ''}`)
    );
  }
  return [head, kids];
}

function containerDetail(d: Obj): [string, IDiffLine[]] {
  const list = (k: string) => (d[k] ?? []) as unknown[];
  const kids = [
    ...list('keys_added').map(k => line('+', `key ${fmt(k)}`)),
    ...list('keys_removed').map(k => line('-', `key ${fmt(k)}`)),
    ...Object.entries((d.keys_changed ?? {}) as Obj).map(([k, p]) =>
      line('~', `key ${k}: ${change(p)}`)
    ),
    ...list('items_added').map(x => line('+', `item ${fmt(x)}`)),
    ...list('items_removed').map(x => line('-', `item ${fmt(x)}`)),
    ...(list('first_changed') as Obj[]).map(x =>
      line('~', `[${x.index}]: ${change(x)}`)
    )
  ];
  return [`length ${change(d.length ?? {})}`, kids];
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
        ? `type ${v.type_before} ${ARROW} ${v.type_after}`
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
    kids.push(line('!', `stats only: ${d.reason}`));
  }
  return line('~', `${v.name}: ${head}`, kids);
}
