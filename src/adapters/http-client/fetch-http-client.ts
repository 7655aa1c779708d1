import type { HttpOutcome, HttpRequestSpec } from '../../core/call/call-types.js';
import type { HttpClient } from '../../ports/http-client.js';

// Flow files name secrets as ${env:FLOW_NAME}; the compiler turns them into markers (see
// core/ivr/secret-refs) that only the flow's own text can contain, and they are filled in here, at
// the last moment, so they never sit in a flow file, the call state or the journal. In a JSON body
// the marker arrives escaped (\u0001). Only FLOW_-prefixed variables are reachable, so a flow
// cannot read the server's own credentials (ARI password and the like).
const SECRET = /\u0001([A-Z][A-Z0-9_]*)\u0001|\\u0001([A-Z][A-Z0-9_]*)\\u0001/g;
const MAX_BODY_BYTES = 1024 * 1024;

export class MissingSecretError extends Error {}

export function fillSecrets(text: string, env: Record<string, string | undefined>): string {
  return text.replace(SECRET, (_m, raw: string | undefined, escaped: string | undefined) => {
    const name = (raw ?? escaped) as string;
    if (!name.startsWith('FLOW_')) throw new MissingSecretError(`\${env:${name}}: only FLOW_* environment variables are available to flows`);
    const value = env[name];
    if (value === undefined) throw new MissingSecretError(`\${env:${name}} is not set`);
    // Inside a JSON body the value must stay a valid JSON string.
    return escaped !== undefined ? JSON.stringify(value).slice(1, -1) : value;
  });
}

export function createFetchHttpClient(env: Record<string, string | undefined> = process.env): HttpClient {
  return {
    async request(spec: HttpRequestSpec): Promise<HttpOutcome> {
      let url: string;
      let headers: Record<string, string>;
      let body: string | undefined;
      try {
        url = fillSecrets(spec.url, env);
        headers = Object.fromEntries(Object.entries(spec.headers).map(([k, v]) => [k, fillSecrets(v, env)]));
        body = spec.body === undefined ? undefined : fillSecrets(spec.body, env);
      } catch (err) {
        return { kind: 'error', status: null, message: (err as Error).message };
      }
      try {
        const response = await fetch(url, { method: spec.method, headers, body, signal: AbortSignal.timeout(spec.timeoutMs), redirect: 'follow' });
        const text = await readLimited(response);
        const type = response.headers.get('content-type') ?? '';
        let parsed: unknown = text;
        if (type.includes('json') && text !== '') {
          try {
            parsed = JSON.parse(text);
          } catch {
            return { kind: 'error', status: response.status, message: 'response is not valid JSON', body: text };
          }
        }
        if (!response.ok) return { kind: 'error', status: response.status, message: `HTTP ${response.status}`, body: parsed };
        return { kind: 'ok', status: response.status, body: parsed, headers: Object.fromEntries(response.headers.entries()) };
      } catch (err) {
        const e = err as Error;
        if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout' };
        return { kind: 'error', status: null, message: (e.cause as Error | undefined)?.message ?? e.message };
      }
    },
  };
}

async function readLimited(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new Error(`response larger than ${MAX_BODY_BYTES} bytes`);
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength > MAX_BODY_BYTES) throw new Error(`response larger than ${MAX_BODY_BYTES} bytes`);
  return new TextDecoder().decode(buffer);
}
