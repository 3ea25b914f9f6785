import * as React from 'react';

import { IDictDiff, IVersionDiff, IVersionSummary } from '../tokens';
import { formatValue, relativeTime } from './format';

function DictDiff(props: {
  title: string;
  diff: IDictDiff;
}): JSX.Element | null {
  const { added, removed, changed } = props.diff;
  const rows: [string, string, string, string][] = [
    ...Object.entries(changed).map(
      ([k, c]): [string, string, string, string] => [
        k,
        formatValue(c.before),
        formatValue(c.after),
        c.delta === undefined
          ? ''
          : `${c.delta >= 0 ? '+' : ''}${formatValue(c.delta)}`
      ]
    ),
    ...Object.entries(added).map(([k, v]): [string, string, string, string] => [
      k,
      '—',
      formatValue(v),
      'added'
    ]),
    ...Object.entries(removed).map(
      ([k, v]): [string, string, string, string] => [
        k,
        formatValue(v),
        '—',
        'removed'
      ]
    )
  ];
  if (!rows.length) {
    return null;
  }
  return (
    <section>
      <h3>{props.title}</h3>
      <table className="jp-nbversion-difftable">
        <thead>
          <tr>
            <th>Name</th>
            <th>Before</th>
            <th>After</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, before, after, change]) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{before}</td>
              <td>{after}</td>
              <td>{change}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Side(props: { label: string; v: IVersionSummary }): JSX.Element {
  return (
    <div className="jp-nbversion-side">
      <strong>{props.label}</strong> <code>{props.v.id.slice(0, 12)}</code>{' '}
      {props.v.message || '(no message)'} · {props.v.branch} ·{' '}
      {relativeTime(props.v.created)}
    </div>
  );
}

/** The manifest-level diff of two versions, as tables. */
export function CompareView(props: {
  diff: IVersionDiff;
  a: IVersionSummary;
  b: IVersionSummary;
  note?: string | null;
}): JSX.Element {
  const { diff } = props;
  const cells = diff.notebook.cells;
  const vars = diff.variables;
  const varRows = [
    ...vars.changed.map(c => ({
      name: c.name,
      change: 'changed',
      before: `${c.before ?? ''}`,
      after: `${c.after ?? ''}`,
      type:
        c.type_before === c.type_after
          ? (c.type_after ?? '')
          : `${c.type_before} → ${c.type_after}`
    })),
    ...vars.added.map(c => ({
      name: c.name,
      change: 'added',
      before: '—',
      after: c.after ?? '',
      type: c.type ?? ''
    })),
    ...vars.removed.map(c => ({
      name: c.name,
      change: 'removed',
      before: c.before ?? '',
      after: '—',
      type: c.type ?? ''
    }))
  ];
  return (
    <div className="jp-nbversion-compare" data-testid="nbversion-compare">
      <Side label="Before" v={props.a} />
      <Side label="After" v={props.b} />
      {props.note && (
        <p className="jp-nbversion-muted" role="note">
          {props.note}
        </p>
      )}
      <p>
        Notebook cells: {diff.notebook.changed ? 'changed' : 'identical'}
        {cells && diff.notebook.changed
          ? ` (${cells.added} added, ${cells.removed} removed, ${cells.modified} modified)`
          : ''}
        . Variables: {vars.added.length} added, {vars.removed.length} removed,{' '}
        {vars.changed.length} changed, {vars.unchanged.length} unchanged.
      </p>
      {varRows.length > 0 && (
        <section>
          <h3>Variables</h3>
          <table className="jp-nbversion-difftable">
            <thead>
              <tr>
                <th>Name</th>
                <th>Change</th>
                <th>Type</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {varRows.map(r => (
                <tr key={r.name} className={`jp-mod-${r.change}`}>
                  <td>{r.name}</td>
                  <td>{r.change}</td>
                  <td>{r.type}</td>
                  <td>{r.before}</td>
                  <td>{r.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <DictDiff title="Params" diff={diff.params} />
      <DictDiff title="Metrics" diff={diff.metrics} />
      <DictDiff title="Packages" diff={diff.environment.packages} />
      <DictDiff title="Environment" diff={diff.environment.other} />
      <DictDiff title="Data files" diff={diff.data_files} />
    </div>
  );
}
