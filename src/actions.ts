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
import { formatBytes } from './components/format';
import { askName, refNameProblem } from './namedialog';
import { IPanelActions } from './components/types';
import { VersionsModel } from './model';
import { notifyError, Restorer, shortId, UNDO_BRANCH } from './restore';
import { choosePush, explainRefusedPush, isRefusedPush } from './pushdialogs';
import { askRemote } from './remotedialog';
import { CommandIDs, IPushChoice, ITransferResult } from './tokens';

const plural = (n: number, word: string): string =>
  `${n} ${word}${n === 1 ? '' : 's'}`;

/** "main", "main and exp", "main, exp and tag v1". */
function listed(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The refs a push moved, by name: `nb/heads/main` → main, `nb/tags/v1` → tag v1. */
function pushedNames(r: ITransferResult): string[] {
  return Object.keys(r.refs_updated ?? {}).map(label => {
    const [, kind, ...name] = label.split('/');
    return kind === 'tags' ? `tag ${name.join('/')}` : name.join('/');
  });
}

/** "Pushed main, exp and tag v1 to origin: 2 versions, 5 objects (1.2 MB)." */
export function describePush(r: ITransferResult): string {
  const names = pushedNames(r);
  if (!names.length && !r.versions_sent && !r.objects_sent) {
    return `${r.remote} already had everything: nothing to push.`;
  }
  return (
    `Pushed ${listed(names) || 'versions'} to ${r.remote}: ` +
    `${plural(r.versions_sent ?? 0, 'version')}, ` +
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

    push: (remote, choose = false) =>
      guarded(async () => {
        let choice: IPushChoice | null = null;
        if (choose) {
          const local = (names: string[]) =>
            names
              .filter(n => !model.remoteNames.some(r => n.startsWith(`${r}/`)))
              .sort();
          choice = await choosePush(
            remote,
            local(Object.keys(model.refs.branches)).filter(
              n => n !== UNDO_BRANCH
            ),
            local(Object.keys(model.refs.tags)).filter(
              n => !n.startsWith('imported/')
            ),
            model.currentBranch
          );
          if (!choice) {
            return;
          }
        }
        let result: ITransferResult;
        try {
          result = await model.push(remote, choice);
        } catch (error) {
          if (isRefusedPush(error)) {
            const current = model.currentBranch;
            if (await explainRefusedPush(error, remote, current)) {
              actions.pull(remote);
            }
            return;
          }
          throw error;
        }
        Notification.success(describePush(result), {
          autoClose: 5000
        });
      }),

    addRemote: () =>
      guarded(async () => {
        const added = await askRemote(model.remoteNames, remote =>
          model.addRemote(remote)
        );
        if (!added) {
          return;
        }
        Notification.success(
          `Added remote ${added.name} (${added.url}). Push to share this notebook's ` +
            "versions, or Pull to get the team's.",
          { autoClose: 6000 }
        );
      }),

    removeRemote: name =>
      guarded(async () => {
        const confirm = await showDialog({
          title: `Remove remote ${name}?`,
          body:
            `nbversion forgets where ${name} is. Nothing on ${name} is deleted, and the ` +
            `versions pulled from it stay here (as ${name}/… branches).`,
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({
              label: 'Remove remote',
              ariaLabel: `Remove remote ${name}`
            })
          ]
        });
        if (!confirm.button.accept) {
          return;
        }
        await model.removeRemote(name);
        Notification.info(`Removed remote ${name}.`, { autoClose: 4000 });
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

  return actions;
}
