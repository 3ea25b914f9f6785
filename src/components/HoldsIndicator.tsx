import * as React from 'react';

import { INotebookHeld } from '../holds';
import { IHeld, ISaveFailure, IVersionSummary } from '../tokens';

/** "v 1a2b3c4d5e “message”" for a held version. */
function name(
  id: string,
  find: (id: string) => IVersionSummary | undefined
): string {
  const message = find(id)?.message;
  return `${id.slice(0, 10)}${message ? ` “${message}”` : ''}`;
}

function line(
  what: string,
  held: IHeld | INotebookHeld | null,
  find: (id: string) => IVersionSummary | undefined
): string {
  if (!held) {
    return `${what}: no version yet`;
  }
  return `${what}: ${held.how} ${held.how === 'saved' ? 'as' : 'from'} ${name(held.id, find)}${
    held.changed ? ' · changed since' : ''
  }`;
}

export interface IHoldsProps {
  kernel: IHeld | null;
  notebook: INotebookHeld | null;
  /** Whether the notebook has a running kernel. */
  hasKernel: boolean;
  find(id: string): IVersionSummary | undefined;
  /** The last save that failed since one worked: shown until a save works again. */
  failure?: ISaveFailure | null;
}

/** Which version the kernel and the notebook hold, and whether they changed since. */
export function HoldsIndicator(props: IHoldsProps): JSX.Element {
  const { kernel, notebook, find } = props;
  const kernelLine = props.hasKernel
    ? line('Kernel', kernel, find)
    : 'Kernel: none';
  return (
    <div
      className="jp-nbversion-holds"
      data-testid="nbversion-holds"
      aria-label="What the kernel and the notebook hold"
    >
      {[
        ['kernel', kernelLine, !!kernel?.changed],
        ['notebook', line('Notebook', notebook, find), !!notebook?.changed]
      ].map(([key, text, changed]) => (
        <div
          key={key as string}
          className={`jp-nbversion-holds-line${changed ? ' jp-mod-changed' : ''}`}
          data-holds={key as string}
          title={text as string}
        >
          <span className="jp-nbversion-holds-dot" aria-hidden="true">
            {changed ? '●' : '○'}
          </span>{' '}
          {text as string}
        </div>
      ))}
      {props.failure && (
        <div
          className="jp-nbversion-holds-line jp-nbversion-holds-failure"
          data-holds="failure"
          role="alert"
          title={props.failure.message}
        >
          {props.failure.kind === 'autosave' ? 'Auto-save' : 'Last save'} failed
          {props.failure.failures > 1
            ? ` ${props.failure.failures}×`
            : ''}: {props.failure.message}
        </div>
      )}
    </div>
  );
}

/** The status bar's short form: kernel and notebook versions, `*` when changed since. */
export function holdsShort(
  kernel: IHeld | null,
  notebook: INotebookHeld | null,
  find: (id: string) => IVersionSummary | undefined
): string {
  const part = (label: string, h: IHeld | INotebookHeld | null) =>
    h
      ? `${label} ${find(h.id)?.message || h.id.slice(0, 10)}${h.changed ? '*' : ''}`
      : `${label} –`;
  return `${part('kernel', kernel)} · ${part('notebook', notebook)}`;
}
