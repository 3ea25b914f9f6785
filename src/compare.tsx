import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import * as api from './api';
import { CompareView } from './components/CompareView';
import { nbversionIcon } from './icons';
import { shortId } from './restore';
import { localDiff } from './localdiff';
import { IVersionDiff, IVersionSummary } from './tokens';

/** Open a main-area tab with the diff between versions `a` (before) and `b` (after). */
export async function openCompare(
  app: JupyterFrontEnd,
  path: string,
  a: IVersionSummary,
  b: IVersionSummary
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
  const content = ReactWidget.create(
    <CompareView diff={diff} a={a} b={b} note={note} />
  );
  content.addClass('jp-nbversion-compare-view');
  const widget = new MainAreaWidget({ content });
  widget.id = `nbversion-compare-${a.id.slice(0, 12)}-${b.id.slice(0, 12)}`;
  widget.title.label = `Compare ${shortId(a.id)} → ${shortId(b.id)}`;
  widget.title.icon = nbversionIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main', { mode: 'split-right' });
  app.shell.activateById(widget.id);
}
