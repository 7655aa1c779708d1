import type { AriRequest } from '../../../src/adapters/ari/ari-http.js';
import { TelephonyError, type TelephonyEvent } from '../../../src/ports/telephony.js';
import { waitFor } from './asterisk.js';

// Helpers for tests that drive the ARI adapter directly and collect its mapped events.

/** The first collected event of this type that matches, waiting for it to arrive. */
export async function nextEvent<T extends TelephonyEvent['type']>(
  events: readonly TelephonyEvent[],
  type: T,
  match: (e: Extract<TelephonyEvent, { type: T }>) => boolean,
  timeoutMs = 10_000,
): Promise<Extract<TelephonyEvent, { type: T }>> {
  let found: Extract<TelephonyEvent, { type: T }> | undefined;
  await waitFor(
    () => {
      found = events.find((e): e is Extract<TelephonyEvent, { type: T }> => e.type === type && match(e as Extract<TelephonyEvent, { type: T }>));
      return found !== undefined;
    },
    timeoutMs,
    type,
  );
  return found!;
}

/** 'resolved', or the TelephonyError code the promise failed with. */
export const errorCode = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (err: unknown) => (err instanceof TelephonyError ? err.code : String(err)),
  );

export const channelIds = async (request: AriRequest): Promise<string[]> => ((await request('channels.list', {})) as { id: string }[]).map((c) => c.id);
