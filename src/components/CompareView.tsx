import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

import { diffSections, IDiffLine, IDiffSection } from '../diffreport';
import { plainSummary } from '../diffplain';
import { IVersionDiff, IVersionSummary } from '../tokens';
import { CellPairs, INotebookLike } from './CellPairs';
import { relativeTime } from './format';

const SIGN_CLASS: Record<string, string> = {
  '+': 'jp-mod-added',
  '-': 'jp-mod-removed',
  '~': 'jp-mod-changed',
  '!': 'jp-mod-note',
  '…': 'jp-mod-elided'
};

/** One signed line with its children (detail lines, or a cell's source). */
function Line(props: { line: IDiffLine }): JSX.Element {
  const { line } = props;
  const source = line.children.length > 0 && line.children.every(c => c.code);
  return (
    <li
      className={`jp-nbversion-diffline ${SIGN_CLASS[line.sign] ?? ''}`}
      data-sign={line.sign}
    >
      <span className="jp-nbversion-diffsign" aria-hidden="true">
        {line.sign}
      </span>{' '}
      <span className="jp-nbversion-difftext">{line.text}</span>
      {source ? (
        <div className="jp-nbversion-source" role="group" aria-label="Source">
          {line.children.map((c, i) => (
            <div
              key={i}
              className={`jp-nbversion-srcline ${SIGN_CLASS[c.sign] ?? ''}`}
              data-sign={c.sign}
            >
              <span className="jp-nbversion-diffsign">{c.sign}</span> {c.text}
            </div>
          ))}
        </div>
      ) : (
        line.children.length > 0 && <Lines lines={line.children} />
      )}
    </li>
  );
}

function Lines(props: { lines: IDiffLine[] }): JSX.Element {
  return (
    <ul className="jp-nbversion-difflines">
      {props.lines.map((l, i) => (
        <Line key={i} line={l} />
      ))}
    </ul>
  );
}

/** A section: heading, one-line summary, its signed lines (in captioned groups). */
function Section(props: {
  section: IDiffSection;
  /** Shown instead of the signed lines (the notebook's cells side by side). */
  children?: React.ReactNode;
}): JSX.Element {
  const { section } = props;
  const headingId = `nbversion-diff-heading-${section.key}`;
  const groups = section.groups.filter(g => g.lines.length);
  return (
    <section
      className="jp-nbversion-diffsection"
      data-testid={`nbversion-diff-${section.key}`}
      aria-labelledby={headingId}
    >
      <h3 id={headingId}>{section.title}</h3>
      <p className="jp-nbversion-muted">{section.summary}</p>
      {props.children}
      {!props.children &&
        groups.map((g, i) => (
          <div key={i}>
            {g.caption && section.groups.length > 1 && <h4>{g.caption}</h4>}
            <Lines lines={g.lines} />
          </div>
        ))}
    </section>
  );
}

function Side(props: { label: string; v: IVersionSummary }): JSX.Element {
  return (
    <div
      className="jp-nbversion-side"
      data-testid={`nbversion-compare-${props.label.toLowerCase()}`}
    >
      <strong>{props.label}</strong> {props.v.message || '(no message)'}
      <div className="jp-nbversion-muted">
        <code title={props.v.id}>{props.v.id.slice(0, 12)}</code> ·{' '}
        {props.v.branch} · {relativeTime(props.v.created)}
        {props.v.author?.name ? ` · ${props.v.author.name}` : ''}
      </div>
    </div>
  );
}

/** The two versions' notebooks: loaded, still loading (undefined), or why not (a string). */
export type ComparedNotebooks =
  { a: INotebookLike; b: INotebookLike } | string | undefined;

/**
 * The diff of two versions: a plain-language summary, the cells and outputs side by
 * side (rendered by JupyterLab's renderers), then variables, metrics & params,
 * environment and data files.
 */
export function CompareView(props: {
  diff: IVersionDiff;
  a: IVersionSummary;
  b: IVersionSummary;
  note?: string | null;
  notebooks?: ComparedNotebooks;
  rendermime?: IRenderMimeRegistry | null;
}): JSX.Element {
  const sections = diffSections(props.diff);
  const summary = plainSummary(props.diff);
  const nbs = props.notebooks;
  return (
    <div className="jp-nbversion-compareview" data-testid="nbversion-compare">
      <div className="jp-nbversion-compare-sides">
        <Side label="Before" v={props.a} />
        <Side label="After" v={props.b} />
      </div>
      {props.note && (
        <p className="jp-nbversion-muted" role="note">
          {props.note}
        </p>
      )}
      <section
        className="jp-nbversion-diffsection"
        data-testid="nbversion-diff-summary"
        aria-label="Summary"
      >
        <h3>What changed</h3>
        <ul className="jp-nbversion-plain">
          {summary.map((text, i) => (
            <li key={i}>{text}</li>
          ))}
        </ul>
      </section>
      {sections.map(s =>
        s.key === 'notebook' && typeof nbs === 'object' ? (
          <Section key={s.key} section={s}>
            {props.diff.notebook.metadata_changed && (
              <p className="jp-nbversion-muted">
                The notebook&apos;s metadata changed too.
              </p>
            )}
            <CellPairs
              a={nbs.a}
              b={nbs.b}
              rendermime={props.rendermime ?? null}
            />
          </Section>
        ) : (
          <React.Fragment key={s.key}>
            {s.key === 'notebook' && (
              <p className="jp-nbversion-muted" role="status">
                {nbs === undefined
                  ? 'Loading the cells of both versions…'
                  : `The cells cannot be shown side by side: ${nbs}`}
              </p>
            )}
            <Section section={s} />
          </React.Fragment>
        )
      )}
    </div>
  );
}
