import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

import {
  alignCells,
  changedLines,
  ICellLike,
  ICellPair,
  sourceText
} from '../cellalign';

/** An nbformat notebook as the server returns it (`GET versions/{id}/notebook`). */
export interface INotebookLike {
  cells: (ICellLike & { execution_count?: number | null })[];
}

type Bundle = Record<string, unknown>;

/** A stored output as a mime bundle: streams and errors as the text renderers expect. */
function bundleOf(output: Record<string, unknown>): {
  data: Bundle;
  metadata: Bundle;
} {
  const text = (v: unknown) => (Array.isArray(v) ? v.join('') : v);
  switch (output.output_type) {
    case 'stream':
      return {
        data: {
          [`application/vnd.jupyter.${output.name === 'stderr' ? 'stderr' : 'stdout'}`]:
            text(output.text)
        },
        metadata: {}
      };
    case 'error':
      return {
        data: {
          'application/vnd.jupyter.stderr': (
            (output.traceback as string[] | undefined) ?? [
              `${output.ename}: ${output.evalue}`
            ]
          ).join('\n')
        },
        metadata: {}
      };
    default: {
      const data: Bundle = {};
      for (const [mime, v] of Object.entries((output.data ?? {}) as Bundle)) {
        data[mime] = typeof v === 'object' && !Array.isArray(v) ? v : text(v);
      }
      return { data, metadata: (output.metadata ?? {}) as Bundle };
    }
  }
}

/**
 * One output or a markdown source rendered by JupyterLab's renderers (images, HTML
 * tables, text), untrusted: a version's content may come from anyone, so HTML is
 * sanitized and scripts never run, exactly as for an untrusted notebook.
 */
function Rendered(props: {
  data: Bundle;
  metadata: Bundle;
  rendermime: IRenderMimeRegistry;
}): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const { data, metadata, rendermime } = props;
  React.useEffect(() => {
    const node = host.current;
    const mime = rendermime.preferredMimeType(data as never, 'ensure');
    if (!node || !mime) {
      if (node) {
        node.textContent = `(no renderer for ${Object.keys(data).join(', ')})`;
      }
      return;
    }
    const renderer = rendermime.createRenderer(mime);
    const model = {
      trusted: false,
      data: data as never,
      metadata: metadata as never,
      setData: () => undefined
    };
    let disposed = false;
    renderer
      .renderModel(model)
      .then(() => {
        if (!disposed) {
          node.appendChild(renderer.node);
        }
      })
      .catch(reason => {
        node.textContent = `Could not render ${mime}: ${String(reason)}`;
      });
    return () => {
      disposed = true;
      renderer.dispose();
      node.textContent = '';
    };
  }, [data, metadata, rendermime]);
  return <div className="jp-nbversion-rendered" ref={host} />;
}

/** A cell's source, changed lines marked; a markdown cell rendered below it. */
function Source(props: {
  text: string;
  changed: boolean[] | null;
  side: 'a' | 'b';
}): JSX.Element {
  const lines = props.text.split('\n');
  const mark = props.side === 'a' ? 'jp-mod-removed' : 'jp-mod-added';
  return (
    <pre className="jp-nbversion-cell-source" aria-label="Source">
      {lines.map((l, i) => (
        <div
          key={i}
          className={`jp-nbversion-cellline${props.changed?.[i] ? ` ${mark}` : ''}`}
        >
          {l || ' '}
        </div>
      ))}
    </pre>
  );
}

function Side(props: {
  cell: INotebookLike['cells'][number] | undefined;
  side: 'a' | 'b';
  changed: boolean[] | null;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { cell, rendermime } = props;
  // made once per cell, so renderers run once, not on every render
  const bundles = React.useMemo(
    () =>
      ((cell?.outputs ?? []) as Record<string, unknown>[]).map(o =>
        bundleOf(o)
      ),
    [cell]
  );
  const markdown = React.useMemo(
    () =>
      cell?.cell_type === 'markdown' && sourceText(cell).trim()
        ? { data: { 'text/markdown': sourceText(cell) }, metadata: {} }
        : null,
    [cell]
  );
  if (!cell) {
    return (
      <div
        className="jp-nbversion-cellside jp-mod-empty"
        data-side={props.side}
      >
        {props.side === 'a' ? 'not in this version' : 'removed'}
      </div>
    );
  }
  const text = sourceText(cell);
  return (
    <div className="jp-nbversion-cellside" data-side={props.side}>
      <div className="jp-nbversion-cell-prompt">
        {cell.cell_type === 'code'
          ? `[${cell.execution_count ?? ' '}]`
          : cell.cell_type}
      </div>
      <Source text={text} changed={props.changed} side={props.side} />
      {rendermime && markdown && (
        <div className="jp-nbversion-cell-outputs">
          <Rendered {...markdown} rendermime={rendermime} />
        </div>
      )}
      {bundles.length > 0 && (
        <div
          className="jp-nbversion-cell-outputs"
          data-testid="nbversion-cell-outputs"
        >
          {bundles.map((b, i) =>
            rendermime ? (
              <Rendered key={i} {...b} rendermime={rendermime} />
            ) : (
              <pre key={i}>{JSON.stringify(b.data, null, 1)}</pre>
            )
          )}
        </div>
      )}
    </div>
  );
}

const STATUS_LABEL: Record<string, string> = {
  modified: 'changed',
  added: 'added',
  removed: 'removed',
  same: 'unchanged'
};

function Pair(props: {
  pair: ICellPair;
  a: INotebookLike;
  b: INotebookLike;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { pair } = props;
  const ca = pair.a === null ? undefined : props.a.cells[pair.a];
  const cb = pair.b === null ? undefined : props.b.cells[pair.b];
  const lines = React.useMemo(
    () =>
      ca && cb && pair.source
        ? changedLines(sourceText(ca), sourceText(cb))
        : null,
    [ca, cb, pair.source]
  );
  const what =
    pair.status === 'modified'
      ? [pair.source && 'source', pair.outputs && 'outputs']
          .filter(Boolean)
          .join(' and ') + ' changed'
      : STATUS_LABEL[pair.status];
  const where =
    pair.b !== null ? `cell ${pair.b + 1}` : `cell ${(pair.a ?? 0) + 1} before`;
  return (
    <div
      className={`jp-nbversion-cellpair jp-mod-${pair.status}`}
      data-testid="nbversion-cellpair"
      data-status={pair.status}
      role="group"
      aria-label={`${where}: ${what}`}
    >
      <div className="jp-nbversion-cellpair-label">
        {where} · {what}
      </div>
      <Side cell={ca} side="a" changed={lines?.a ?? null} {...props} />
      <Side cell={cb} side="b" changed={lines?.b ?? null} {...props} />
    </div>
  );
}

/**
 * Cells of two versions side by side, before on the left, after on the right, with
 * outputs rendered; runs of unchanged cells fold into one line that opens on click.
 */
export function CellPairs(props: {
  a: INotebookLike;
  b: INotebookLike;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { a, b } = props;
  const pairs = React.useMemo(() => alignCells(a.cells, b.cells), [a, b]);
  const [open, setOpen] = React.useState<Set<number>>(new Set());
  const out: JSX.Element[] = [];
  for (let i = 0; i < pairs.length;) {
    if (pairs[i].status !== 'same' || open.has(i)) {
      out.push(<Pair key={i} pair={pairs[i]} {...props} />);
      i++;
      continue;
    }
    const start = i;
    while (i < pairs.length && pairs[i].status === 'same' && !open.has(i)) {
      i++;
    }
    const n = i - start;
    out.push(
      <button
        key={`fold${start}`}
        type="button"
        className="jp-nbversion-cellfold"
        data-testid="nbversion-cellfold"
        onClick={() =>
          setOpen(
            new Set([
              ...open,
              ...Array.from({ length: n }, (_, k) => start + k)
            ])
          )
        }
      >
        {n} unchanged cell{n === 1 ? '' : 's'}: show
      </button>
    );
  }
  return (
    <div className="jp-nbversion-cellpairs" data-testid="nbversion-cellpairs">
      <div className="jp-nbversion-cellpairs-head" aria-hidden="true">
        <span>Before</span>
        <span>After</span>
      </div>
      {pairs.length === 0 ? <p>Both notebooks are empty.</p> : out}
    </div>
  );
}
