import * as React from 'react';

import { graphWidth, layoutGraph } from '../graph';
import { VersionsModel } from '../model';
import { IPanelActions } from './types';
import { isForeign, UNDO_BRANCH, VersionRow } from './VersionRow';

/** Names pointing at each version id, from a name → id map. */
function invert(map: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, id] of Object.entries(map)) {
    out.set(id, [...(out.get(id) ?? []), name]);
  }
  return out;
}

/**
 * The history of the active notebook, newest first. Pages of rows are fetched from
 * the server as the list scrolls near its end, so only what was scrolled to is in
 * the DOM (1,000+ versions stay fast).
 */
export function HistoryList(props: {
  model: VersionsModel;
  actions: IPanelActions;
  /** List undo points (dimmed); false hides them. */
  showUndo: boolean;
}): JSX.Element {
  const { model, actions } = props;
  const refs = model.refs;
  const branchesAt = React.useMemo(() => invert(refs.branches), [refs]);
  const tagsAt = React.useMemo(() => invert(refs.tags), [refs]);
  const onToggle = React.useCallback(
    (id: string) => model.toggleExpanded(id),
    [model]
  );
  const onSelect = React.useCallback(
    (id: string) => model.toggleSelected(id),
    [model]
  );
  const onScroll = (event: React.UIEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    if (el.scrollTop + el.clientHeight > el.scrollHeight - 300) {
      void model.loadMore();
    }
  };
  const versions = props.showUndo
    ? model.versions
    : model.versions.filter(v => v.branch !== UNDO_BRANCH);
  const all = model.versions;
  const complete = all.length >= model.total || !!model.query;
  const graph = React.useMemo(() => {
    // hidden undo points: a version whose parent is one links to that one's parents
    const hidden = new Map(
      props.showUndo
        ? []
        : all.filter(v => v.branch === UNDO_BRANCH).map(v => [v.id, v.parents])
    );
    const rows = layoutGraph(versions, { complete, hidden });
    return { rows: new Map(rows.map(r => [r.id, r])), lanes: graphWidth(rows) };
  }, [all, props.showUndo, complete]);
  const user = model.user;
  const storage = model.storage;
  const hasRemotes = model.remotes.length > 0;
  let empty: string | null = null;
  if (!model.path) {
    empty = 'Open a notebook to see its versions.';
  } else if (model.listError) {
    empty = model.listError;
  } else if (!versions.length && !model.loading) {
    empty = model.query
      ? `No version matches “${model.query}”.`
      : 'No versions yet: save one with “Save version”.';
  }
  return (
    <div className="jp-nbversion-history" onScroll={onScroll}>
      {empty ? (
        <p
          className={
            model.listError ? 'jp-nbversion-error' : 'jp-nbversion-muted'
          }
          data-testid="nbversion-empty"
        >
          {empty}
        </p>
      ) : (
        <ol
          className="jp-nbversion-list"
          aria-label="Versions"
          data-testid="nbversion-list"
        >
          {versions.map(v => (
            <VersionRow
              key={v.id}
              version={v}
              branches={branchesAt.get(v.id) ?? []}
              tags={tagsAt.get(v.id) ?? []}
              current={v.id === model.currentId}
              foreign={isForeign(v.author, user)}
              locality={storage?.versions[v.id]?.locality}
              hasRemotes={hasRemotes}
              expanded={model.expanded === v.id}
              selected={model.selected.includes(v.id)}
              details={
                model.expanded === v.id ? model.details(v.id) : undefined
              }
              actions={actions}
              onToggle={onToggle}
              onSelect={onSelect}
              graph={graph.rows.get(v.id)}
              graphLanes={graph.lanes}
            />
          ))}
        </ol>
      )}
      {versions.length < model.total && (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject jp-nbversion-more"
          aria-label="Load more versions"
          title="Load more versions"
          onClick={() => void model.loadMore()}
        >
          {model.loading
            ? 'Loading…'
            : `Load more (${versions.length} of ${model.total})`}
        </button>
      )}
    </div>
  );
}
