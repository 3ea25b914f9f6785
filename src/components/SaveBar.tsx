import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IBusy } from '../model';

/** Message input, "Save version" button and the progress of a running operation. */
export function SaveBar(props: {
  enabled: boolean;
  running: boolean;
  busy: IBusy | null;
  canUndo: boolean;
  onSave: (message: string) => void;
  onRefresh: () => void;
  onUndo: () => void;
}): JSX.Element {
  const [message, setMessage] = React.useState('');
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    props.onSave(message.trim());
    setMessage('');
  };
  const { busy } = props;
  const pct =
    busy?.progress && busy.progress.total > 0
      ? Math.round((100 * busy.progress.done) / busy.progress.total)
      : undefined;
  return (
    <div className="jp-nbversion-savebar">
      <form className="jp-nbversion-saveform" onSubmit={submit}>
        <input
          className="jp-mod-styled jp-nbversion-message"
          type="text"
          placeholder="Version message (optional)"
          aria-label="Version message"
          title="Version message"
          value={message}
          disabled={!props.enabled}
          onChange={e => setMessage(e.target.value)}
        />
        <div className="jp-nbversion-savebuttons">
          <button
            type="submit"
            className="jp-Button jp-mod-styled jp-mod-accept"
            aria-label="Save version"
            title="Save version (Ctrl/Cmd+Alt+S)"
            disabled={!props.enabled || props.running}
          >
            Save version
          </button>
          {props.canUndo && (
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject jp-nbversion-undo"
              aria-label="Undo restore"
              title="Undo restore: put back the notebook and variables from before"
              onClick={props.onUndo}
            >
              Undo restore
            </button>
          )}
          <span className="jp-nbversion-spacer" />
          <button
            type="button"
            className="jp-Button jp-mod-minimal jp-nbversion-iconbtn"
            aria-label="Refresh history"
            title="Refresh history"
            onClick={props.onRefresh}
          >
            <refreshIcon.react tag="span" />
          </button>
        </div>
      </form>
      {busy && (
        <div className="jp-nbversion-busy" role="status" aria-live="polite">
          <span>
            {busy.label}
            {busy.detail ? ` ${busy.detail}` : ''}
            {busy.progress?.item ? ` (${busy.progress.item})` : ''}
          </span>
          <progress
            max={100}
            value={pct}
            aria-label={busy.label}
            data-testid="nbversion-progress"
          />
        </div>
      )}
    </div>
  );
}
