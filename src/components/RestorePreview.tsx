import * as React from 'react';

import { IRestorePlan, IUntrustedVariable, RestoreMode } from '../tokens';

const MODES: { mode: RestoreMode; label: string }[] = [
  { mode: 'all', label: 'Notebook and variables' },
  { mode: 'variables', label: 'Variables only' },
  { mode: 'notebook', label: 'Notebook only' }
];

function names(list: string[]): string {
  return list.length > 6
    ? `${list.slice(0, 6).join(', ')} and ${list.length - 6} more`
    : list.join(', ');
}

/** Each name the restore changes: what it holds now → what it will hold (first 50). */
function BeforeAfter(props: { plan: IRestorePlan }): JSX.Element | null {
  const { plan } = props;
  const changes = plan.changes ?? {};
  const names = [...plan.restore, ...plan.remove].filter(n => n in changes);
  if (!names.length) {
    return null;
  }
  const shown = names.slice(0, 50);
  return (
    <table
      className="jp-nbversion-beforeafter"
      data-testid="nbversion-restore-changes"
    >
      <caption className="jp-nbversion-sr-only">
        Variables: now and after the restore
      </caption>
      <thead>
        <tr>
          <th scope="col">Variable</th>
          <th scope="col">Now</th>
          <th scope="col" aria-label="becomes" />
          <th scope="col">After restore</th>
        </tr>
      </thead>
      <tbody>
        {shown.map(name => {
          const { before, after } = changes[name];
          return (
            <tr key={name} data-name={name}>
              <th scope="row" title={name}>
                <code>{name}</code>
              </th>
              <td title={before ?? 'not defined'}>
                {before ?? <em>not defined</em>}
              </td>
              <td aria-hidden="true">→</td>
              <td title={after ?? 'removed'}>{after ?? <em>removed</em>}</td>
            </tr>
          );
        })}
      </tbody>
      {names.length > shown.length && (
        <tfoot>
          <tr>
            <td colSpan={4}>and {names.length - shown.length} more</td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

/** Body of the restore dialog: what would change, and what to restore. */
export function RestorePreview(props: {
  plan: IRestorePlan | null;
  hasKernel: boolean;
  variables: number;
  /** Variables that would be unpickled without trust (the trust prompt). */
  needsTrust?: IUntrustedVariable[];
  /** Who saved the version. */
  author?: string | null;
  mode: RestoreMode;
  onMode: (mode: RestoreMode) => void;
}): JSX.Element {
  const { plan, hasKernel, variables } = props;
  const needsTrust = props.needsTrust ?? [];
  const varsPossible = hasKernel && variables > 0;
  const lines: string[] = [];
  if (plan) {
    if (plan.restore.length) {
      lines.push(`Variables restored: ${names(plan.restore)}`);
    }
    if (plan.unchanged.length) {
      lines.push(`Unchanged: ${names(plan.unchanged)}`);
    }
    if (plan.remove.length) {
      lines.push(`Removed (not in this version): ${names(plan.remove)}`);
    }
    if (plan.missing.length) {
      lines.push(`Missing from the store: ${names(plan.missing)}`);
    }
  } else if (variables === 0) {
    lines.push(
      'This version has no kernel variables: only cells can be restored.'
    );
  } else if (!hasKernel) {
    lines.push(
      `The notebook has no running kernel: the ${variables} saved variables cannot be restored now.`
    );
  }
  return (
    <div
      className="jp-nbversion-restore"
      data-testid="nbversion-restore-preview"
    >
      {needsTrust.length > 0 && (
        <div
          className="jp-nbversion-trust"
          role="alert"
          data-testid="nbversion-trust-prompt"
        >
          <p>
            <strong>Not trusted.</strong> This version was saved
            {props.author ? ` by ${props.author}` : ''} elsewhere (pulled or
            imported) and you have not trusted it. Restoring these variables
            unpickles them, which can run arbitrary code:
          </p>
          <ul data-testid="nbversion-trust-list">
            {needsTrust.map(v => (
              <li key={v.name}>
                <code>{v.name}</code>{' '}
                <span className="jp-nbversion-muted">{v.type || v.kind}</span>
              </li>
            ))}
          </ul>
          <p>
            <em>Trust and restore</em> records your trust in this version (as{' '}
            <code>nbversion trust</code> does) and loads them;{' '}
            <em>Restore without them</em> restores everything else and leaves
            them as they are: nothing is unpickled.
          </p>
        </div>
      )}
      {plan && <BeforeAfter plan={plan} />}
      <ul className="jp-nbversion-plan">
        {lines.map(line => (
          <li key={line}>{line}</li>
        ))}
        <li>
          The cells are replaced in the open notebook (unsaved until you save
          it); the current state is kept first, so “Undo restore” can put it
          back.
        </li>
      </ul>
      <fieldset className="jp-nbversion-modes">
        <legend>Restore</legend>
        {MODES.map(({ mode, label }) => {
          const disabled = mode !== 'notebook' && !varsPossible;
          return (
            <label key={mode} className={disabled ? 'jp-mod-disabled' : ''}>
              <input
                type="radio"
                name="nbversion-restore-mode"
                value={mode}
                checked={props.mode === mode}
                disabled={disabled}
                aria-label={label}
                title={label}
                onChange={() => props.onMode(mode)}
              />
              {label}
            </label>
          );
        })}
      </fieldset>
    </div>
  );
}
