/**
 * Restore a version in place: preview dialog, safety version, apply, undo.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { INotebookContent } from '@jupyterlab/nbformat';
import { INotebookModel } from '@jupyterlab/notebook';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import * as api from './api';
import { VersionsModel } from './model';
import {
  IRestorePlan,
  IRestoreResult,
  IUntrustedVariable,
  RestoreMode
} from './tokens';
import { RestorePreview } from './components/RestorePreview';

/** One step of "Undo restore": the undo point saved before a restore or switch. */
interface IUndo {
  path: string;
  /** The version that was restored (for the notification). */
  versionId: string;
  /** The undo point: the notebook (and kernel variables) the restore replaced. */
  undoId: string;
  /** Whether the restore replaced the cells, and the kernel's variables. */
  notebook: boolean;
  variables: boolean;
}

/** Undo steps kept per session (older undo points stay in the history). */
const MAX_UNDO = 20;

/** Branch on which the kernel records the state from before each restore. */
export const UNDO_BRANCH = 'nbversion-undo';

export const shortId = (id: string): string => id.slice(0, 8);

/** Dialog body with the restore plan and the mode choice. */
class RestoreBody
  extends ReactWidget
  implements Dialog.IBodyWidget<RestoreMode>
{
  constructor(
    private _plan: IRestorePlan | null,
    private _hasKernel: boolean,
    private _variables: number,
    private _mode: RestoreMode,
    private _needsTrust: IUntrustedVariable[],
    private _author: string | null
  ) {
    super();
    this.addClass('jp-nbversion-restore-body');
  }

  getValue(): RestoreMode {
    return this._mode;
  }

  render(): JSX.Element {
    return (
      <RestorePreview
        plan={this._plan}
        hasKernel={this._hasKernel}
        variables={this._variables}
        needsTrust={this._needsTrust}
        author={this._author}
        mode={this._mode}
        onMode={mode => {
          this._mode = mode;
          this.update();
        }}
      />
    );
  }
}

/** Labels of the restore dialog's buttons when the version needs trust. */
export const TRUST_AND_RESTORE = 'Trust and restore';
export const RESTORE_WITHOUT = 'Restore without them';

/** How to restore: with trust (its pickles may load), or only some variables. */
export interface IApplyOptions {
  trust?: boolean;
  variables?: string[];
}

/** Restores and undoes restores for the Versions panel. */
export class Restorer {
  constructor(
    private _model: VersionsModel,
    private _defaultMode: () => RestoreMode
  ) {}

  /** Whether an "Undo restore" is available for the active notebook. */
  get canUndo(): boolean {
    return this.undoDepth > 0;
  }

  /** How many restores and switches of the active notebook can be undone, newest first. */
  get undoDepth(): number {
    return this._undo.filter(u => u.path === this._model.path).length;
  }

  /** Preview a restore of `id`, let the user choose what to restore, then apply it. */
  async restoreWithPreview(id: string): Promise<void> {
    const model = this._model;
    const path = model.path;
    if (!path) {
      throw new Error('Open a notebook to restore a version into it.');
    }
    const preview = await model.track('Preparing restore…', onProgress =>
      api.restoreVersion(
        id,
        { path, kernelId: model.kernelId, notebook: false, preview: true },
        onProgress
      )
    );
    const details = await api.getVersion(id, path);
    const hasKernel = !!model.kernelId;
    const variables = Object.keys(details.variables).length;
    // variables the restore would unpickle although this user never trusted the version
    const needsTrust = preview.variables?.needs_trust ?? [];
    const body = new RestoreBody(
      preview.variables?.plan ?? null,
      hasKernel,
      variables,
      variables > 0 && hasKernel ? this._defaultMode() : 'notebook',
      needsTrust,
      details.author?.name ?? null
    );
    const buttons = needsTrust.length
      ? [
          Dialog.cancelButton(),
          Dialog.createButton({
            label: RESTORE_WITHOUT,
            ariaLabel: RESTORE_WITHOUT,
            caption: 'Restore the other variables; nothing is unpickled'
          }),
          Dialog.warnButton({
            label: TRUST_AND_RESTORE,
            ariaLabel: TRUST_AND_RESTORE,
            caption:
              'Trust this version (like nbversion trust) and load its pickled variables'
          })
        ]
      : [
          Dialog.cancelButton(),
          Dialog.okButton({ label: 'Restore', ariaLabel: 'Restore' })
        ];
    const result = await showDialog({
      title: `Restore version ${shortId(id)}${details.message ? ` “${details.message}”` : ''}`,
      body,
      buttons,
      // with pickles at stake, Enter picks the safe choice
      defaultButton: needsTrust.length ? 1 : undefined
    });
    if (!result.button.accept || !result.value) {
      return;
    }
    const options: IApplyOptions = {};
    if (result.button.label === TRUST_AND_RESTORE) {
      options.trust = true;
    }
    // RESTORE_WITHOUT is a plain restore: without trust the kernel loads the safe formats
    // and holds back every variable whose loading would unpickle (it never decodes them)
    await this.apply(
      id,
      result.value,
      `Before restore of ${shortId(id)}`,
      options
    );
  }

  /**
   * Restore `id` in place. The notebook is saved first, then the state the restore
   * replaces (the editor's cells, unsaved edits included, and the kernel's variables) is
   * saved as an undo point (`undoMessage`, on the `nbversion-undo` branch: shown dimmed in
   * the history) before anything changes. Each restore pushes one step of "Undo restore".
   */
  async apply(
    id: string,
    mode: RestoreMode,
    undoMessage: string,
    options: IApplyOptions = {}
  ): Promise<void> {
    const model = this._model;
    const panel = model.notebook;
    if (!panel) {
      throw new Error('Open a notebook to restore a version into it.');
    }
    const path = panel.context.path;
    const result = await model.track('Restoring…', async onProgress => {
      await panel.context.save();
      return api.restoreVersion(
        id,
        {
          path,
          kernelId: model.kernelId,
          notebook: mode !== 'variables',
          variables: mode === 'notebook' ? [] : options.variables,
          trust: options.trust ?? false,
          undoPoint: undoMessage
        },
        onProgress
      );
    });
    this._applyNotebook(result);
    this._held(id, mode !== 'variables');
    if (result.undo) {
      this._undo.push({
        path,
        versionId: id,
        undoId: result.undo,
        notebook: mode !== 'variables',
        variables: !!result.variables
      });
      this._undo.splice(0, Math.max(0, this._undo.length - MAX_UNDO));
    }
    await model.refresh();
    Notification.success(describe(id, result), {
      autoClose: 5000,
      actions: result.undo
        ? [
            {
              label: 'Undo restore',
              caption:
                'Put the notebook and variables back as before the restore',
              callback: () => void this.undo().catch(notifyError)
            }
          ]
        : []
    });
  }

  /** Undo the last restore or switch of this notebook (again for the one before). */
  async undo(): Promise<void> {
    const panel = this._model.notebook;
    const path = panel?.context.path;
    let index = -1;
    this._undo.forEach((u, i) => {
      if (u.path === path) {
        index = i;
      }
    });
    if (!panel || index < 0) {
      throw new Error('Nothing to undo for this notebook.');
    }
    const undo = this._undo[index]!;
    const result = await this._model.track('Undoing restore…', onProgress =>
      api.restoreVersion(
        undo.undoId,
        {
          path: undo.path,
          kernelId: this._model.kernelId,
          notebook: undo.notebook,
          variables: undo.variables ? undefined : [],
          undoPoint: false
        },
        onProgress
      )
    );
    this._undo.splice(index, 1);
    this._applyNotebook(result);
    this._held(undo.undoId, undo.notebook);
    await this._model.refresh();
    const left = this.undoDepth;
    Notification.info(
      `Undid the restore of ${shortId(undo.versionId)}` +
        (left ? ` (${left} more to undo).` : '.'),
      { autoClose: 4000 }
    );
  }

  /** The notebook (when restored) now holds `id`; ask the kernel what it holds. */
  private _held(id: string, notebook: boolean): void {
    if (notebook) {
      this._model.holds.noteNotebook(id, 'restored');
    }
    void this._model.holds.refreshKernel();
  }

  private _applyNotebook(result: IRestoreResult): void {
    const panel = this._model.notebook;
    if (result.notebook && panel) {
      loadUntrusted(
        panel.context.model,
        result.notebook as unknown as INotebookContent
      );
    }
  }

  private _undo: IUndo[] = [];
}

/**
 * Load stored notebook content into the editor's model with every cell untrusted.
 *
 * A stored version may be a teammate's: a cell marked trusted would let its HTML outputs
 * run script in this page. The server already strips trust marks; this is the second
 * line, so trust comes back only when the user trusts the notebook the Jupyter way.
 */
export function loadUntrusted(
  model: INotebookModel,
  content: INotebookContent
): void {
  const cells = (content.cells ?? []).map(cell => {
    const metadata = { ...(cell.metadata ?? {}) } as Record<string, unknown>;
    delete metadata.trusted;
    return { ...cell, metadata } as typeof cell;
  });
  model.fromJSON({ ...content, cells });
  for (let i = 0; i < model.cells.length; i++) {
    model.cells.get(i).trusted = false;
  }
}

/** "Restored 1a2b3c4d: notebook; variables x, y restored, tmp removed". */
export function describe(id: string, result: IRestoreResult): string {
  const parts: string[] = [];
  if (result.notebook) {
    parts.push('notebook cells');
  }
  const v = result.variables;
  if (v) {
    const restored = v.restored ?? [];
    const removed = v.removed ?? [];
    const failures = Object.entries(v.failed ?? {});
    const held = failures
      .filter(([, why]) => why.startsWith('held back'))
      .map(([name]) => name);
    const failed = failures
      .filter(([, why]) => !why.startsWith('held back'))
      .map(([name]) => name);
    parts.push(
      `${restored.length} variable${restored.length === 1 ? '' : 's'} restored`
    );
    if (removed.length) {
      parts.push(`${removed.join(', ')} removed`);
    }
    if (held.length) {
      parts.push(`held back (not trusted): ${held.join(', ')}`);
    }
    if (failed.length) {
      parts.push(`failed: ${failed.join(', ')}`);
    }
  }
  return `Restored ${shortId(id)}: ${parts.join('; ') || 'nothing to change'}.`;
}

/** Show any error as a JupyterLab notification with the server's message. */
export function notifyError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('nbversion:', error);
  Notification.error(message, { autoClose: 8000 });
}
