/**
 * What the panel's buttons and the commands do: dialogs, model calls, notifications.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';

import { openCompare } from './compare';
import { IPanelActions } from './components/types';
import { VersionsModel } from './model';
import { notifyError, Restorer, shortId, UNDO_BRANCH } from './restore';

/** Run an action, turning any failure into an error notification. */
function guarded(work: () => Promise<unknown>): void {
  work().catch(notifyError);
}

/** Build the panel's actions over the model and the restorer. */
export function createActions(
  app: JupyterFrontEnd,
  model: VersionsModel,
  restorer: Restorer
): IPanelActions {
  const actions: IPanelActions = {
    save: message =>
      guarded(async () => {
        const result = await model.save(message);
        const extra = result.variables_captured
          ? ''
          : ` (notebook only: ${result.reason ?? 'no kernel state'})`;
        const text = `Saved version ${shortId(result.id)}${extra}.`;
        if (result.variables_captured) {
          Notification.success(text, { autoClose: 2500 });
        } else {
          Notification.info(text, { autoClose: 6000 });
        }
      }),

    refresh: () =>
      guarded(() => Promise.all([model.refresh(), model.refreshStatus()])),

    restore: id => guarded(() => restorer.restoreWithPreview(id)),

    undoRestore: () => guarded(() => restorer.undo()),

    newBranch: id =>
      guarded(async () => {
        const answer = await InputDialog.getText({
          title: `New branch from ${shortId(id)}`,
          label: 'Branch name',
          placeholder: 'e.g. experiment-depth-2',
          okLabel: 'Create branch'
        });
        const name = answer.value?.trim();
        if (!answer.button.accept || !name) {
          return;
        }
        await model.createRef('branches', name, id);
        Notification.success(`Created branch ${name} at ${shortId(id)}.`, {
          autoClose: 5000,
          actions: [
            {
              label: `Switch to ${name}`,
              callback: () => actions.switchBranch(name)
            }
          ]
        });
      }),

    tag: id =>
      guarded(async () => {
        const answer = await InputDialog.getText({
          title: `Tag version ${shortId(id)}`,
          label: 'Tag name',
          placeholder: 'e.g. submitted-v1',
          okLabel: 'Tag'
        });
        const name = answer.value?.trim();
        if (!answer.button.accept || !name) {
          return;
        }
        await model.createRef('tags', name, id);
        Notification.success(`Tagged ${shortId(id)} as ${name}.`, {
          autoClose: 4000
        });
      }),

    removeTag: name =>
      guarded(async () => {
        await model.deleteRef('tags', name);
        Notification.info(`Removed tag ${name}.`, { autoClose: 4000 });
      }),

    switchBranch: name =>
      guarded(async () => {
        if (name === model.currentBranch) {
          return;
        }
        const head = await model.track(`Switching to ${name}…`, () =>
          model.checkout(name)
        );
        await restorer.apply(head, 'all', false);
      }),

    deleteBranch: () =>
      guarded(async () => {
        const others = Object.keys(model.refs.branches)
          .filter(b => b !== model.currentBranch && b !== UNDO_BRANCH)
          .sort();
        if (!others.length) {
          throw new Error(
            'The current branch cannot be deleted; there is no other branch.'
          );
        }
        const answer = await InputDialog.getItem({
          title: 'Delete branch',
          label:
            'Branch to delete (its versions stay reachable from tags and other branches)',
          items: others,
          okLabel: 'Delete'
        });
        const name = answer.value;
        if (!answer.button.accept || !name) {
          return;
        }
        const confirm = await showDialog({
          title: `Delete branch ${name}?`,
          body: 'Versions only reachable from this branch can be garbage-collected later.',
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: 'Delete branch' })
          ]
        });
        if (!confirm.button.accept) {
          return;
        }
        await model.deleteRef('branches', name);
        Notification.info(`Deleted branch ${name}.`, { autoClose: 4000 });
      }),

    compare: () =>
      guarded(async () => {
        const path = model.path;
        if (!path || model.selected.length !== 2) {
          throw new Error('Tick two versions to compare them.');
        }
        const [x, y] = model.selected.map(id => model.version(id));
        // older on the left ("before"), newer on the right ("after")
        const ordered =
          x && y && (x.created ?? '') > (y.created ?? '') ? [y, x] : [x, y];
        await openCompare(app, path, ordered[0]!, ordered[1]!);
      })
  };
  return actions;
}
