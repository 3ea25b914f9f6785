import * as React from 'react';

import { diffSections, IDiffLine, IDiffSection } from '../diffreport';
import { IVersionDiff, IVersionSummary } from '../tokens';
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
function Section(props: { section: IDiffSection }): JSX.Element {
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
      {groups.map((g, i) => (
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
    <div className="jp-nbversion-side">
      <strong>{props.label}</strong> <code>{props.v.id.slice(0, 12)}</code>{' '}
      {props.v.message || '(no message)'} · {props.v.branch} ·{' '}
      {relativeTime(props.v.created)}
    </div>
  );
}

/** The diff of two versions in sections: notebook, variables, metrics, environment. */
export function CompareView(props: {
  diff: IVersionDiff;
  a: IVersionSummary;
  b: IVersionSummary;
  note?: string | null;
}): JSX.Element {
  const sections = diffSections(props.diff);
  return (
    <div className="jp-nbversion-compareview" data-testid="nbversion-compare">
      <Side label="Before" v={props.a} />
      <Side label="After" v={props.b} />
      {props.note && (
        <p className="jp-nbversion-muted" role="note">
          {props.note}
        </p>
      )}
      {sections.map(s => (
        <Section key={s.key} section={s} />
      ))}
    </div>
  );
}
