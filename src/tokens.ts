import { Token } from '@lumino/coreutils';

/**
 * Shared interfaces and command ids for the nbversion labextension.
 */

/** Plugin and command identifiers. */
export const PLUGIN_ID = 'nbversion:plugin';
export namespace CommandIDs {
  export const openPanel = 'nbversion:open-panel';
  export const refreshStatus = 'nbversion:refresh-status';
  export const save = 'nbversion:save';
  export const refresh = 'nbversion:refresh';
  export const undoRestore = 'nbversion:undo-restore';
  export const compare = 'nbversion:compare';
  export const openRuns = 'nbversion:open-runs';
}

/** `GET /nbversion/api/status` response body. */
export interface IServerStatus {
  /** nbversion package version running in the server. */
  version: string;
  /** Project root the server extension versions notebooks under. */
  root: string;
  /** Path of the `.nbversion/` store. */
  store: string;
  /** Whether the store has been created yet. */
  store_exists: boolean;
  /** Who saves here (git config, else the login name): other authors are badged. */
  user?: IAuthor;
  /** With `?path=`: the notebook's kernel (null: none), e.g. what it holds. */
  kernel?: {
    state: string;
    loaded?: boolean;
    holds?: IHeld | null;
    /** The last save that failed since one worked (null: all good). */
    last_error?: ISaveFailure | null;
  } | null;
}

/** A failed save as the kernel records it (`kernel.last_error`). */
export interface ISaveFailure {
  /** "save" (an explicit save) or "autosave" (after a cell). */
  kind: string;
  message: string;
  at: string;
  /** Failures in a row. */
  failures: number;
}

/** The version a kernel was last saved as or restored from (`kernel.holds`). */
export interface IHeld {
  id: string;
  how: 'saved' | 'restored';
  at: string;
  /** A cell touched its variables since. */
  changed: boolean;
}

/** How a restore is applied by default. */
export type RestoreMode = 'all' | 'variables' | 'notebook';

/** User settings (see schema/plugin.json). */
export interface INbVersionSettings {
  /** Open the Versions panel when JupyterLab starts. */
  openOnStart: boolean;
  /** Choice preselected in the restore dialog. */
  defaultRestoreMode: RestoreMode;
  /** Poll the history every N seconds (0 = off). */
  autoRefreshSeconds: number;
  /** Save a version after every cell, silently (the kernel's `%version autosave`). */
  autoSave: boolean;
}

export interface IAuthor {
  name: string;
  email: string;
}

/** What a listing row and a version's details both say about a version. */
export interface IVersionCommon {
  id: string;
  parents: string[];
  branch: string | null;
  message: string | null;
  author: IAuthor | null;
  created: string | null;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  tags: string[];
}

/** One row of `GET versions`. */
export interface IVersionSummary extends IVersionCommon {
  notebook_path: string | null;
  variables: number;
  /** Remotes known to have this version (their tracking refs reach it). */
  remotes?: string[];
  /** The remote it came from, while no local branch holds it. */
  from_remote?: string | null;
}

export interface IRefs {
  branches: Record<string, string>;
  tags: Record<string, string>;
  current_branch: string;
}

/** `GET versions` response body. */
export interface IVersionList {
  versions: IVersionSummary[];
  total: number;
  offset: number;
  limit: number;
  refs: Partial<IRefs>;
  /** The notebook's stable id, once it has versions (kept in its metadata). */
  notebook_id?: string | null;
}

export interface IVariableInfo {
  type: string;
  summary?: string;
  size?: number;
  kind?: string;
  stats?: Record<string, unknown>;
  alias_of?: string;
}

/** `GET versions/{id}` response body (the manifest). */
export interface IVersionDetails extends IVersionCommon {
  notebook: string;
  variables: Record<string, IVariableInfo>;
  data_files: Record<string, unknown>;
  environment: {
    python?: string;
    packages?: Record<string, string>;
    git?: { commit?: string; branch?: string; dirty?: boolean } | null;
    [key: string]: unknown;
  };
  skipped: { name: string; type?: string; reason: string }[];
  trusted: boolean;
}

/** A long-running save or restore on the server. */
export interface IJob<R = unknown> {
  id: string;
  kind?: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  detail: string;
  progress: { done: number; total: number; item: string };
  result: R | null;
  error: {
    message: string;
    reason: string;
    status?: number;
    details?: Record<string, unknown>;
  } | null;
}

export interface ISaveResult {
  id: string;
  version: IVersionSummary;
  variables_captured: boolean;
  reason?: string;
  written?: string[];
  reused?: string[];
  bytes_written?: number;
  seconds?: number;
}

/** Where a remote lives: a folder on the server, an S3 bucket, a git repository. */
export type RemoteKind = 'folder' | 's3' | 'git';

/** One configured remote; with a notebook, its current branch against `REMOTE/branch`. */
export interface IRemote {
  name: string;
  url: string;
  /** folder, s3, git (or another fsspec protocol). */
  kind?: string;
  endpoint_url?: string;
  /** Name of the AWS profile the server reads keys from (S3); never keys. */
  profile?: string;
  branch?: string;
  tracking?: string;
  tracking_exists?: boolean;
  /** Versions on the branch that the remote (as of the last push/pull) lacks. */
  ahead?: number;
  /** Versions on `REMOTE/branch` the branch lacks (pulled, not built on). */
  behind?: number;
}

/** A remote to add (`POST remotes`); credentials never travel, only a profile name. */
export interface INewRemote {
  name: string;
  kind: RemoteKind;
  url: string;
  endpoint_url?: string;
  profile?: string;
}

/** The server's background fetch of every remote (`GET remotes` → `fetch`). */
export interface IFetchState {
  /** Seconds between rounds (0: none). */
  interval: number;
  /** Epoch seconds: when the last round ended, when the next one starts. */
  last: number | null;
  next: number | null;
  rounds: number;
  /** Versions the background rounds brought in so far (grows when teammates pushed). */
  versions: number;
  /** Remote name → why its last background fetch failed. */
  errors: Record<string, string>;
}

/** What to push: named branches and tags (all of them when the push has none). */
export interface IPushChoice {
  branches: string[];
  tags: string[];
}

/** What a push or pull job answers. */
export interface ITransferResult {
  remote: string;
  objects_sent?: number;
  bytes_sent?: number;
  versions_sent?: number;
  refs_updated?: Record<string, string>;
  refs_unchanged?: string[];
  objects_fetched?: number;
  bytes_fetched?: number;
  versions_fetched?: number;
  refs?: Record<string, string>;
  skipped?: string[];
}

/** Where a version's objects are (`GET storage`). */
export type Locality = 'local' | 'remote-only' | 'partial' | 'missing';

/** `GET storage?path=` response body. */
/** Git auto-commit of the project (`GET git`). */
export interface IGitState {
  /** The project is inside a git work tree. */
  work_tree: boolean;
  /** Each save also commits the notebook (`[git] autocommit`). */
  autocommit: boolean;
  /** The store has its `.gitignore` (manifests and refs are committed too). */
  setup: boolean;
}

export interface IStorage {
  local_bytes: number;
  budget: number | null;
  over_budget: boolean;
  versions: Record<
    string,
    { locality: Locality; bytes?: number; local_bytes?: number }
  >;
}

/** A variable a restore would unpickle without trust. */
export interface IUntrustedVariable {
  name: string;
  type: string;
  kind: string;
}

export interface IRestorePlan {
  restore: string[];
  unchanged: string[];
  remove: string[];
  missing: string[];
  /** What each name restored or removed holds now and after (null: absent). */
  changes?: Record<string, { before: string | null; after: string | null }>;
}

export interface IRestoreResult {
  id: string;
  /** The undo point saved first with the state the restore replaced. */
  undo?: string | null;
  variables?: {
    id?: string;
    plan?: IRestorePlan;
    /** Preview: whether this user trusts the version (made it, or chose to). */
    trusted?: boolean;
    /** Preview: variables that would be unpickled, which needs trust. */
    needs_trust?: IUntrustedVariable[];
    restored?: string[];
    unchanged?: string[];
    removed?: string[];
    failed?: Record<string, string>;
  } | null;
  notebook?: Record<string, unknown>;
}

export interface IDictDiff {
  added: Record<string, unknown>;
  removed: Record<string, unknown>;
  changed: Record<
    string,
    { before: unknown; after: unknown; delta?: number; change?: string }
  >;
}

/** One modified, added or removed cell of a diff (`notebook.cell_changes`). */
export interface ICellChange {
  op: 'added' | 'removed' | 'modified';
  index_a: number | null;
  index_b: number | null;
  cell_type: string | null;
  /** Changed cell keys (source, outputs, metadata, ...). */
  parts?: string[];
  /** `[sign, text]` source lines: `+`, `-`, ` ` (context) or `…` (elided). */
  source: [string, string][];
  outputs?: Record<string, number>;
}

/** Per-kind detail of a changed variable (see docs/diff.schema.json). */
export interface IVariableDetail {
  category:
    | 'array'
    | 'scalar'
    | 'container'
    | 'dataframe'
    | 'model'
    | 'object'
    | 'type_changed';
  level: 'full' | 'stats';
  reason: string | null;
  [key: string]: unknown;
}

/**
 * `GET diff` response body. The local fallback (localdiff.ts) fills only the
 * required, manifest-level fields; everything optional comes from the server.
 */
export interface IVersionDiff {
  a: string;
  b: string;
  notebook: {
    changed: boolean;
    identical?: boolean;
    cells?: {
      added: number;
      removed: number;
      modified: number;
      unchanged: number;
    };
    cell_changes?: ICellChange[];
    metadata_changed?: boolean;
    skipped?: string | null;
  };
  variables: {
    added: { name: string; type?: string; after?: string }[];
    removed: { name: string; type?: string; before?: string }[];
    changed: {
      name: string;
      type_before?: string;
      type_after?: string;
      before?: string;
      after?: string;
      detail?: IVariableDetail;
    }[];
    unchanged: string[];
  };
  params: IDictDiff;
  metrics: IDictDiff;
  environment: {
    packages: IDictDiff & { upgraded?: string[]; downgraded?: string[] };
    other: IDictDiff;
  };
  data_files: IDictDiff;
}

/** The shared pieces of the Versions UI, provided by the core plugin. */
export interface IVersionsUI {
  model: import('./model').VersionsModel;
  actions: import('./components/types').IPanelActions;
  restorer: import('./restore').Restorer;
  /** Show the Versions sidebar. */
  open(): void;
}

export const IVersionsUI = new Token<IVersionsUI>(
  'nbversion:IVersionsUI',
  'The Versions sidebar model and actions.'
);
