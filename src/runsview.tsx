/**
 * The Runs tab: every version of a notebook as a sortable, filterable table with params
 * and metrics as columns; ticked rows are compared (deltas against a baseline) and
 * charted. One tab per notebook, reused when opened again.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { RunsChart } from './components/RunsChart';
import { RunsCompare } from './components/RunsCompare';
import { RunsScatter } from './components/RunsScatter';
import { RunsTable } from './components/RunsTable';
import { nbversionIcon } from './icons';
import { RunsModel, RunsScope } from './runs';
import { IVersionsUI } from './tokens';

/** What the chart plots: the ticked rows (two or more) or every row the filter passes. */
type ChartScope = 'selected' | 'all';

function ColumnChooser(props: { model: RunsModel }): JSX.Element {
  const { model } = props;
  return (
    <details className="jp-nbversion-runs-columns">
      <summary title="Choose the columns shown">
        Columns ({model.visibleColumns.length}/{model.columns.length})
      </summary>
      <div
        className="jp-nbversion-runs-columns-list"
        role="group"
        aria-label="Columns"
      >
        {model.columns.map(c => (
          <label key={c.key}>
            <input
              type="checkbox"
              checked={!model.isHidden(c.key)}
              onChange={() => model.toggleColumn(c.key)}
            />{' '}
            {c.kind === 'field' ? c.label : `${c.label} (${c.kind})`}
          </label>
        ))}
      </div>
    </details>
  );
}

/** The tab's content: renders a RunsModel. */
export class RunsView extends ReactWidget {
  constructor(
    readonly model: RunsModel,
    private _onOpen: (id: string) => void
  ) {
    super();
    this.addClass('jp-nbversion-runs');
  }

  private _scope: ChartScope | null = null;

  render(): JSX.Element {
    const model = this.model;
    return (
      <UseSignal signal={model.changed}>
        {() => {
          const selected = model.selectedVersions;
          const heads = new Set(Object.values(model.refs?.branches ?? {}));
          const metric = model.chartMetric;
          const param = model.chartParam;
          const scope: ChartScope =
            this._scope ?? (selected.length >= 2 ? 'selected' : 'all');
          const charted = scope === 'selected' ? selected : model.view;
          return (
            <div
              className="jp-nbversion-runs-body"
              data-testid="nbversion-runs"
            >
              <div className="jp-nbversion-runs-toolbar">
                <input
                  type="search"
                  className="jp-mod-styled jp-nbversion-runs-filter"
                  placeholder="Filter: message, branch, tag, author, param, metric, id…"
                  aria-label="Filter runs"
                  title="Filter runs"
                  value={model.filter}
                  onChange={e => model.setFilter(e.target.value)}
                />
                <select
                  className="jp-mod-styled jp-nbversion-runs-scope"
                  aria-label="Versions listed"
                  title="List this notebook's versions, or every notebook's in the project"
                  value={model.scope}
                  onChange={e =>
                    void model.setScope(e.target.value as RunsScope)
                  }
                >
                  <option value="notebook">This notebook</option>
                  <option value="project">All notebooks of the project</option>
                </select>
                <ColumnChooser model={model} />
                <button
                  type="button"
                  className="jp-Button jp-mod-styled jp-mod-reject"
                  title="Reload the versions"
                  aria-label="Reload runs"
                  onClick={() => void model.load()}
                >
                  Reload
                </button>
                <button
                  type="button"
                  className="jp-Button jp-mod-styled jp-mod-reject"
                  title="Untick every row"
                  disabled={!selected.length}
                  onClick={() => model.clearSelection()}
                >
                  Clear selection
                </button>
                <span
                  className="jp-nbversion-runs-count"
                  data-testid="nbversion-runs-count"
                  aria-live="polite"
                >
                  {model.loading
                    ? 'Loading…'
                    : `${model.view.length} of ${model.total} versions · ${selected.length} selected`}
                </span>
              </div>
              {model.error && (
                <p className="jp-nbversion-error" role="alert">
                  {model.error}
                </p>
              )}
              <div
                className={`jp-nbversion-runs-main${
                  selected.length >= 2 || scope === 'all' ? ' jp-mod-split' : ''
                }`}
              >
                <RunsTable
                  rows={model.view}
                  columns={model.visibleColumns}
                  sortKey={model.sortKey}
                  sortDir={model.sortDir}
                  selected={model.selected}
                  focused={model.focused}
                  heads={heads}
                  onSort={key => model.sortBy(key)}
                  onToggle={id => model.toggleSelected(id)}
                />
                <div className="jp-nbversion-runs-analysis">
                  {selected.length >= 2 && (
                    <section aria-label="Compare">
                      <h3>Compare {selected.length} versions</h3>
                      <RunsCompare
                        versions={selected}
                        baseline={model.baseline ?? selected[0].id}
                        onBaseline={id => model.setBaseline(id)}
                        onRemove={id => model.toggleSelected(id)}
                      />
                    </section>
                  )}
                  {metric && charted.length > 0 && (
                    <section aria-label="Chart">
                      <h3>
                        Chart of{' '}
                        <select
                          className="jp-mod-styled"
                          aria-label="Versions to chart"
                          value={scope}
                          onChange={e => {
                            this._scope = e.target.value as ChartScope;
                            this.update();
                          }}
                        >
                          <option
                            value="selected"
                            disabled={selected.length < 2}
                          >
                            the {selected.length} selected versions
                          </option>
                          <option value="all">
                            all {model.view.length} listed versions
                          </option>
                        </select>
                      </h3>
                      <div className="jp-nbversion-runs-charts">
                        <RunsChart
                          versions={charted}
                          metric={metric}
                          metrics={model.metricNames}
                          branches={model.branchNames}
                          seriesOf={v => model.seriesOf(v)}
                          highlighted={model.selected}
                          focused={model.focused}
                          onMetric={name => model.setChartMetric(name)}
                          onOpen={this._onOpen}
                        />
                        {param && (
                          <RunsScatter
                            versions={charted}
                            param={param}
                            params={model.paramNames}
                            metric={metric}
                            branches={model.branchNames}
                            seriesOf={v => model.seriesOf(v)}
                            highlighted={model.selected}
                            focused={model.focused}
                            onParam={name => model.setChartParam(name)}
                            onOpen={this._onOpen}
                          />
                        )}
                      </div>
                    </section>
                  )}
                </div>
              </div>
            </div>
          );
        }}
      </UseSignal>
    );
  }
}

const opened = new Map<string, MainAreaWidget<RunsView>>();

/**
 * Open (or bring back) the Runs tab of `path`. Clicking a point of its chart selects
 * that row and expands the version in the Versions sidebar.
 */
export function openRuns(
  app: JupyterFrontEnd,
  ui: IVersionsUI,
  path: string
): MainAreaWidget<RunsView> {
  const existing = opened.get(path);
  if (existing && !existing.isDisposed) {
    app.shell.activateById(existing.id);
    void existing.content.model.load();
    return existing;
  }
  const model = new RunsModel(path);
  const onOpen = (id: string) => {
    model.focus(id);
    if (!model.selected.includes(id)) {
      model.toggleSelected(id);
    }
    // (all notebooks listed: the sidebar shows the version only if it is its notebook's)
    const owner =
      model.scope === 'project' ? model.version(id)?.notebook_path : path;
    if (ui.model.path === owner) {
      ui.model.reveal(id);
      ui.open();
    }
  };
  const content = new RunsView(model, onOpen);
  const widget = new MainAreaWidget({ content });
  widget.id = `nbversion-runs-${opened.size}-${Date.now().toString(36)}`;
  widget.title.label = `Runs: ${path.split('/').pop()}`;
  widget.title.caption = `Every version of ${path}`;
  widget.title.icon = nbversionIcon;
  widget.title.closable = true;
  opened.set(path, widget);

  // versions saved meanwhile (sidebar, a cell, auto-save): reload, once per burst
  let timer: ReturnType<typeof setTimeout> | null = null;
  const onChanged = () => {
    if (ui.model.path !== path || ui.model.query || model.loading) {
      return;
    }
    if (ui.model.total !== model.total && !ui.model.loading) {
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(() => void model.load(), 300);
    }
  };
  ui.model.changed.connect(onChanged);
  widget.disposed.connect(() => {
    ui.model.changed.disconnect(onChanged);
    if (timer) {
      clearTimeout(timer);
    }
    model.dispose();
    opened.delete(path);
  });
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
  void model.load();
  return widget;
}
