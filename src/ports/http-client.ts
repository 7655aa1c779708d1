import type { HttpOutcome, HttpRequestSpec } from '../core/call/call-types.js';

/** Data dips from flow http nodes. Never throws: every failure is an HttpOutcome. */
export interface HttpClient {
  request(spec: HttpRequestSpec): Promise<HttpOutcome>;
}
