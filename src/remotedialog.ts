/**
 * The "Add remote" dialog: a shared folder, an S3 bucket or a git repository.
 *
 * Problems show under the field they are about and the dialog stays open: the obvious
 * ones as you type, the server's (no such folder, unknown profile, a name already taken)
 * when you press Add. Credentials are never asked for: the server reads S3 keys from its
 * environment or a named profile of its ~/.aws/credentials, and git uses its SSH key or
 * credential helper.
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { NbVersionAPIError } from './request';
import { INewRemote, IRemote, RemoteKind } from './tokens';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
type Field = 'name' | 'url' | 'endpoint_url' | 'profile';

const KINDS: { kind: RemoteKind; label: string }[] = [
  { kind: 'folder', label: 'Shared folder' },
  { kind: 's3', label: 'S3 bucket' },
  { kind: 'git', label: 'Git repository' }
];

const WHERE: Record<RemoteKind, { label: string; placeholder: string }> = {
  folder: {
    label: 'Folder on the server',
    placeholder: '/shared/team/project'
  },
  s3: { label: 'S3 URL', placeholder: 's3://bucket/team/project' },
  git: {
    label: 'Repository URL',
    placeholder: 'git@github.com:team/project.git or https://…'
  }
};

const HELP: Record<RemoteKind, string> = {
  folder:
    'A folder every teammate’s server can reach, such as a network share. A relative ' +
    'path is taken from the project folder.',
  s3:
    'Keys are read on the server: from its environment (AWS_ACCESS_KEY_ID, ' +
    'AWS_SECRET_ACCESS_KEY) or from the profile named below in its ~/.aws/credentials. ' +
    'They never pass through the browser.',
  git:
    'Versions go to a branch named “nbversion” of this repository; your code branches ' +
    'are not touched. The server’s SSH key or git credential helper is used.'
};

/** Problems the dialog can tell without the server; null when there is none. */
export function remoteProblem(
  field: Field,
  value: string,
  kind: RemoteKind,
  taken: readonly string[]
): string | null {
  if (field === 'name') {
    if (!value) {
      return 'Enter a name, e.g. origin.';
    }
    if (!NAME.test(value)) {
      return 'Use letters, digits, - and _ (no spaces), starting with a letter or digit.';
    }
    return taken.includes(value) ? `There is already a remote ${value}.` : null;
  }
  if (field === 'url') {
    if (!value) {
      return kind === 'folder'
        ? 'Enter a folder on the server.'
        : kind === 's3'
          ? 'Enter an S3 URL: s3://bucket/folder.'
          : 'Enter the repository’s URL.';
    }
    if (kind === 's3' && !/^s3a?:\/\/[^/\s]+/.test(value)) {
      return 'An S3 URL starts with s3:// and names a bucket: s3://bucket/folder.';
    }
    if (kind === 'folder' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      return value.startsWith('file://')
        ? null
        : 'A folder is a path on the server; pick S3 or Git for a URL.';
    }
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(value)) {
      return 'Keep passwords and keys out of the URL: the server has its own credentials.';
    }
    return null;
  }
  if (field === 'endpoint_url') {
    return value && !/^https?:\/\/[^/\s]+/.test(value)
      ? 'An endpoint is an http:// or https:// URL, e.g. http://minio:9000.'
      : null;
  }
  return value && !/^[A-Za-z0-9][A-Za-z0-9._+=@-]*$/.test(value)
    ? 'A profile name has no spaces.'
    : null;
}

let formCount = 0;

/** The dialog's body: kind, name, location and the S3 options, each with its error line. */
class RemoteForm extends Widget {
  constructor(private _taken: readonly string[]) {
    super();
    this.addClass('jp-nbversion-remote-form');
    this.node.dataset.testid = 'nbversion-remote-form';
    const id = `jp-nbversion-remote-${++formCount}`;
    const kinds = document.createElement('fieldset');
    kinds.className = 'jp-nbversion-remote-kinds';
    const legend = document.createElement('legend');
    legend.textContent = 'Where the team’s versions live';
    kinds.appendChild(legend);
    for (const { kind, label } of KINDS) {
      const option = document.createElement('label');
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = `${id}-kind`;
      radio.value = kind;
      radio.checked = kind === 'folder';
      radio.addEventListener('change', () => this._setKind(kind));
      option.append(radio, ` ${label}`);
      kinds.appendChild(option);
    }
    this.node.appendChild(kinds);
    const suggested = _taken.includes('origin') ? '' : 'origin';
    this._add(id, 'name', 'Name', 'origin', suggested);
    this._add(id, 'url', WHERE.folder.label, WHERE.folder.placeholder, '');
    this._help = document.createElement('p');
    this._help.className = 'jp-nbversion-muted jp-nbversion-remote-help';
    this._help.dataset.testid = 'nbversion-remote-help';
    this.node.appendChild(this._help);
    this._s3 = document.createElement('div');
    this.node.appendChild(this._s3);
    this._add(id, 'endpoint_url', 'Endpoint (S3-compatible servers; optional)',
      'https://minio.example.org:9000', '', this._s3); // prettier-ignore
    this._add(id, 'profile', 'Profile in ~/.aws/credentials (optional)',
      'default, or from the environment', '', this._s3); // prettier-ignore
    this._general.className = 'jp-nbversion-field-error';
    this._general.dataset.testid = 'nbversion-remote-error';
    this._general.setAttribute('aria-live', 'polite');
    this.node.appendChild(this._general);
    this._setKind('folder');
  }

  get kind(): RemoteKind {
    return this._kind;
  }

  /** The remote as typed (trimmed; S3 options only for S3). */
  getValue(): INewRemote {
    const v = (f: Field) => this._inputs[f]!.value.trim();
    const remote: INewRemote = {
      name: v('name'),
      kind: this._kind,
      url: v('url')
    };
    if (this._kind === 's3') {
      remote.endpoint_url = v('endpoint_url') || undefined;
      remote.profile = v('profile') || undefined;
    }
    return remote;
  }

  /** Check every field; show `forced` (the server's word) under its field. Valid? */
  check(show: boolean, forced?: { field: Field; message: string }): boolean {
    let ok = true;
    for (const field of Object.keys(this._inputs) as Field[]) {
      const input = this._inputs[field]!;
      const hidden =
        this._kind !== 's3' &&
        (field === 'endpoint_url' || field === 'profile');
      const problem = hidden
        ? null
        : forced?.field === field
          ? forced.message
          : remoteProblem(field, input.value.trim(), this._kind, this._taken);
      ok = ok && problem === null;
      const shown = show || this._touched.has(field) || forced?.field === field;
      input.setAttribute('aria-invalid', problem && shown ? 'true' : 'false');
      this._errors[field]!.textContent = problem && shown ? problem : '';
    }
    return ok;
  }

  /** A message about the whole remote (no field), under the form. */
  showGeneral(message: string): void {
    this._general.textContent = message;
  }

  protected onAfterAttach(): void {
    this._inputs[this._inputs.name!.value ? 'url' : 'name']!.focus();
  }

  private _add(
    id: string,
    field: Field,
    label: string,
    placeholder: string,
    value: string,
    parent: HTMLElement = this.node
  ): void {
    const wrap = document.createElement('div');
    wrap.className = 'jp-nbversion-namefield';
    const labelNode = document.createElement('label');
    labelNode.htmlFor = `${id}-${field}`;
    labelNode.textContent = label;
    const input = document.createElement('input');
    input.id = `${id}-${field}`;
    input.className = 'jp-mod-styled';
    input.placeholder = placeholder;
    input.value = value;
    input.spellcheck = false;
    input.dataset.field = field;
    input.setAttribute('aria-describedby', `${id}-${field}-error`);
    const error = document.createElement('p');
    error.id = `${id}-${field}-error`;
    error.className = 'jp-nbversion-field-error';
    error.setAttribute('aria-live', 'polite');
    error.dataset.testid = `nbversion-${field.replace('_', '-')}-error`;
    input.addEventListener('input', () => {
      this._touched.add(field);
      this._general.textContent = '';
      this.check(false);
    });
    wrap.append(labelNode, input, error);
    parent.appendChild(wrap);
    this._inputs[field] = input;
    this._labels[field] = labelNode;
    this._errors[field] = error;
  }

  private _setKind(kind: RemoteKind): void {
    this._kind = kind;
    this._labels.url!.textContent = WHERE[kind].label;
    this._inputs.url!.placeholder = WHERE[kind].placeholder;
    this._help.textContent = HELP[kind];
    this._s3.hidden = kind !== 's3';
    this._general.textContent = '';
    this.check(false);
  }

  private _kind: RemoteKind = 'folder';
  private _inputs: Partial<Record<Field, HTMLInputElement>> = {};
  private _labels: Partial<Record<Field, HTMLLabelElement>> = {};
  private _errors: Partial<Record<Field, HTMLParagraphElement>> = {};
  private _touched = new Set<Field>();
  private _help!: HTMLParagraphElement;
  private _s3!: HTMLDivElement;
  private _general = document.createElement('p');
}

/** A dialog whose Add button waits for the server and stays open on a refusal. */
class AddRemoteDialog extends Dialog<INewRemote> {
  constructor(
    private _form: RemoteForm,
    private _submit: (remote: INewRemote) => Promise<IRemote>
  ) {
    super({
      title: 'Add a remote',
      body: _form,
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: 'Add remote', ariaLabel: 'Add remote' })
      ],
      focusNodeSelector: 'input[data-field="url"]'
    });
  }

  added: IRemote | null = null;

  resolve(index?: number): void {
    const accept = (index ?? 1) === 1;
    if (!accept) {
      super.resolve(index);
      return;
    }
    if (this._busy || !this._form.check(true)) {
      return; // the problems are under their fields; the dialog stays
    }
    this._busy = true;
    const remote = this._form.getValue();
    this._submit(remote)
      .then(added => {
        this.added = added;
        super.resolve(index);
      })
      .catch(error => {
        const field =
          error instanceof NbVersionAPIError ? error.details.field : null;
        const message = error instanceof Error ? error.message : String(error);
        if (
          field === 'name' ||
          field === 'url' ||
          field === 'endpoint_url' ||
          field === 'profile'
        ) {
          this._form.check(true, { field, message: sentence(message) });
        } else {
          this._form.showGeneral(sentence(message));
        }
      })
      .finally(() => {
        this._busy = false;
      });
  }

  private _busy = false;
}

/** The server's message as a sentence (capital first letter, final period). */
function sentence(text: string): string {
  const t = text.trim();
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(s) ? s : `${s}.`;
}

/**
 * Ask for a remote and add it with `submit` (which throws the server's refusal);
 * resolves to the added remote, or null when cancelled.
 */
export async function askRemote(
  taken: readonly string[],
  submit: (remote: INewRemote) => Promise<IRemote>
): Promise<IRemote | null> {
  const dialog = new AddRemoteDialog(new RemoteForm(taken), submit);
  const answer = await dialog.launch();
  return answer.button.accept ? dialog.added : null;
}
