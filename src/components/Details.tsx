import * as React from 'react';

import { DetailsState } from '../model';
import { IVersionDetails } from '../tokens';
import { formatBytes, formatValue } from './format';

/** "builtins.int" → "int", "pandas.core.frame.DataFrame" → "DataFrame". */
function shortType(type: string): string {
  return type.split('.').pop() ?? type;
}

function KeyValues(props: {
  title: string;
  values: Record<string, unknown>;
}): JSX.Element | null {
  const entries = Object.entries(props.values);
  if (!entries.length) {
    return null;
  }
  return (
    <section>
      <h4>{props.title}</h4>
      <dl className="jp-nbversion-kv">
        {entries.map(([k, v]) => (
          <React.Fragment key={k}>
            <dt>{k}</dt>
            <dd title={formatValue(v)}>{formatValue(v)}</dd>
          </React.Fragment>
        ))}
      </dl>
    </section>
  );
}

function Variables(props: { details: IVersionDetails }): JSX.Element {
  const vars = Object.entries(props.details.variables).sort(([a], [b]) =>
    a.localeCompare(b)
  );
  if (!vars.length) {
    return (
      <section>
        <h4>Variables</h4>
        <p className="jp-nbversion-muted">
          No kernel variables (notebook only).
        </p>
      </section>
    );
  }
  return (
    <section>
      <h4>Variables ({vars.length})</h4>
      <table className="jp-nbversion-vars" data-testid="nbversion-variables">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Summary</th>
            <th>Size</th>
          </tr>
        </thead>
        <tbody>
          {vars.map(([name, v]) => (
            <tr key={name}>
              <td title={name}>{name}</td>
              <td title={v.type}>{shortType(v.type)}</td>
              <td title={`${v.summary ?? ''} (${v.type})`}>
                {v.alias_of ? `same object as ${v.alias_of}` : v.summary}
              </td>
              <td>{formatBytes(v.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Where the stored notebook came from, when it was not the editor (see docs/kernel.md). */
function notebookSource(env: Record<string, unknown>): Record<string, string> {
  if (env.notebook_source !== 'file') {
    return {};
  }
  const note = env.notebook_source_note;
  return {
    notebook: `the file on disk${typeof note === 'string' ? ` (${note})` : ''}`
  };
}

/** Expanded details of one version: variables, params, metrics, environment. */
export function Details(props: {
  state: DetailsState | undefined;
}): JSX.Element {
  const { state } = props;
  if (!state || state.state === 'loading') {
    return (
      <div className="jp-nbversion-details jp-nbversion-muted">Loading…</div>
    );
  }
  if (state.state === 'error') {
    return (
      <div className="jp-nbversion-details jp-nbversion-error">
        {state.message}
      </div>
    );
  }
  const d = state.details;
  const env = d.environment ?? {};
  const git = env.git;
  const python = env.python as unknown;
  const pythonText =
    python && typeof python === 'object'
      ? String((python as { version?: string }).version ?? '').split(' ')[0]
      : (python as string | undefined);
  return (
    <div className="jp-nbversion-details" data-testid="nbversion-details">
      <Variables details={d} />
      <KeyValues title="Params" values={d.params ?? {}} />
      <KeyValues title="Metrics" values={d.metrics ?? {}} />
      <KeyValues
        title="Environment"
        values={{
          ...(pythonText ? { python: pythonText } : {}),
          ...(git?.commit
            ? {
                git: `${git.commit.slice(0, 10)}${git.dirty ? ' (dirty)' : ''}`
              }
            : {}),
          ...(env.packages
            ? { packages: `${Object.keys(env.packages).length} recorded` }
            : {}),
          ...notebookSource(env)
        }}
      />
      {d.skipped?.length ? (
        <section>
          <h4>Skipped variables</h4>
          <ul className="jp-nbversion-skipped">
            {d.skipped.map(s => (
              <li key={s.name}>
                <code>{s.name}</code>
                {s.type ? ` (${s.type})` : ''}: {s.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="jp-nbversion-muted jp-nbversion-id">
        {d.id} {d.trusted ? '' : '· not trusted'}
      </p>
    </div>
  );
}
