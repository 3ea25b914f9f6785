/**
 * Answer the kernel's requests for the notebook as open in the editor.
 *
 * A save started in a cell (`%version save`, `nbversion.save()`, auto-save) runs while
 * the kernel is busy. The kernel sends `{request: id}` on a comm this extension opened to
 * it (target `nbversion.live`); the message arrives on IOPub after the cell's earlier
 * outputs, so the model then holds the cell's code as typed and those outputs. The model
 * is posted to the server, which writes it where the kernel waits (see docs/kernel.md).
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';

import { deliverLive } from './api';

export const LIVE_TARGET = 'nbversion.live';
const REQUEST_ID = /^[0-9a-f]{32}$/;

export class LiveAnswers {
  /** Follow a notebook panel: open the comm to each kernel it connects to. */
  watch(panel: NotebookPanel): void {
    const context = panel.sessionContext;
    const attach = () => this.ensure(panel);
    context.kernelChanged.connect(attach);
    // again after a restart (the kernel forgot our comm); never on every idle: a kernel
    // without the target closes the comm, and reopening it would keep the kernel busy
    let restarting = false;
    context.statusChanged.connect((_, status) => {
      if (status === 'restarting' || status === 'autorestarting') {
        restarting = true;
      } else if (status === 'idle' && restarting) {
        restarting = false;
        attach();
      }
    });
    context.connectionStatusChanged.connect((_, status) => {
      if (status === 'connected') {
        attach();
      }
    });
    void context.ready.then(attach);
    panel.disposed.connect(() => {
      context.kernelChanged.disconnect(attach);
      const kernel = context.session?.kernel;
      const comm = kernel ? this._comms.get(kernel) : undefined;
      if (comm && !comm.isDisposed) {
        comm.close();
      }
    });
  }

  /** Open the comm to the panel's kernel unless one is open (cheap to call often). */
  ensure(panel: NotebookPanel): void {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || kernel.isDisposed || !kernel.handleComms) {
      return;
    }
    const known = this._comms.get(kernel);
    if (known && !known.isDisposed) {
      return;
    }
    let comm: Kernel.IComm;
    try {
      comm = kernel.createComm(LIVE_TARGET);
    } catch {
      return;
    }
    this._comms.set(kernel, comm);
    comm.onMsg = msg => {
      const data = msg.content.data as { request?: unknown };
      const id = data?.request;
      if (typeof id !== 'string' || !REQUEST_ID.test(id) || panel.isDisposed) {
        return;
      }
      // the model now: later messages (the save's own output) must not be in it
      const content = panel.context.model.toJSON();
      void deliverLive(id, panel.context.path, content).catch(error => {
        console.warn(
          'nbversion: could not send the notebook to the kernel',
          error
        );
      });
    };
    comm.onClose = () => {
      if (this._comms.get(kernel) === comm) {
        this._comms.delete(kernel);
      }
    };
    try {
      void Promise.resolve(comm.open({ hello: 1 }).done).catch(() => undefined);
    } catch {
      this._comms.delete(kernel);
    }
  }

  private _comms = new WeakMap<Kernel.IKernelConnection, Kernel.IComm>();
}
