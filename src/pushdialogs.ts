/**
 * The dialogs around a push: choosing which branches and tags to push, and a refused
 * push explained in plain words (from the refusal's details, never the raw message).
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { NbVersionAPIError } from './request';
import { IPushChoice } from './tokens';

/** The body of the chooser: every branch and tag with a checkbox, all ticked. */
class PushChoice extends Widget {
  constructor(branches: string[], tags: string[], current: string) {
    super();
    this.addClass('jp-nbversion-push-choice');
    this.node.dataset.testid = 'nbversion-push-choice';
    const intro = document.createElement('p');
    intro.textContent =
      'Everything is ticked: a push sends every branch and tag of this notebook. ' +
      'Untick what should stay here for now.';
    this.node.appendChild(intro);
    this._group('Branches', branches, current, this._branches);
    this._group('Tags', tags, null, this._tags);
  }

  getValue(): IPushChoice {
    const ticked = (boxes: HTMLInputElement[]) =>
      boxes.filter(b => b.checked).map(b => b.value);
    return { branches: ticked(this._branches), tags: ticked(this._tags) };
  }

  private _group(
    title: string,
    names: string[],
    current: string | null,
    boxes: HTMLInputElement[]
  ): void {
    if (!names.length) {
      return;
    }
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = title;
    set.appendChild(legend);
    for (const name of names) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      box.value = name;
      boxes.push(box);
      label.append(box, ` ${name}${name === current ? ' (current)' : ''}`);
      set.appendChild(label);
    }
    this.node.appendChild(set);
  }

  private _branches: HTMLInputElement[] = [];
  private _tags: HTMLInputElement[] = [];
}

/** Ask which branches and tags to push; null when cancelled or nothing is ticked. */
export async function choosePush(
  remote: string,
  branches: string[],
  tags: string[],
  current: string
): Promise<IPushChoice | null> {
  const answer = await showDialog({
    title: `Push to ${remote}`,
    body: new PushChoice(branches, tags, current),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({
        label: 'Push',
        ariaLabel: `Push the ticked to ${remote}`
      })
    ]
  });
  const choice = answer.value;
  if (!answer.button.accept || !choice) {
    return null;
  }
  return choice.branches.length || choice.tags.length ? choice : null;
}

/** True when `error` is a push refused because the remote moved or holds the tag. */
export function isRefusedPush(error: unknown): error is NbVersionAPIError {
  return (
    error instanceof NbVersionAPIError &&
    error.status === 409 &&
    ['fetch-first', 'moved', 'tag-exists'].includes(
      String(error.details.reason)
    )
  );
}

/**
 * Explain a refused push in plain words; resolves true when the user asks to pull.
 * `current` is the notebook's current branch (Join works on it).
 */
export async function explainRefusedPush(
  error: NbVersionAPIError,
  remote: string,
  current: string
): Promise<boolean> {
  const d = error.details as Record<string, string | undefined>;
  const name = d.name ?? current;
  const notebook = d.notebook ?? 'this notebook';
  const tracking = `${remote}/${name}`;
  const lines: string[] = [];
  if (d.reason === 'tag-exists') {
    lines.push(
      `${remote} already has a tag ${name} of ${notebook}, on another version. Tags ` +
        'never move, so your push was refused and nothing of theirs changed.',
      `Tag your version under another name, or push without the tag ${name} ` +
        '(Push… lets you choose).'
    );
  } else {
    lines.push(
      (d.reason === 'moved'
        ? `Someone pushed to ${d.kind ?? 'branch'} ${name} of ${notebook} on ${remote} at the same moment as you. `
        : `Someone pushed versions to ${d.kind ?? 'branch'} ${name} of ${notebook} on ${remote} that you do not have yet. `) +
        'Your push was refused so that their work is not overwritten.',
      `Pull first: their versions arrive as ${tracking} (your ${name} does not move). ` +
        (name === current
          ? `Then press Join to join ${tracking} into ${name} (a version with both ` +
            'histories that keeps your notebook and variables) and push again, or build ' +
            `on ${tracking} (restore it, or create a branch from it).`
          : `Then switch to ${name} and press Join (it keeps your notebook and ` +
            `variables), or build on ${tracking}; push again afterwards.`)
    );
  }
  const body = document.createElement('div');
  body.className = 'jp-nbversion-conflict';
  body.dataset.testid = 'nbversion-push-conflict';
  for (const text of lines) {
    const p = document.createElement('p');
    p.textContent = text;
    body.appendChild(p);
  }
  const tag = d.reason === 'tag-exists';
  const answer = await showDialog({
    title: tag
      ? `Push to ${remote} refused: tag ${name} exists there`
      : `Push to ${remote} refused: fetch first`,
    body: new Widget({ node: body }),
    buttons: tag
      ? [Dialog.okButton({ label: 'Close' })]
      : [
          Dialog.cancelButton(),
          Dialog.okButton({ label: 'Pull', ariaLabel: `Pull from ${remote}` })
        ]
  });
  return !tag && answer.button.accept;
}
