/**
 * Typed wrappers over the nbversion REST API (`/nbversion/api/...`).
 */
import { NbVersionAPIError, requestAPI } from './request';
import {
  IFetchState,
  IJob,
  IGitState,
  INewRemote,
  IPushChoice,
  IRefs,
  IRemote,
  IRestoreResult,
  IStorage,
  ITransferResult,
  ISaveResult,
  IVersionDetails,
  IVersionDiff,
  IVersionList,
  IServerStatus
} from './tokens';

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') {
      q.set(k, String(v));
    }
  }
  return q.toString();
}

function post(body: unknown): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

/** The server's status; with `path`, also that notebook's kernel (`kernel`). */
export function getStatus(path?: string): Promise<IServerStatus> {
  return requestAPI<IServerStatus>(
    path ? `status?${query({ path })}` : 'status'
  );
}

/** One page of a notebook's versions; `path` null: every notebook's, newest first. */
export function listVersions(
  path: string | null,
  options: { q?: string; branch?: string; offset?: number; limit?: number }
): Promise<IVersionList> {
  return requestAPI<IVersionList>(
    `versions?${query({ path: path ?? undefined, ...options })}`
  );
}

export function getVersion(id: string, path: string): Promise<IVersionDetails> {
  return requestAPI<IVersionDetails>(
    `versions/${encodeURIComponent(id)}?${query({ path })}`
  );
}

/** The notebook stored in a version (nbformat JSON; untrusted content). */
export function getVersionNotebook(
  id: string
): Promise<{ cells: Record<string, unknown>[] }> {
  return requestAPI(`versions/${encodeURIComponent(id)}/notebook`);
}

export function getDiff(
  a: string,
  b: string,
  path: string
): Promise<IVersionDiff> {
  return requestAPI<IVersionDiff>(`diff?${query({ a, b, path })}`);
}

export function getRefs(path: string): Promise<IRefs> {
  return requestAPI<IRefs>(`refs?${query({ path })}`);
}

export function createRef(
  kind: 'branches' | 'tags',
  path: string,
  name: string,
  ref: string
): Promise<{ name: string; kind: string; target: string }> {
  return requestAPI(`refs/${kind}`, post({ path, name, ref }));
}

export function deleteRef(
  kind: 'branches' | 'tags',
  path: string,
  name: string
): Promise<void> {
  return requestAPI<void>(
    `refs/${kind}/${encodeURIComponent(name)}?${query({ path })}`,
    { method: 'DELETE' }
  );
}

export function checkout(
  path: string,
  branch: string
): Promise<{ current_branch: string; head: string }> {
  return requestAPI('refs/checkout', post({ path, branch }));
}

/** Progress callback for jobs that outlive the first request. */
export type JobProgress = (job: IJob) => void;

/**
 * Wait for a job: answer at once when the server finished it within its own
 * short wait, otherwise poll `GET jobs/{id}` until it ends.
 */
export async function waitForJob<R>(
  first: IJob<R>,
  onProgress?: JobProgress,
  intervalMs = 300
): Promise<R> {
  let job = first;
  while (job.state === 'queued' || job.state === 'running') {
    onProgress?.(job);
    await new Promise(resolve => setTimeout(resolve, intervalMs));
    job = await requestAPI<IJob<R>>(`jobs/${job.id}`);
  }
  if (job.state === 'done' && job.result) {
    return job.result;
  }
  if (job.state === 'cancelled') {
    throw new NbVersionAPIError(499, 'the operation was cancelled');
  }
  throw new NbVersionAPIError(
    job.error?.status ?? 500,
    job.error?.message ?? `the ${job.kind ?? 'job'} failed`,
    job.error?.details ?? {}
  );
}

export function cancelJob(id: string): Promise<IJob> {
  return requestAPI<IJob>(`jobs/${id}`, { method: 'DELETE' });
}

export async function saveVersion(
  path: string,
  message: string,
  kernelId?: string,
  onProgress?: JobProgress
): Promise<ISaveResult> {
  const job = await requestAPI<IJob<ISaveResult>>(
    'versions',
    post({ path, message, kernel_id: kernelId })
  );
  return waitForJob(job, onProgress);
}

export interface IRestoreOptions {
  path: string;
  kernelId?: string;
  variables?: string[];
  notebook: boolean;
  trust?: boolean;
  preview?: boolean;
  /** Save the replaced state first as an undo point with this message; false: don't. */
  undoPoint?: string | false;
}

export async function restoreVersion(
  id: string,
  options: IRestoreOptions,
  onProgress?: JobProgress
): Promise<IRestoreResult> {
  const job = await requestAPI<IJob<IRestoreResult>>(
    `versions/${encodeURIComponent(id)}/restore`,
    post({
      path: options.path,
      kernel_id: options.kernelId,
      variables: options.variables,
      notebook: options.notebook,
      trust: options.trust ?? false,
      preview: options.preview ?? false,
      undo_point: options.undoPoint
    })
  );
  return waitForJob(job, onProgress);
}

/** Remotes (with `path`, its branch's ahead/behind) and the background fetch's state. */
export function listRemotes(
  path?: string
): Promise<{ remotes: IRemote[]; fetch?: IFetchState }> {
  return requestAPI(`remotes?${query({ path })}`);
}

/** Add a remote (`nbversion remote add`); a 400 names the field at fault. */
export function addRemote(remote: INewRemote): Promise<IRemote> {
  return requestAPI<IRemote>('remotes', post(remote));
}

/** Forget a remote (its `REMOTE/…` refs stay). */
export function removeRemote(name: string): Promise<void> {
  return requestAPI<void>(`remotes/${encodeURIComponent(name)}`, {
    method: 'DELETE'
  });
}

/**
 * Push the notebook's branches and tags to `remote`: all of them, or the `choice`
 * (a job; 409 "fetch first" on a conflict, with details naming the branch).
 */
export async function push(
  remote: string,
  path: string,
  choice: IPushChoice | null,
  onProgress?: JobProgress
): Promise<ITransferResult> {
  const job = await requestAPI<IJob<ITransferResult>>(
    `remotes/${encodeURIComponent(remote)}/push`,
    post(choice ? { path, ...choice } : { path })
  );
  return waitForJob(job, onProgress);
}

/** Fetch the remote's versions as `REMOTE/branch` refs (a job). */
export async function pull(
  remote: string,
  onProgress?: JobProgress
): Promise<ITransferResult> {
  const job = await requestAPI<IJob<ITransferResult>>(
    `remotes/${encodeURIComponent(remote)}/pull`,
    post({})
  );
  return waitForJob(job, onProgress);
}

export function getStorage(path: string): Promise<IStorage> {
  return requestAPI<IStorage>(`storage?${query({ path })}`);
}

/** After "fetch first": join `REMOTE/branch` into the notebook's current branch. */
export function join(
  remote: string,
  path: string
): Promise<{
  branch: string;
  tracking: string;
  joined: string | null;
  head: string | null;
}> {
  return requestAPI(
    `remotes/${encodeURIComponent(remote)}/join`,
    post({ path })
  );
}

export function getGit(path: string): Promise<IGitState> {
  return requestAPI<IGitState>(`git?${query({ path })}`);
}

/** Turn git auto-commit on (409 outside a git repository) or off. */
export function setGitAutocommit(
  path: string,
  autocommit: boolean
): Promise<IGitState> {
  return requestAPI<IGitState>('git', {
    method: 'PUT',
    body: JSON.stringify({ path, autocommit })
  });
}

/** Answer a kernel's request for the notebook as open in the editor (see live.ts). */
export function deliverLive(
  id: string,
  path: string,
  content: unknown
): Promise<{ request: string; bytes: number }> {
  return requestAPI(`live/${encodeURIComponent(id)}`, post({ path, content }));
}
