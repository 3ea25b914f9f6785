import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from './request';
import { IServerStatus } from './tokens';

/**
 * Client-side state of the Versions panel: the server status and any load error.
 * Components render it; only this model talks to the server.
 */
export class VersionsModel {
  /** Emitted whenever status or error changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): IServerStatus | null {
    return this._status;
  }

  get error(): string | null {
    return this._error;
  }

  get loading(): boolean {
    return this._loading;
  }

  /** Fetch `GET /nbversion/api/status`; failures land in `error`, never thrown. */
  async refresh(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      this._status = await requestAPI<IServerStatus>('status');
      this._error = null;
    } catch (error) {
      this._status = null;
      this._error = error instanceof Error ? error.message : String(error);
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  private _status: IServerStatus | null = null;
  private _error: string | null = null;
  private _loading = false;
  private _changed = new Signal<this, void>(this);
}
