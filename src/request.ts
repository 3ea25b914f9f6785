import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Error raised for any non-2xx answer from the nbversion REST API. */
export class NbVersionAPIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Facts behind the error (the form field at fault, the branch a push was refused for). */
    readonly details: Record<string, unknown> = {}
  ) {
    super(message);
    this.name = 'NbVersionAPIError';
  }
}

/**
 * Call the nbversion REST API (`/nbversion/api/<endPoint>`) and parse its JSON answer.
 *
 * All requests go through JupyterLab's ServerConnection, so they carry the
 * server's token/XSRF cookie like every other authenticated call.
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const requestUrl = URLExt.join(
    settings.baseUrl,
    'nbversion',
    'api',
    endPoint
  );
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(requestUrl, init, settings);
  } catch (error) {
    throw new NbVersionAPIError(
      0,
      `nbversion server extension unreachable: ${String(error)}`
    );
  }
  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const body = data as {
      message?: string;
      details?: Record<string, unknown>;
    } | null;
    throw new NbVersionAPIError(
      response.status,
      body?.message ?? response.statusText,
      body?.details ?? {}
    );
  }
  return data as T;
}
