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
import { Widget } from '@lumino/widgets';

import { openCompare } from './compare';
import { formatBytes } from './components/format';
import { askName, refNameProblem } from './namedialog';
import { IPanelActions } from './components/types';
import { VersionsModel } from './model';
import { NbVersionAPIError } from './request';
import { notifyError, Restorer, shortId, UNDO_BRANCH } from './restore';
import { CommandIDs, ITransferResult } from './tokens';

const plural = (n: number, word: string): string =>
  `${n} ${word}${n === 1 ? '' : 's'}`;

/** "Pushed main to origin: 2 versions, 5 objects (1.2 MB)." */
export function describePush(branch: string, r: ITransferResult): string {
  if (!r.versions_sent && !r.objects_sent) {
    return `${r.remote} already had ${branch}: nothing to push.`;
  }
  return (
    `Pushed ${branch} to ${r.remote}: ${plural(r.versions_sent ?? 0, 'version')}, ` +
    `${plural(r.objects_sent ?? 0, 'object')} (${formatBytes(r.bytes_sent ?? 0)}).`
  );
}

/** "Pulled from origin: 1 version, 3 objects (20 KB)." */
export function describePull(r: ITransferResult): string {
  const skipped = r.skipped?.length
    ? ` Skipped: ${r.skipped.slice(0, 2).join('; ')}`
    : '';
  if (!r.versions_fetched) {
    return `${r.remote} has nothing new.${skipped}`;
  }
  return (
    `Pulled from ${r.remote}: ${plural(r.versions_fetched, 'version')}, ` +
    `${plural(r.objects_fetched ?? 0, 'object')} (${formatBytes(r.bytes_fetched ?? 0)}).${skipped}`
  );
}

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
    join: remote =>
      guarded(async () => {
        const branch = model.currentBranch;
        const tracking = `${remote}/${branch}`;
        const joined = await model.join(remote);
        Notification.success(
          joined
            ? `Joined ${tracking} into ${branch} (version ${shortId(joined)}, your state kept): push to share it.`
            : `${tracking} is already in ${branch}'s history.`,
          {
            autoClose: 6000,
            actions: joined
              ? [
                  {
                    label: `Push to ${remote}`,
                    callback: () => actions.push(remote)
                  }
                ]
              : []
          }
        );
      }),

    setGitAutocommit: on =>
      guarded(async () => {
        await model.setGitAutocommit(on);
        Notification.info(
          on
            ? 'Each save now also commits the notebook to git.'
            : 'Saves no longer commit the notebook to git.',
          { autoClose: 4000 }
        );
      }),

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
        let name = '';
        const created = await askName({
          title: `New branch from ${shortId(id)}`,
          label: 'Branch name',
          placeholder: 'e.g. experiment-depth-2',
          okLabel: 'Create branch',
          validate: n =>
            refNameProblem(n) ??
            (n in model.refs.branches ? `Branch ${n} already exists.` : null),
          submit: async n => {
            await model.createRef('branches', n, id);
            name = n;
          }
        });
        if (!created) {
          return;
        }
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
        let name = '';
        const tagged = await askName({
          title: `Tag version ${shortId(id)}`,
          label: 'Tag name',
          placeholder: 'e.g. submitted-v1',
          okLabel: 'Tag',
          validate: n =>
            refNameProblem(n) ??
            (n in model.refs.tags ? `Tag ${n} already exists.` : null),
          submit: async n => {
            await model.createRef('tags', n, id);
            name = n;
          }
        });
        if (!tagged) {
          return;
        }
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
        await restorer.apply(head, 'all', `Before switch to ${name}`);
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

    openRuns: () => void app.commands.execute(CommandIDs.openRuns),

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
        // outputs render with the notebook's own renderers (images, HTML tables)
        const rendermime = model.notebook?.content.rendermime ?? null;
        await openCompare(app, path, ordered[0]!, ordered[1]!, rendermime);
      }),

    push: remote =>
      guarded(async () => {
        const branch = model.currentBranch;
        let result: ITransferResult;
        try {
          result = await model.push(remote);
        } catch (error) {
          if (
            error instanceof NbVersionAPIError &&
            error.status === 409 &&
            /fetch first|changed while we pushed/.test(error.message)
          ) {
            await offerPull(remote, branch, error.message);
            return;
          }
          throw error;
        }
        Notification.success(describePush(branch, result), {
          autoClose: 5000
        });
      }),

    pull: remote =>
      guarded(async () => {
        const result = await model.pull(remote);
        const status = model.remotes.find(r => r.name === remote);
        const behind = status?.behind ?? 0;
        const diverged = behind > 0 && (status?.ahead ?? 0) > 0;
        const buttons =
          behind > 0 && status?.tracking
            ? [
                diverged
                  ? {
                      label: `Join ${status.tracking}`,
                      caption: `Join ${status.tracking} into ${status.branch} (keeps your state)`,
                      callback: () => actions.join(remote)
                    }
                  : {
                      label: `Branch from ${status.tracking}`,
                      caption: `Create a local branch at ${status.tracking}`,
                      callback: () => {
                        const head = model.refs.branches[status.tracking!];
                        if (head) {
                          actions.newBranch(head);
                        }
                      }
                    }
              ]
            : [];
        const text =
          describePull(result) +
          (behind > 0 && status
            ? ` ${status.tracking} is ${plural(behind, 'version')} ahead of ${status.branch}.`
            : '');
        Notification.success(text, { autoClose: 6000, actions: buttons });
      })
  };

  /** A push refused because the remote moved: explain, and offer to pull. */
  async function offerPull(
    remote: string,
    branch: string,
    message: string
  ): Promise<void> {
    const body = document.createElement('div');
    body.className = 'jp-nbversion-conflict';
    body.dataset.testid = 'nbversion-push-conflict';
    const lines = [
      `Someone pushed versions to ${branch} on ${remote} that you do not have yet. ` +
        'Your push was refused so that their work is not overwritten.',
      `Pull first: their versions arrive as ${remote}/${branch} (your ${branch} does not move). ` +
        `Then press Join to join ${remote}/${branch} into ${branch} (a version with both ` +
        'histories that keeps your notebook and variables) and push again, or build on ' +
        `${remote}/${branch} (restore it, or create a branch from it).`,
      `Server: ${message}`
    ];
    for (const text of lines) {
      const p = document.createElement('p');
      p.textContent = text;
      body.appendChild(p);
    }
    const answer = await showDialog({
      title: `Push to ${remote} refused: fetch first`,
      body: new Widget({ node: body }),
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: 'Pull', ariaLabel: `Pull from ${remote}` })
      ]
    });
    if (answer.button.accept) {
      actions.pull(remote);
    }
  }
  return actions;
}
