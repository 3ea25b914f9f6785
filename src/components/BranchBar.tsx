import { deleteIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IRefs } from '../tokens';

/** Internal branch holding undo points: not offered in the switcher. */
const HIDDEN = 'nbversion-undo';

/**
 * Current-branch switcher and branch deletion. Remote-tracking branches (`origin/main`)
 * are not offered: they move only by pull and push (restore them, or branch from them).
 */
export function BranchBar(props: {
  refs: IRefs;
  remotes: string[];
  disabled: boolean;
  onSwitch: (name: string) => void;
  onDelete: (name: string) => void;
}): JSX.Element {
  const { refs } = props;
  const names = Object.keys(refs.branches)
    .filter(
      n => n !== HIDDEN && !props.remotes.some(r => n.startsWith(`${r}/`))
    )
    .sort();
  if (!names.includes(refs.current_branch)) {
    names.unshift(refs.current_branch);
  }
  return (
    <div className="jp-nbversion-branchbar">
      <label className="jp-nbversion-branch-label">
        Branch
        <select
          className="jp-mod-styled"
          aria-label="Switch branch"
          title="Switch branch: restores the branch's latest version"
          value={refs.current_branch}
          disabled={props.disabled}
          onChange={e => props.onSwitch(e.target.value)}
        >
          {names.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="jp-Button jp-mod-minimal jp-nbversion-iconbtn"
        aria-label="Delete branch"
        title="Delete a branch…"
        disabled={props.disabled || names.length < 2}
        onClick={() => props.onDelete(refs.current_branch)}
      >
        <deleteIcon.react tag="span" />
      </button>
    </div>
  );
}
