/**
 * The `autoSave` setting: turn the kernel's `%version autosave` on in every notebook
 * kernel once it is ready (again after a restart or a kernel change), and on or off
 * in all of them when the setting changes. Runs silently: no output, no history.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';

/** The code sent to the kernel (loads the magic first where the server did not). */
export function autosaveCode(on: boolean): string {
  return [
    'if "version" not in get_ipython().magics_manager.magics["line"]:',
    '    get_ipython().run_line_magic("load_ext", "nbversion")',
    `get_ipython().run_line_magic("version", "autosave ${on ? 'on' : 'off'}")`
  ].join('\n');
}

function send(
  kernel: Kernel.IKernelConnection | null | undefined,
  on: boolean
) {
  if (!kernel || kernel.isDisposed) {
    return;
  }
  kernel.requestExecute({
    code: autosaveCode(on),
    silent: true,
    store_history: false
  });
}

export class AutoSave {
  constructor(
    private _tracker: INotebookTracker,
    private _enabled: () => boolean
  ) {
    _tracker.forEach(panel => this._watch(panel));
    _tracker.widgetAdded.connect((_, panel) => this._watch(panel));
  }

  /** The setting changed: tell every open notebook's kernel. */
  apply(): void {
    const on = this._enabled();
    this._tracker.forEach(panel =>
      send(panel.sessionContext.session?.kernel, on)
    );
  }

  private _watch(panel: NotebookPanel): void {
    const context = panel.sessionContext;
    let restarting = false;
    const whenReady = (kernel: Kernel.IKernelConnection | null | undefined) => {
      if (!kernel) {
        return;
      }
      void kernel.info
        .then(() => {
          if (this._enabled() && context.session?.kernel === kernel) {
            send(kernel, true);
          }
        })
        .catch(() => undefined); // the kernel went away: nothing to do
    };
    const onKernelChanged = (
      _: ISessionContext,
      change: { newValue: Kernel.IKernelConnection | null }
    ) => whenReady(change.newValue);
    const onStatus = (_: ISessionContext, status: Kernel.Status) => {
      if (status === 'restarting' || status === 'autorestarting') {
        restarting = true;
      } else if (status === 'idle' && restarting) {
        restarting = false;
        whenReady(context.session?.kernel);
      }
    };
    context.kernelChanged.connect(onKernelChanged);
    context.statusChanged.connect(onStatus);
    void context.ready.then(() => whenReady(context.session?.kernel));
    panel.disposed.connect(() => {
      context.kernelChanged.disconnect(onKernelChanged);
      context.statusChanged.disconnect(onStatus);
    });
  }
}
