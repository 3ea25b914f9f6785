/**
 * "Kernel holds": which version the kernel and the notebook were last saved as or
 * restored from, and whether they changed since. The kernel's side comes from its status
 * (`GET status?path=` → `kernel.holds`); the notebook's from this page's own saves and
 * restores and the editor's content changes.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';

import * as api from './api';
import { IHeld, ISaveFailure } from './tokens';

/** What the notebook in the editor holds. */
export interface INotebookHeld {
  id: string;
  how: 'saved' | 'restored';
  at: string;
  changed: boolean;
}

export class HoldsModel {
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The kernel's version (null: no kernel, or it neither saved nor restored yet). */
  get kernel(): IHeld | null {
    return this._kernel;
  }
  get notebook(): INotebookHeld | null {
    return this._notebook;
  }

  /** Follow another notebook (or none). */
  setPanel(panel: NotebookPanel | null): void {
    if (panel === this._panel) {
      return;
    }
    this._panel?.context.model.contentChanged.disconnect(this._onEdit, this);
    this._panel?.sessionContext.kernelChanged.disconnect(this._onKernel, this);
    this._panel = panel;
    this._kernel = null;
    this._notebook = panel
      ? (this._byPath.get(panel.context.path) ?? null)
      : null;
    panel?.context.model.contentChanged.connect(this._onEdit, this);
    panel?.sessionContext.kernelChanged.connect(this._onKernel, this);
    this._changed.emit();
    void this.refreshKernel();
  }

  /** The notebook in the editor is now version `id` (a save or a restore from here). */
  noteNotebook(id: string, how: INotebookHeld['how']): void {
    const path = this._panel?.context.path;
    if (!path) {
      return;
    }
    this._notebook = { id, how, at: new Date().toISOString(), changed: false };
    this._byPath.set(path, this._notebook);
    // loading restored cells emits content changes synchronously: those are the version
    this._quietUntil = performance.now() + 300;
    this._changed.emit();
  }

  /** Ask the kernel what it holds; soon after a cell ran (many cells: one request). */
  refreshKernelSoon(delayMs = 400): void {
    if (this._timer) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => void this.refreshKernel(), delayMs);
  }

  async refreshKernel(): Promise<void> {
    const path = this._panel?.context.path;
    if (!path) {
      return;
    }
    const ticket = ++this._ticket;
    try {
      const status = await api.getStatus(path);
      if (ticket !== this._ticket || path !== this._panel?.context.path) {
        return;
      }
      const held = status.kernel?.holds ?? null;
      this._kernel = held;
      this._reportFailure(status.kernel?.last_error ?? null);
      // a save from a cell (or auto-save) stores the notebook as shown here: it holds it
      const nb = this._notebook;
      if (
        held &&
        held.how === 'saved' &&
        held.id !== nb?.id &&
        (!nb || held.at > nb.at)
      ) {
        this._notebook = {
          id: held.id,
          how: 'saved',
          at: held.at,
          changed: false
        };
        this._byPath.set(path, this._notebook);
      }
    } catch {
      // the status is an extra: the sidebar reports an unreachable server elsewhere
    }
    this._changed.emit();
  }

  dispose(): void {
    if (this._timer) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  /** A failed auto-save must never pass unnoticed: one notification per failure. */
  private _reportFailure(failure: ISaveFailure | null): void {
    this._failure = failure;
    if (!failure || failure.at === this._reported) {
      return;
    }
    this._reported = failure.at;
    const what = failure.kind === 'autosave' ? 'Auto-save' : 'Saving a version';
    const times =
      failure.failures > 1 ? ` (${failure.failures} times in a row)` : '';
    Notification.error(
      `${what} failed${times}: ${failure.message}. No version was recorded for that cell.`,
      { autoClose: false }
    );
  }

  /** The last save that failed since one worked (null: all good). */
  get failure(): ISaveFailure | null {
    return this._failure;
  }

  private _onKernel(): void {
    this.refreshKernelSoon(1000); // a new kernel holds nothing yet
  }

  private _onEdit(): void {
    const nb = this._notebook;
    if (!nb || nb.changed || performance.now() < this._quietUntil) {
      return;
    }
    nb.changed = true;
    this._changed.emit();
  }

  private _panel: NotebookPanel | null = null;
  private _kernel: IHeld | null = null;
  private _notebook: INotebookHeld | null = null;
  private _byPath = new Map<string, INotebookHeld>();
  private _quietUntil = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _ticket = 0;
  private _failure: ISaveFailure | null = null;
  private _reported = '';
  private _changed = new Signal<this, void>(this);
}
