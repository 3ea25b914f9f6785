import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { nbversionIcon } from './icons';
import { VersionsModel } from './model';

/** Renders the server status block; purely presentational. */
function StatusView(props: { model: VersionsModel }): JSX.Element {
  const { model } = props;
  if (model.error) {
    return (
      <div className="jp-nbversion-error" role="alert">
        Cannot reach the nbversion server extension: {model.error}
      </div>
    );
  }
  if (!model.status) {
    return (
      <div className="jp-nbversion-loading">Connecting to the server…</div>
    );
  }
  const s = model.status;
  return (
    <dl className="jp-nbversion-status" data-testid="nbversion-status">
      <dt>Server extension</dt>
      <dd data-testid="nbversion-version">nbversion {s.version}</dd>
      <dt>Project root</dt>
      <dd data-testid="nbversion-root" title={s.root}>
        {s.root}
      </dd>
      <dt>Store</dt>
      <dd data-testid="nbversion-store" title={s.store}>
        {s.store_exists ? s.store : `${s.store} (created on first save)`}
      </dd>
    </dl>
  );
}

/** The "Versions" sidebar panel. */
export class VersionsPanel extends ReactWidget {
  constructor(readonly model: VersionsModel) {
    super();
    this.id = 'nbversion-panel';
    this.addClass('jp-nbversion-panel');
    this.title.icon = nbversionIcon;
    this.title.caption = 'Versions';
  }

  render(): JSX.Element {
    return (
      <div className="jp-nbversion-body">
        <header className="jp-nbversion-header">
          <h2>Versions</h2>
          <button
            className="jp-Button jp-mod-styled jp-mod-reject"
            onClick={() => void this.model.refresh()}
            title="Refresh"
          >
            Refresh
          </button>
        </header>
        <UseSignal signal={this.model.changed}>
          {() => <StatusView model={this.model} />}
        </UseSignal>
      </div>
    );
  }
}
