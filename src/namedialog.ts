/**
 * A dialog asking for a branch or tag name that validates as you type: the problem is
 * shown under the field and the dialog stays open (its OK button disabled) until the
 * name is valid, instead of closing and reporting in a notification.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

const BAD_CHARS = /[ ~^:?*[\\]/;
/** Control characters (and DEL), which a ref name may not hold either. */
const hasControl = (s: string): boolean =>
  [...s].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const HEXLIKE = /^[0-9a-fA-F]{4,64}$/;

/**
 * Why `name` cannot be a branch or tag name, or null when it can: the rule of the
 * store's `check_ref_name` (like `git check-ref-format`), said in plain words.
 */
export function refNameProblem(name: string): string | null {
  if (!name) {
    return 'Enter a name.';
  }
  if (name.length > 200) {
    return 'At most 200 characters.';
  }
  if (name === 'HEAD' || name === '@' || name.startsWith('-')) {
    return `“${name}” is reserved.`;
  }
  if (HEXLIKE.test(name)) {
    return '4 or more hex digits look like a version id: add a letter or a dash.';
  }
  if (BAD_CHARS.test(name) || hasControl(name)) {
    return 'No spaces or any of ~ ^ : ? * [ \\ (use - or _ instead of a space).';
  }
  if (name.includes('..') || name.includes('@{')) {
    return 'No “..” or “@{”.';
  }
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) {
    return 'Cannot start with “/” or end with “/” or “.”.';
  }
  for (const part of name.split('/')) {
    if (!part) {
      return 'No empty part (“//”).';
    }
    if (part.startsWith('.')) {
      return 'No part may start with “.”.';
    }
    if (part.endsWith('.lock')) {
      return 'No part may end with “.lock”.';
    }
  }
  return null;
}

let fieldCount = 0;

/** The dialog's body: a labelled input with its error message underneath. */
class NameField extends Widget {
  constructor(
    label: string,
    placeholder: string,
    value: string,
    private _validate: (name: string) => string | null,
    error: string | null
  ) {
    super();
    this.addClass('jp-nbversion-namefield');
    const id = `jp-nbversion-name-${++fieldCount}`;
    const labelNode = document.createElement('label');
    labelNode.htmlFor = id;
    labelNode.textContent = label;
    this.input = document.createElement('input');
    this.input.id = id;
    this.input.className = 'jp-mod-styled';
    this.input.placeholder = placeholder;
    this.input.value = value;
    this.input.setAttribute('aria-describedby', `${id}-error`);
    this.message = document.createElement('p');
    this.message.id = `${id}-error`;
    this.message.className = 'jp-nbversion-field-error';
    this.message.setAttribute('aria-live', 'polite');
    this.message.dataset.testid = 'nbversion-name-error';
    this.node.append(labelNode, this.input, this.message);
    this.input.addEventListener('input', () => this.check(true));
    this.check(error !== null, error);
  }

  readonly input: HTMLInputElement;
  readonly message: HTMLParagraphElement;

  /** Validate; `show` puts the problem under the field (not before the first key). */
  check(show: boolean, forced: string | null = null): void {
    const problem = forced ?? this._validate(this.input.value.trim());
    // an :invalid input keeps JupyterLab's dialog from accepting (OK is disabled); the
    // dialog checks on `input` before this listener runs: tell it again on a change
    const changed = this.input.validationMessage !== (problem ?? '');
    this.input.setCustomValidity(problem ?? '');
    if (changed && this.isAttached) {
      this.input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    this.input.setAttribute('aria-invalid', problem && show ? 'true' : 'false');
    this.message.textContent = show && problem ? problem : '';
  }

  getValue(): string {
    return this.input.value.trim();
  }

  protected onAfterAttach(): void {
    this.input.focus();
    this.input.select();
  }
}

/**
 * Ask for a name until `submit` takes it: a problem `validate` finds shows as you type;
 * one `submit` raises (e.g. the server's "already exists") reopens the dialog with the
 * name kept and the message under the field. Resolves false when cancelled.
 */
export async function askName(options: {
  title: string;
  label: string;
  placeholder: string;
  okLabel: string;
  validate: (name: string) => string | null;
  submit: (name: string) => Promise<void>;
}): Promise<boolean> {
  let value = '';
  let error: string | null = null;
  for (;;) {
    const body = new NameField(
      options.label,
      options.placeholder,
      value,
      options.validate,
      error
    );
    const answer = await showDialog({
      title: options.title,
      body,
      focusNodeSelector: 'input',
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: options.okLabel })
      ]
    });
    value = answer.value ?? '';
    if (!answer.button.accept || !value) {
      return false;
    }
    error = options.validate(value);
    if (error === null) {
      try {
        await options.submit(value);
        return true;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
  }
}
