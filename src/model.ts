import { NotebookPanel } from '@jupyterlab/notebook';
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import * as api from './api';
import { HoldsModel } from './holds';
import {
  IAuthor,
  IFetchState,
  IGitState,
  IJob,
  INewRemote,
  IPushChoice,
  IRefs,
  IRemote,
  ISaveResult,
  IStorage,
  ITransferResult,
  IServerStatus,
  IVersionDetails,
  IVersionSummary
} from './tokens';

/** Rows fetched per page of history. */
export const PAGE_SIZE = 100;
/** Remotes and storage load this long after a refresh, once for a burst of refreshes. */
const SHARING_DELAY_MS = 250;
/** The counts reload this long after the server's background fetch was due to start. */
const FETCH_SETTLE_MS = 3000;
/** ... and at most this often while a background fetch is still running. */
const FETCH_POLL_MS = 5000;
/** Saves taking longer than this show a progress bar. */
const PROGRESS_AFTER_MS = 1000;

/** A running operation shown in the panel (save, restore, checkout). */
export interface IBusy {
  label: string;
  progress: IJob['progress'] | null;
  detail: string;
  /** Where the panel shows it: the save bar (default) or the Sharing section. */
  scope?: 'sharing';
}

/** Details of one version, loaded on demand when its row is expanded. */
export type DetailsState =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; details: IVersionDetails };

const EMPTY_REFS: IRefs = { branches: {}, tags: {}, current_branch: 'main' };

/**
 * Client-side state of the Versions panel for the active notebook.
 * Components render it; only this model (through api.ts) talks to the server.
 * Methods throw NbVersionAPIError; callers turn them into notifications.
 */
export class VersionsModel {
  /** Which version the kernel and the notebook hold ("kernel holds" indicator). */
  readonly holds = new HoldsModel();

  constructor() {
    this.holds.changed.connect(() => this._changed.emit());
  }

  /** Emitted on any state change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): IServerStatus | null {
    return this._status;
  }
  /** Error reaching the server extension (status call). */
  get error(): string | null {
    return this._error;
  }
  get notebook(): NotebookPanel | null {
    return this._notebook;
  }
  get path(): string | null {
    return this._notebook?.context.path ?? null;
  }
  get kernelId(): string | undefined {
    return this._notebook?.sessionContext.session?.kernel?.id;
  }
  get versions(): readonly IVersionSummary[] {
    return this._versions;
  }
  get total(): number {
    return this._total;
  }
  get refs(): IRefs {
    return this._refs;
  }
  get currentBranch(): string {
    return this._refs.current_branch;
  }
  /** Id of the head of the current branch, if any. */
  get currentId(): string | null {
    return this._refs.branches[this._refs.current_branch] ?? null;
  }
  get query(): string {
    return this._query;
  }
  get loading(): boolean {
    return this._loading;
  }
  get listError(): string | null {
    return this._listError;
  }
  get busy(): IBusy | null {
    return this._busy;
  }
  get expanded(): string | null {
    return this._expanded;
  }
  get selected(): readonly string[] {
    return this._selected;
  }
  /** Milliseconds of the last history fetch (for diagnostics). */
  get lastFetchMs(): number {
    return this._lastFetchMs;
  }
  /** Configured remotes, with the current branch's ahead/behind counts. */
  get remotes(): readonly IRemote[] {
    return this._remotes;
  }
  /** The server's background fetch of the remotes (null until loaded). */
  get fetchState(): IFetchState | null {
    return this._fetchState;
  }
  /** Error loading the remotes or storage (shown in the Sharing section). */
  get sharingError(): string | null {
    return this._sharingError;
  }
  /** Local size vs budget and each version's locality (null until loaded). */
  get storage(): IStorage | null {
    return this._storage;
  }
  /** Git auto-commit of the project (null until loaded, or when it could not load). */
  get git(): IGitState | null {
    return this._git;
  }
  /** Who saves here, as the server sees it (null until the status loaded). */
  get user(): IAuthor | null {
    return this._status?.user ?? null;
  }
  /** Remote names, to tell remote-tracking branches (`origin/main`) from local ones. */
  get remoteNames(): string[] {
    return this._remotes.map(r => r.name);
  }
  details(id: string): DetailsState | undefined {
    return this._details.get(id);
  }
  version(id: string): IVersionSummary | undefined {
    return this._versions.find(v => v.id === id);
  }

  /** Fetch the server status; failures land in `error`, never thrown. */
  async refreshStatus(): Promise<void> {
    try {
      this._status = await api.getStatus();
      this._error = null;
    } catch (error) {
      this._status = null;
      this._error = error instanceof Error ? error.message : String(error);
    }
    this._changed.emit();
  }

  /** Track another notebook (or none); reloads the history. */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._notebook) {
      return;
    }
    this._notebook?.context.pathChanged.disconnect(this._onPathChanged, this);
    this._notebook = panel;
    this.holds.setPanel(panel);
    panel?.context.pathChanged.connect(this._onPathChanged, this);
    this._reset();
    void this.refresh();
  }

  setQuery(q: string): void {
    this._query = q;
    this._changed.emit();
    if (this._queryTimer) {
      clearTimeout(this._queryTimer);
    }
    this._queryTimer = setTimeout(() => void this.refresh(), 250);
  }

  /** Reload the history from the first page (keeping as many rows as shown). */
  async refresh(): Promise<void> {
    const path = this.path;
    if (!path) {
      this._reset();
      this._changed.emit();
      return;
    }
    const limit = Math.min(1000, Math.max(PAGE_SIZE, this._versions.length));
    // the history first (it is what the user waits for), then remotes and storage
    await this._fetch(path, 0, limit, false);
    await this.refreshSharing();
  }

  /**
   * Reload the remotes (ahead/behind) and the storage status; never throws. The load
   * starts shortly after the call, and calls made meanwhile share it (or one follow-up
   * load), so a burst of refreshes (notebook switch, kernel start) costs the server one or
   * two loads, not one per call, and never holds up the history.
   */
  refreshSharing(): Promise<void> {
    if (this._sharingLoad) {
      // a load not started yet will see the latest state anyway
      this._sharingAgain = this._sharingAgain || !this._sharingWaiting;
      return this._sharingLoad;
    }
    const run = async () => {
      try {
        // let the history (what the user waits for) have the server first
        this._sharingWaiting = true;
        await new Promise(resolve => setTimeout(resolve, SHARING_DELAY_MS));
        this._sharingWaiting = false;
        do {
          this._sharingAgain = false;
          await this._loadSharing();
        } while (this._sharingAgain);
      } finally {
        this._sharingLoad = null;
      }
    };
    this._sharingLoad = run();
    return this._sharingLoad;
  }

  private async _loadSharing(): Promise<void> {
    const path = this.path;
    if (!path) {
      return;
    }
    const ticket = ++this._sharingTicket;
    // the git state is a small extra: failing to read it never hides the remotes
    const git = api.getGit(path).catch(() => null);
    try {
      const { remotes, fetch } = await api.listRemotes(path);
      // storage reads every manifest of the store: only when it can matter (a remote to
      // evict to) or when asked for (the Sharing section unfolded)
      const storage =
        remotes.length || this._sharingOpen ? await api.getStorage(path) : null;
      const gitState = await git;
      if (ticket !== this._sharingTicket || path !== this.path) {
        return;
      }
      this._remotes = remotes;
      this._storage = storage;
      this._git = gitState;
      this._sharingError = null;
      this._followFetch(fetch ?? null);
    } catch (error) {
      if (ticket === this._sharingTicket) {
        this._sharingError =
          error instanceof Error ? error.message : String(error);
      }
    }
    this._changed.emit();
  }

  /**
   * Keep the counts live: reload them once the server's next background fetch is due
   * (and has had a moment to run), and the history too when a fetch brought versions.
   */
  private _followFetch(fetch: IFetchState | null): void {
    const brought =
      fetch !== null &&
      this._fetchState !== null &&
      fetch.versions > this._fetchState.versions;
    this._fetchState = fetch;
    if (this._fetchTimer) {
      clearTimeout(this._fetchTimer);
      this._fetchTimer = null;
    }
    if (brought) {
      void this.refresh(); // teammates' versions: into the history (it reloads the counts)
      return;
    }
    if (!fetch || fetch.interval <= 0 || !this._remotes.length) {
      return;
    }
    const due = fetch.next
      ? fetch.next * 1000 - Date.now()
      : fetch.interval * 1000;
    this._fetchTimer = setTimeout(
      () => {
        this._fetchTimer = null;
        void this.refreshSharing();
      },
      Math.max(FETCH_POLL_MS, due + FETCH_SETTLE_MS)
    );
  }

  /** Add a remote (the server checks it; a 400 names the field), then reload. */
  async addRemote(remote: INewRemote): Promise<IRemote> {
    const added = await api.addRemote(remote);
    await this.refreshSharing();
    return added;
  }

  /** Forget a remote, then reload the Sharing section. */
  async removeRemote(name: string): Promise<void> {
    await api.removeRemote(name);
    this._remotes = this._remotes.filter(r => r.name !== name);
    this._changed.emit();
    await this.refreshSharing();
  }

  /** The Sharing section was unfolded or folded: load the storage when it shows. */
  setSharingOpen(open: boolean): void {
    if (open === this._sharingOpen) {
      return;
    }
    this._sharingOpen = open;
    if (open && !this._storage) {
      void this.refreshSharing();
    }
  }

  /**
   * Push this notebook's branches and tags to `remote` (all of them, or `choice`), then
   * refresh counts and history.
   */
  async push(
    remote: string,
    choice: IPushChoice | null = null
  ): Promise<ITransferResult> {
    const path = this._requirePath();
    return this.track(
      `Pushing to ${remote}…`,
      async onProgress => {
        const result = await api.push(remote, path, choice, onProgress);
        await this.refresh();
        return result;
      },
      'sharing'
    );
  }

  /** Join `REMOTE/branch` into the current branch (keeps this branch's state). */
  async join(remote: string): Promise<string | null> {
    const answer = await api.join(remote, this._requirePath());
    await this.refresh();
    return answer.joined;
  }

  /** Fetch `remote`'s versions (as `REMOTE/branch`), then refresh. */
  async pull(remote: string): Promise<ITransferResult> {
    return this.track(
      `Pulling from ${remote}…`,
      async onProgress => {
        const result = await api.pull(remote, onProgress);
        await this.refresh();
        return result;
      },
      'sharing'
    );
  }

  /** Turn git auto-commit on or off (throws, e.g. 409 outside a git repository). */
  async setGitAutocommit(on: boolean): Promise<IGitState> {
    const path = this._requirePath();
    const before = this._git;
    // the checkbox follows the click at once; a refusal puts it back
    if (before) {
      this._git = { ...before, autocommit: on };
      this._changed.emit();
    }
    try {
      this._git = await api.setGitAutocommit(path, on);
      return this._git;
    } catch (error) {
      this._git = before;
      throw error;
    } finally {
      this._changed.emit();
    }
  }

  /** Append the next page of history. */
  async loadMore(): Promise<void> {
    const path = this.path;
    if (!path || this._loading || this._versions.length >= this._total) {
      return;
    }
    await this._fetch(path, this._versions.length, PAGE_SIZE, true);
  }

  toggleExpanded(id: string): void {
    this._expanded = this._expanded === id ? null : id;
    this._changed.emit();
    if (this._expanded && !this._details.has(id)) {
      void this.loadDetails(id);
    }
  }

  /** Expand a row (never collapse it), loading its details; e.g. from the metrics plot. */
  reveal(id: string): void {
    if (this._expanded !== id) {
      this.toggleExpanded(id);
    }
  }

  /** Tick a row for comparison; at most two stay selected (oldest dropped). */
  toggleSelected(id: string): void {
    if (this._selected.includes(id)) {
      this._selected = this._selected.filter(s => s !== id);
    } else {
      this._selected = [...this._selected, id].slice(-2);
    }
    this._changed.emit();
  }

  async loadDetails(id: string): Promise<void> {
    const path = this.path;
    if (!path) {
      return;
    }
    this._details.set(id, { state: 'loading' });
    this._changed.emit();
    try {
      const details = await api.getVersion(id, path);
      this._details.set(id, { state: 'ready', details });
    } catch (error) {
      this._details.set(id, { state: 'error', message: String(error) });
    }
    this._changed.emit();
  }

  /**
   * Save the notebook file, then a version of it (with kernel state when it has a
   * kernel). Progress shows when the save takes longer than a second.
   */
  async save(message: string): Promise<ISaveResult> {
    const panel = this._requireNotebook();
    return this.track('Saving version…', async onProgress => {
      this._stampNotebookId(panel);
      await panel.context.save();
      const result = await api.saveVersion(
        panel.context.path,
        message,
        this.kernelId,
        onProgress
      );
      this.holds.noteNotebook(result.id, 'saved');
      void this.holds.refreshKernel();
      await this.refresh();
      return result;
    });
  }

  /**
   * Run a server operation as the panel's busy state: a progress bar appears when
   * it is still running after a second.
   */
  async track<T>(
    label: string,
    work: (onProgress: api.JobProgress) => Promise<T>,
    scope?: IBusy['scope']
  ): Promise<T> {
    // transfers show their progress at once: a push or pull is rarely instant
    const timer = setTimeout(
      () => {
        this._busy = this._busy ?? { label, progress: null, detail: '', scope };
        this._changed.emit();
      },
      scope ? 0 : PROGRESS_AFTER_MS
    );
    this._running++;
    const onProgress = (job: IJob) => {
      this._busy = { label, progress: job.progress, detail: job.detail, scope };
      this._changed.emit();
    };
    try {
      return await work(onProgress);
    } finally {
      clearTimeout(timer);
      this._running--;
      if (this._running === 0) {
        this._busy = null;
      }
      this._changed.emit();
    }
  }

  /** True while a save/restore started from this panel is running. */
  get running(): boolean {
    return this._running > 0;
  }

  async createRef(
    kind: 'branches' | 'tags',
    name: string,
    ref: string
  ): Promise<void> {
    await api.createRef(kind, this._requirePath(), name, ref);
    await this.refresh();
  }

  async deleteRef(kind: 'branches' | 'tags', name: string): Promise<void> {
    await api.deleteRef(kind, this._requirePath(), name);
    await this.refresh();
  }

  /** Make `branch` current on the server; returns its head version id. */
  async checkout(branch: string): Promise<string> {
    const answer = await api.checkout(this._requirePath(), branch);
    await this.refresh();
    return answer.head;
  }

  dispose(): void {
    if (this._queryTimer) {
      clearTimeout(this._queryTimer);
    }
    if (this._fetchTimer) {
      clearTimeout(this._fetchTimer);
    }
    Signal.clearData(this);
  }

  /**
   * Keep the notebook's history id in its metadata (`nbversion.notebook_id`), so the
   * history follows the notebook through renames and copies keep their lineage. An id
   * the server already knows for this path is reused; a new notebook gets a new one.
   */
  private _stampNotebookId(panel: NotebookPanel): void {
    const model = panel.context.model;
    const current = model.getMetadata('nbversion') as
      { notebook_id?: string } | undefined;
    if (current?.notebook_id) {
      return;
    }
    const id = this._notebookId ?? UUID.uuid4();
    model.setMetadata('nbversion', { ...(current ?? {}), notebook_id: id });
  }

  private async _fetch(
    path: string,
    offset: number,
    limit: number,
    append: boolean
  ): Promise<void> {
    this._loading = true;
    this._changed.emit();
    const ticket = ++this._ticket;
    const started = performance.now();
    try {
      const page = await api.listVersions(path, {
        q: this._query || undefined,
        offset,
        limit
      });
      if (ticket !== this._ticket || path !== this.path) {
        return; // a newer request or another notebook superseded this one
      }
      this._versions = append
        ? [...this._versions, ...page.versions]
        : page.versions;
      this._total = page.total;
      this._refs = { ...EMPTY_REFS, ...page.refs };
      this._notebookId = page.notebook_id ?? null;
      this._listError = null;
      const ids = new Set(this._versions.map(v => v.id));
      this._selected = this._selected.filter(id => ids.has(id));
    } catch (error) {
      if (ticket === this._ticket) {
        this._listError =
          error instanceof Error ? error.message : String(error);
      }
    } finally {
      if (ticket === this._ticket) {
        this._loading = false;
        this._lastFetchMs = performance.now() - started;
      }
      this._changed.emit();
    }
  }

  private _reset(): void {
    this._ticket++;
    this._notebookId = null;
    this._versions = [];
    this._total = 0;
    this._refs = EMPTY_REFS;
    this._expanded = null;
    this._selected = [];
    this._details.clear();
    this._listError = null;
    this._loading = false;
    this._sharingTicket++;
    // remotes are the store's: keep them (no flicker), without the old notebook's counts
    this._remotes = this._remotes.map(r => ({
      name: r.name,
      url: r.url,
      kind: r.kind,
      endpoint_url: r.endpoint_url,
      profile: r.profile
    }));
    this._storage = null;
    this._sharingError = null;
  }

  private _onPathChanged(): void {
    this._reset();
    void this.refresh();
  }

  private _requireNotebook(): NotebookPanel {
    if (!this._notebook) {
      throw new Error('Open a notebook to version it.');
    }
    return this._notebook;
  }

  private _requirePath(): string {
    return this._requireNotebook().context.path;
  }

  private _status: IServerStatus | null = null;
  private _error: string | null = null;
  private _notebook: NotebookPanel | null = null;
  private _versions: IVersionSummary[] = [];
  private _total = 0;
  private _refs: IRefs = EMPTY_REFS;
  private _notebookId: string | null = null;
  private _query = '';
  private _queryTimer: ReturnType<typeof setTimeout> | null = null;
  private _loading = false;
  private _listError: string | null = null;
  private _busy: IBusy | null = null;
  private _running = 0;
  private _expanded: string | null = null;
  private _selected: string[] = [];
  private _details = new Map<string, DetailsState>();
  private _ticket = 0;
  private _lastFetchMs = 0;
  private _remotes: IRemote[] = [];
  private _storage: IStorage | null = null;
  private _git: IGitState | null = null;
  private _sharingError: string | null = null;
  private _sharingTicket = 0;
  private _sharingLoad: Promise<void> | null = null;
  private _sharingAgain = false;
  private _sharingWaiting = false;
  private _sharingOpen = false;
  private _fetchState: IFetchState | null = null;
  private _fetchTimer: ReturnType<typeof setTimeout> | null = null;
  private _changed = new Signal<this, void>(this);
}
