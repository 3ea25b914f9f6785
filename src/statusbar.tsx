import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { holdsShort } from './components/HoldsIndicator';
import { nbversionIcon } from './icons';
import { VersionsModel } from './model';

/** Status bar item: the active notebook's current nbversion branch. */
export class BranchStatus extends ReactWidget {
  constructor(
    private _model: VersionsModel,
    private _open: () => void
  ) {
    super();
    this.addClass('jp-nbversion-statusitem');
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <button
            type="button"
            className="jp-nbversion-statusbtn"
            aria-label="Current version branch"
            title={`nbversion branch of ${this._model.path ?? ''}: click to open Versions`}
            data-testid="nbversion-statusbar"
            onClick={this._open}
          >
            <nbversionIcon.react
              tag="span"
              className="jp-nbversion-statusicon"
            />
            {this._model.currentBranch}
          </button>
        )}
      </UseSignal>
    );
  }
}

/** Status bar item: which version the kernel and the notebook hold, and if changed. */
export class HoldsStatus extends ReactWidget {
  constructor(
    private _model: VersionsModel,
    private _open: () => void
  ) {
    super();
    this.addClass('jp-nbversion-statusitem');
  }

  render(): JSX.Element {
    const holds = this._model.holds;
    return (
      <UseSignal signal={this._model.changed}>
        {() => {
          const find = (id: string) => this._model.version(id);
          const text = holdsShort(holds.kernel, holds.notebook, find);
          return (
            <button
              type="button"
              className="jp-nbversion-statusbtn"
              aria-label={`Versions held: ${text}`}
              title={`Versions the kernel and the notebook were last saved as or restored from (* changed since): ${text}`}
              data-testid="nbversion-holds-status"
              onClick={this._open}
            >
              {text}
            </button>
          );
        }}
      </UseSignal>
    );
  }
}
