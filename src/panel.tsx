import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { BranchBar } from './components/BranchBar';
import { HistoryList } from './components/HistoryList';
import { HoldsIndicator } from './components/HoldsIndicator';
import { MetricsPlot } from './components/MetricsPlot';
import { SaveBar } from './components/SaveBar';
import { SharingSection } from './components/SharingSection';
import { StatusFooter } from './components/StatusFooter';
import { IPanelActions } from './components/types';
import { nbversionIcon } from './icons';
import { VersionsModel } from './model';

/** Search box over the history (server-side `q`). */
function SearchBox(props: { model: VersionsModel }): JSX.Element {
  return (
    <input
      type="search"
      className="jp-mod-styled jp-nbversion-search"
      placeholder="Filter: message, branch, tag, variable, metric…"
      aria-label="Filter versions"
      title="Filter versions"
      value={props.model.query}
      disabled={!props.model.path}
      onChange={e => props.model.setQuery(e.target.value)}
    />
  );
}

/** The "Versions" sidebar: save bar, branch bar, filter, history, server status. */
export class VersionsPanel extends ReactWidget {
  constructor(
    readonly model: VersionsModel,
    private _actions: IPanelActions,
    private _canUndo: () => boolean
  ) {
    super();
    this.id = 'nbversion-panel';
    this.addClass('jp-nbversion-panel');
    this.title.icon = nbversionIcon;
    this.title.caption = 'Versions';
  }

  private _showUndo = true;

  render(): JSX.Element {
    const model = this.model;
    const actions = this._actions;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-nbversion-body">
            <header className="jp-nbversion-header">
              <h2>Versions</h2>
              <span
                className="jp-nbversion-notebook"
                title={model.path ?? ''}
                data-testid="nbversion-notebook"
              >
                {model.path ?? 'no notebook'}
                {model.path ? ` · ${model.total}` : ''}
              </span>
              <button
                type="button"
                className="jp-Button jp-mod-styled jp-mod-accept jp-nbversion-openruns"
                aria-label="Open runs"
                title="Open the Runs tab: every version with its params and metrics, compare and chart"
                disabled={!model.path}
                onClick={() => actions.openRuns()}
              >
                Runs
              </button>
            </header>
            {model.path && (
              <UseSignal signal={model.holds.changed}>
                {() => (
                  <HoldsIndicator
                    kernel={model.holds.kernel}
                    notebook={model.holds.notebook}
                    hasKernel={!!model.kernelId}
                    find={id => model.version(id)}
                    failure={model.holds.failure}
                  />
                )}
              </UseSignal>
            )}
            <SaveBar
              enabled={!!model.path}
              running={model.running}
              busy={model.busy?.scope ? null : model.busy}
              canUndo={this._canUndo()}
              onSave={message => actions.save(message)}
              onRefresh={() => actions.refresh()}
              onUndo={() => actions.undoRestore()}
            />
            {model.path && (
              <BranchBar
                refs={model.refs}
                remotes={model.remoteNames}
                disabled={model.running || model.total === 0}
                onSwitch={name => actions.switchBranch(name)}
                onDelete={name => actions.deleteBranch(name)}
              />
            )}
            <div className="jp-nbversion-searchbar">
              <SearchBox model={model} />
              <button
                type="button"
                className={`jp-Button jp-mod-styled jp-mod-reject jp-nbversion-undotoggle${this._showUndo ? ' jp-mod-active' : ''}`}
                aria-label="Show undo points"
                aria-pressed={this._showUndo}
                title="Show the undo points saved before each restore or branch switch (dimmed)"
                onClick={() => {
                  this._showUndo = !this._showUndo;
                  this.update();
                }}
              >
                ↶
              </button>
              <button
                type="button"
                className="jp-Button jp-mod-styled jp-mod-reject jp-nbversion-compare"
                title="Compare the two ticked versions"
                disabled={model.selected.length !== 2}
                onClick={() => actions.compare()}
              >
                Compare
                {model.selected.length ? ` ${model.selected.length}/2` : ''}
              </button>
            </div>
            {model.path && <SharingSection model={model} actions={actions} />}
            {model.path && <MetricsPlot model={model} />}
            <HistoryList
              model={model}
              actions={actions}
              showUndo={this._showUndo}
            />
            <StatusFooter model={model} />
          </div>
        )}
      </UseSignal>
    );
  }
}
