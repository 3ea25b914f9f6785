import * as React from 'react';

import { VersionsModel } from '../model';

/** Server extension status, folded away at the bottom of the panel. */
export function StatusFooter(props: { model: VersionsModel }): JSX.Element {
  const { model } = props;
  if (model.error) {
    return (
      <div className="jp-nbversion-error" role="alert">
        Cannot reach the nbversion server extension: {model.error}
      </div>
    );
  }
  const s = model.status;
  return (
    <details className="jp-nbversion-footer">
      <summary>Server</summary>
      {s ? (
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
      ) : (
        <div className="jp-nbversion-loading">Connecting to the server…</div>
      )}
    </details>
  );
}
