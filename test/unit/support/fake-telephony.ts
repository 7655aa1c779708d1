import { TelephonyError, type LiveChannel, type Telephony } from '../../../src/ports/telephony.js';

type Method = keyof Telephony;

export interface TelephonyCall {
  method: Method;
  args: unknown[];
}

/**
 * A hand-written Telephony: records every call, answers from a list of live channels, and fails a
 * method on request (fail('play', new TelephonyError('rejected', ...))).
 */
export class FakeTelephony implements Telephony {
  readonly calls: TelephonyCall[] = [];
  /** What appChannels() reports as in the Stasis app. */
  live: LiveChannel[] = [];
  private readonly failures = new Map<Method, Error[]>();

  /** The next call of `method` throws `error` (queue several by calling again). */
  fail(method: Method, error: Error = new TelephonyError('rejected', `${method} rejected`)): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(error);
    this.failures.set(method, queue);
  }

  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  methods(): Method[] {
    return this.calls.map((c) => c.method);
  }

  private async record(method: Method, args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    const error = this.failures.get(method)?.shift();
    if (error) throw error;
  }

  watch(channelId: string) {
    return this.record('watch', [channelId]);
  }
  answer(channelId: string) {
    return this.record('answer', [channelId]);
  }
  play(channelId: string, playbackId: string, media: string[]) {
    return this.record('play', [channelId, playbackId, media]);
  }
  stopPlayback(playbackId: string) {
    return this.record('stopPlayback', [playbackId]);
  }
  hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer') {
    return this.record('hangup', [channelId, reason]);
  }
  continueInDialplan(channelId: string, context: string) {
    return this.record('continueInDialplan', [channelId, context]);
  }
  async appChannels(): Promise<LiveChannel[]> {
    await this.record('appChannels', []);
    return this.live.map((c) => ({ ...c }));
  }
}

export function liveChannel(id: string, over: Partial<LiveChannel> = {}): LiveChannel {
  return { id, state: 'Ring', callerNumber: '+33612345678', callerName: 'Alice', dialed: '100', createdAt: 0, ...over };
}
