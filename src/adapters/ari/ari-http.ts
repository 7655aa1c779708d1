import { ARI_OPERATIONS, type AriOperations } from './ari-types.generated.js';

export type AriOperation = keyof AriOperations;

/** Asterisk answered with a non-2xx status. */
export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`ARI ${method} ${path} → ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'AriHttpError';
  }
}

/** Asterisk could not be reached, or did not answer within the timeout. */
export class AriUnavailableError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: 'timeout' | 'network',
    cause?: unknown,
  ) {
    super(`ARI ${method} ${path}: ${reason === 'timeout' ? 'timed out' : `unreachable (${(cause as Error)?.message ?? cause})`}`, { cause });
    this.name = 'AriUnavailableError';
  }
}

export interface AriHttpOptions {
  url: string;
  user: string;
  password: string;
  timeoutMs: number;
}

type Params<K extends AriOperation> = AriOperations[K]['params'];
type Body<K extends AriOperation> = AriOperations[K]['body'];
type Response<K extends AriOperation> = AriOperations[K]['response'];

export interface AriRequestOptions<K extends AriOperation> {
  body?: Body<K>;
  timeoutMs?: number;
}

export type AriRequest = <K extends AriOperation>(op: K, params: Params<K>, options?: AriRequestOptions<K>) => Promise<Response<K>>;

// Idempotent reads are retried once on a network error; writes never are (a POST that timed out
// may have been carried out: ids we generate ourselves let the caller check instead).
export function createAriHttp(options: AriHttpOptions): AriRequest {
  const base = options.url.replace(/\/+$/, '') + '/ari';
  // Credentials in a header: a query-string api_key ends up in proxy and access logs.
  const authorization = 'Basic ' + Buffer.from(`${options.user}:${options.password}`).toString('base64');

  return async function request(op, params, requestOptions = {}) {
    const spec = ARI_OPERATIONS[op];
    const values = { ...(params as Record<string, unknown>) };
    let path: string = spec.path;
    for (const name of spec.pathParams) {
      const value = values[name];
      delete values[name];
      path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
    }
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined || value === null) continue;
      query.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const qs = query.toString();
    const url = `${base}${path}${qs ? `?${qs}` : ''}`;
    const init: RequestInit = { method: spec.method, headers: { authorization, accept: 'application/json' } };
    if (requestOptions.body !== undefined) {
      init.body = JSON.stringify(requestOptions.body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const attempts = spec.method === 'GET' ? 2 : 1;
    for (let attempt = 1; ; attempt++) {
      let res: globalThis.Response;
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(requestOptions.timeoutMs ?? options.timeoutMs) });
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError';
        if (!timedOut && attempt < attempts) continue;
        throw new AriUnavailableError(spec.method, path, timedOut ? 'timeout' : 'network', err);
      }
      const text = await res.text();
      if (!res.ok) throw new AriHttpError(res.status, spec.method, path, text);
      return (text ? JSON.parse(text) : undefined) as never;
    }
  };
}

/** A binary GET (a stored recording's file), streamed rather than buffered: an hour of WAV is 57 MB. */
export type AriDownload = (path: string) => Promise<AsyncIterable<Uint8Array>>;

export function createAriDownload(options: AriHttpOptions): AriDownload {
  const base = options.url.replace(/\/+$/, '') + '/ari';
  const authorization = 'Basic ' + Buffer.from(`${options.user}:${options.password}`).toString('base64');
  return async (path) => {
    let res: globalThis.Response;
    try {
      // The timeout covers the headers only: the body of a long recording may take longer.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), options.timeoutMs);
      try {
        res = await fetch(`${base}${path}`, { headers: { authorization }, signal: controller.signal });
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      throw new AriUnavailableError('GET', path, (err as Error).name === 'TimeoutError' ? 'timeout' : 'network', err);
    }
    if (!res.ok || !res.body) throw new AriHttpError(res.status, 'GET', path, await res.text());
    return res.body as unknown as AsyncIterable<Uint8Array>;
  };
}
