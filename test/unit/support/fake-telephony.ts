import {
  TelephonyError,
  type DialTarget,
  type EndpointState,
  type LiveChannel,
  type RecordOptions,
  type Telephony,
  type TelephonyEvent,
  type TransferProgressState,
} from '../../../src/ports/telephony.js';

type Method = keyof Telephony;

export interface TelephonyCall {
  method: Method;
  args: unknown[];
}

/**
 * A hand-written Telephony: records every call, answers from a list of live channels, and fails a
 * method on request (fail('play', new TelephonyError('rejected', ...))). Events the real adapter
 * would deliver go to `onEvent` listeners (wire one to the runtime's handle()).
 */
export class FakeTelephony implements Telephony {
  readonly calls: TelephonyCall[] = [];
  /** What appChannels() reports as in the Stasis app. */
  live: LiveChannel[] = [];
  /** What endpointStates() reports; setRegistered() keeps it in step with the events it emits. */
  endpoints: EndpointState[] = [];
  /** Channels with music on hold now, and the class (startMoh/stopMoh that did not fail). */
  readonly moh = new Map<string, string>();
  private readonly failures = new Map<Method, Error[]>();
  private readonly listeners: ((event: TelephonyEvent) => void)[] = [];

  onEvent(listener: (event: TelephonyEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(event: TelephonyEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The far end of a dialled leg rings. */
  emitLegRinging(legId: string, at = 0): void {
    this.emit({ type: 'legRinging', at, legId });
  }

  /**
   * The phone on a channel (a leg dialled with ariTransfers) sent a REFER. Blind by default, to
   * `destination`; pass `replacesChannelId` (and no destination) for an attended transfer.
   * legId is the channel id when it is a leg ('leg-…'), as the ARI adapter reports it.
   */
  emitTransferRequested(
    channelId: string,
    transfer: { destination?: string | null; kind?: 'blind' | 'attended'; replacesChannelId?: string | null } = {},
    at = 0,
  ): void {
    const kind = transfer.kind ?? (transfer.replacesChannelId ? 'attended' : 'blind');
    this.emit({
      type: 'transferRequested',
      at,
      channelId,
      legId: channelId.startsWith('leg-') ? channelId : null,
      kind,
      destination: transfer.destination ?? null,
      replacesChannelId: transfer.replacesChannelId ?? null,
    });
  }

  /** An endpoint (dial string, 'PJSIP/1001') registers or goes away: updates endpoints and emits endpointState. */
  setRegistered(endpoint: string, registered: boolean, at = 0): void {
    const known = this.endpoints.find((e) => e.endpoint === endpoint);
    if (known) known.registered = registered;
    else this.endpoints.push({ endpoint, registered });
    this.emit({ type: 'endpointState', at, endpoint, registered });
  }

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
  async startMoh(channelId: string, mohClass: string) {
    await this.log('startMoh', [channelId, mohClass]);
    this.moh.set(channelId, mohClass);
  }
  async stopMoh(channelId: string) {
    await this.log('stopMoh', [channelId]);
    this.moh.delete(channelId);
  }
  async endpointStates(): Promise<EndpointState[]> {
    await this.log('endpointStates', []);
    return this.endpoints.map((e) => ({ ...e }));
  }
  transferProgress(channelId: string, state: TransferProgressState) {
    return this.log('transferProgress', [channelId, state]);
  }
  /** Stored recordings storedRecording() serves, by name (bytes of the WAV). */
  readonly stored = new Map<string, Uint8Array>();
  recordBridge(bridgeId: string, name: string) {
    return this.log('recordBridge', [bridgeId, name]);
  }
  pauseRecording(name: string) {
    return this.log('pauseRecording', [name]);
  }
  resumeRecording(name: string) {
    return this.log('resumeRecording', [name]);
  }
  playOnBridge(bridgeId: string, playbackId: string, media: string[]) {
    return this.log('playOnBridge', [bridgeId, playbackId, media]);
  }
  async storedRecording(name: string): Promise<AsyncIterable<Uint8Array>> {
    await this.log('storedRecording', [name]);
    const bytes = this.stored.get(name);
    if (!bytes) throw new TelephonyError('channel_gone', `no stored recording '${name}'`);
    return (async function* () {
      yield bytes;
    })();
  }
  async deleteStoredRecording(name: string) {
    await this.log('deleteStoredRecording', [name]);
    this.stored.delete(name);
  }
}

export function liveChannel(id: string, over: Partial<LiveChannel> = {}): LiveChannel {
  return { id, state: 'Ring', callerNumber: '+33612345678', callerName: 'Alice', dialed: '100', createdAt: 0, ...over };
}
