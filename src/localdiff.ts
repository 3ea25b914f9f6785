/**
 * A manifest-level diff computed in the browser from two `GET versions/{id}`
 * answers: the fallback when the server's `GET diff` fails.
 */
import { IDictDiff, IVersionDetails, IVersionDiff } from './tokens';

function dictDiff(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  numeric: boolean
): IDictDiff {
  const out: IDictDiff = { added: {}, removed: {}, changed: {} };
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(k in a)) {
      out.added[k] = b[k];
    } else if (!(k in b)) {
      out.removed[k] = a[k];
    } else if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
      const before = a[k];
      const after = b[k];
      out.changed[k] = { before, after };
      if (numeric && typeof before === 'number' && typeof after === 'number') {
        out.changed[k].delta = after - before;
      }
    }
  }
  return out;
}

/** What differs from manifest `a` (before) to `b` (after). */
export function localDiff(
  a: IVersionDetails,
  b: IVersionDetails
): IVersionDiff {
  const variables: IVersionDiff['variables'] = {
    added: [],
    removed: [],
    changed: [],
    unchanged: []
  };
  const names = new Set([
    ...Object.keys(a.variables),
    ...Object.keys(b.variables)
  ]);
  for (const name of [...names].sort()) {
    const va = a.variables[name];
    const vb = b.variables[name];
    if (!va) {
      variables.added.push({ name, type: vb.type, after: vb.summary });
    } else if (!vb) {
      variables.removed.push({ name, type: va.type, before: va.summary });
    } else if (JSON.stringify(va) === JSON.stringify(vb)) {
      variables.unchanged.push(name);
    } else {
      variables.changed.push({
        name,
        type_before: va.type,
        type_after: vb.type,
        before: va.summary,
        after: vb.summary
      });
    }
  }
  const envA = a.environment ?? {};
  const envB = b.environment ?? {};
  const rest = (env: IVersionDetails['environment']) =>
    Object.fromEntries(
      Object.entries(env).filter(([k]) => k !== 'packages' && k !== 'time')
    );
  return {
    a: a.id,
    b: b.id,
    notebook: { changed: a.notebook !== b.notebook },
    variables,
    params: dictDiff(a.params ?? {}, b.params ?? {}, true),
    metrics: dictDiff(a.metrics ?? {}, b.metrics ?? {}, true),
    environment: {
      packages: dictDiff(envA.packages ?? {}, envB.packages ?? {}, false),
      other: dictDiff(rest(envA), rest(envB), false)
    },
    data_files: dictDiff(a.data_files ?? {}, b.data_files ?? {}, false)
  };
}
