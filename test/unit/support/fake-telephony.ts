import { TelephonyError, type DialTarget, type LiveChannel, type RecordOptions, type Telephony } from '../../../src/ports/telephony.js';

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

  private async log(method: Method, args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    const error = this.failures.get(method)?.shift();
    if (error) throw error;
  }

  watch(channelId: string) {
    return this.log('watch', [channelId]);
  }
  answer(channelId: string) {
    return this.log('answer', [channelId]);
  }
  play(channelId: string, playbackId: string, media: string[]) {
    return this.log('play', [channelId, playbackId, media]);
  }
  stopPlayback(playbackId: string) {
    return this.log('stopPlayback', [playbackId]);
  }
  hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer') {
    return this.log('hangup', [channelId, reason]);
  }
  continueInDialplan(channelId: string, context: string) {
    return this.log('continueInDialplan', [channelId, context]);
  }
  async appChannels(): Promise<LiveChannel[]> {
    await this.log('appChannels', []);
    return this.live.map((c) => ({ ...c }));
  }
  record(channelId: string, recording: RecordOptions) {
    return this.log('record', [channelId, recording]);
  }
  stopRecording(name: string) {
    return this.log('stopRecording', [name]);
  }
  setLanguage(channelId: string, language: string) {
    return this.log('setLanguage', [channelId, language]);
  }
  sendDtmf(channelId: string, dtmf: string, betweenMs: number) {
    return this.log('sendDtmf', [channelId, dtmf, betweenMs]);
  }
  dial(legId: string, target: DialTarget) {
    return this.log('dial', [legId, target]);
  }
  bridge(bridgeId: string, channelIds: string[]) {
    return this.log('bridge', [bridgeId, channelIds]);
  }
  destroyBridge(bridgeId: string) {
    return this.log('destroyBridge', [bridgeId]);
  }
}

export function liveChannel(id: string, over: Partial<LiveChannel> = {}): LiveChannel {
  return { id, state: 'Ring', callerNumber: '+33612345678', callerName: 'Alice', dialed: '100', createdAt: 0, ...over };
}
