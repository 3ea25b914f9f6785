/**
 * The Compare tab: one main-area tab, reused by every Compare (its content is replaced
 * and it is brought to the front), opened as a tab beside the notebook rather than a
 * split that squeezes it.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import * as api from './api';
import { INotebookLike } from './components/CellPairs';
import { ComparedNotebooks, CompareView } from './components/CompareView';
import { nbversionIcon } from './icons';
import { localDiff } from './localdiff';
import { shortId } from './restore';
import { IVersionDiff, IVersionSummary } from './tokens';

/** Id of the one Compare tab. */
export const COMPARE_TAB_ID = 'nbversion-compare';

interface ICompareState {
  a: IVersionSummary;
  b: IVersionSummary;
  diff: IVersionDiff;
  note: string | null;
  notebooks: ComparedNotebooks;
}

/** The tab's content: renders the latest comparison asked for. */
class CompareContent extends ReactWidget {
  constructor(public rendermime: IRenderMimeRegistry | null) {
    super();
    this.addClass('jp-nbversion-compare-view');
  }

  state: ICompareState | null = null;

  render(): JSX.Element | null {
    const s = this.state;
    if (!s) {
      return null;
    }
    return (
      <CompareView
        // a new pair remounts the view: folded runs and renderers start afresh
        key={`${s.a.id}:${s.b.id}`}
        {...s}
        rendermime={this.rendermime}
      />
    );
  }
}

let tab: MainAreaWidget<CompareContent> | null = null;

/** A stored notebook checked to have the shape the view reads (foreign content). */
function asNotebook(nb: { cells?: unknown }): INotebookLike {
  const cells = Array.isArray(nb.cells) ? nb.cells : null;
  const ok = cells?.every(
    c =>
      c &&
      typeof c === 'object' &&
      typeof c.cell_type === 'string' &&
      (typeof c.source === 'string' || Array.isArray(c.source)) &&
      (c.outputs === undefined || Array.isArray(c.outputs))
  );
  if (!cells || !ok) {
    throw new Error('the stored notebook is not a valid nbformat notebook');
  }
  return { cells } as INotebookLike;
}

/** The Compare tab, created on first use and re-added to the main area if closed. */
function compareTab(
  app: JupyterFrontEnd,
  rendermime: IRenderMimeRegistry | null
): MainAreaWidget<CompareContent> {
  if (tab && !tab.isDisposed) {
    if (rendermime) {
      tab.content.rendermime = rendermime;
    }
    return tab;
  }
  const widget = new MainAreaWidget({
    content: new CompareContent(rendermime)
  });
  widget.id = COMPARE_TAB_ID;
  widget.title.icon = nbversionIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => {
    tab = null;
  });
  tab = widget;
  app.shell.add(widget, 'main', { mode: 'tab-after' });
  return widget;
}

/**
 * Show the diff between versions `a` (before) and `b` (after) in the Compare tab:
 * first the summary and sections, then the two notebooks' cells side by side once
 * both are fetched. `rendermime` renders outputs (the notebook's own registry).
 */
export async function openCompare(
  app: JupyterFrontEnd,
  path: string,
  a: IVersionSummary,
  b: IVersionSummary,
  rendermime: IRenderMimeRegistry | null = null
): Promise<void> {
  let diff: IVersionDiff;
  let note: string | null = null;
  try {
    diff = await api.getDiff(a.id, b.id, path);
  } catch (error) {
    // the server's diff failed: compare the two manifests here instead
    const [da, db] = await Promise.all([
      api.getVersion(a.id, path),
      api.getVersion(b.id, path)
    ]);
    diff = localDiff(da, db);
    note = `The server could not diff these versions (${String(
      error instanceof Error ? error.message : error
    )}); showing a comparison of their manifests.`;
  }
  const widget = compareTab(app, rendermime);
  const state: ICompareState = { a, b, diff, note, notebooks: undefined };
  widget.content.state = state;
  widget.content.update();
  widget.title.label = `Compare ${shortId(a.id)} → ${shortId(b.id)}`;
  widget.title.caption = `${a.message || a.id} → ${b.message || b.id}`;
  app.shell.activateById(widget.id);
  try {
    const [na, nb] = await Promise.all([
      api.getVersionNotebook(a.id),
      api.getVersionNotebook(b.id)
    ]);
    state.notebooks = { a: asNotebook(na), b: asNotebook(nb) };
  } catch (error) {
    state.notebooks = error instanceof Error ? error.message : String(error);
  }
  if (widget.content.state === state) {
    // still the comparison shown (no newer Compare replaced it meanwhile)
    widget.content.state = { ...state };
    widget.content.update();
  }
}
