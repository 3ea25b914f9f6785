/**
 * Shared interfaces and command ids for the nbversion labextension.
 */

/** Plugin and command identifiers. */
export const PLUGIN_ID = 'nbversion:plugin';
export namespace CommandIDs {
  export const openPanel = 'nbversion:open-panel';
  export const refreshStatus = 'nbversion:refresh-status';
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
}

/** User settings (see schema/plugin.json). */
export interface INbVersionSettings {
  /** Open the Versions panel when JupyterLab starts. */
  openOnStart: boolean;
}
