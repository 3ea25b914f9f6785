import * as React from 'react';

import { IRestorePlan, RestoreMode } from '../tokens';

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

/** Body of the restore dialog: what would change, and what to restore. */
export function RestorePreview(props: {
  plan: IRestorePlan | null;
  hasKernel: boolean;
  variables: number;
  mode: RestoreMode;
  onMode: (mode: RestoreMode) => void;
}): JSX.Element {
  const { plan, hasKernel, variables } = props;
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
