/** Callbacks the panel components invoke; implemented in actions.ts. */
export interface IPanelActions {
  save(message: string): void;
  refresh(): void;
  restore(id: string): void;
  undoRestore(): void;
  newBranch(id: string): void;
  tag(id: string): void;
  removeTag(name: string): void;
  switchBranch(name: string): void;
  deleteBranch(name: string): void;
  compare(): void;
  /** Open the Runs tab of the notebook (every version as a table, compare, chart). */
  openRuns(): void;
  /**
   * Push every branch and tag of the notebook to a remote, or (`choose`) those ticked in
   * a dialog; a "fetch first" refusal is explained and offers a pull.
   */
  push(remote: string, choose?: boolean): void;
  /** Ask for a remote (folder, S3, git) in a dialog and add it. */
  addRemote(): void;
  /** Forget a remote, after confirming. */
  removeRemote(name: string): void;
  /** Fetch a remote's versions as `REMOTE/branch` refs. */
  pull(remote: string): void;
  /** After "fetch first" and a pull: join `REMOTE/branch` into the current branch. */
  join(remote: string): void;
  /** Turn git auto-commit (each save also commits the notebook) on or off. */
  setGitAutocommit(on: boolean): void;
}
