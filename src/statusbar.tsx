import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

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
