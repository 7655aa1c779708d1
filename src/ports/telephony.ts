// What the call runtime needs from the telephony side. adapters/ari implements it; failures are
// TelephonyError with a stable code so the core can choose an outcome.
export type TelephonyErrorCode = 'channel_gone' | 'unavailable' | 'timeout' | 'rejected';

export class TelephonyError extends Error {
  constructor(readonly code: TelephonyErrorCode, message: string) {
    super(message);
    this.name = 'TelephonyError';
  }
}

export interface LiveChannel {
  id: string;
  state: string;
  callerNumber: string;
  callerName: string;
  dialed: string;
  createdAt: number;
}

export interface Telephony {
  /** Keep receiving this channel's events after it leaves Stasis, up to ChannelDestroyed. */
  watch(channelId: string): Promise<void>;
  answer(channelId: string): Promise<void>;
  play(channelId: string, playbackId: string, media: string[]): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;
  hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer'): Promise<void>;
  continueInDialplan(channelId: string, context: string): Promise<void>;
  /** Channels currently in our Stasis application. */
  appChannels(): Promise<LiveChannel[]>;
}

// Inbound telephony events, already mapped from ARI JSON (adapters/ari/ari-event-mapper).
export type TelephonyEvent =
  | { type: 'channelEntered'; at: number; channel: LiveChannel; args: string[] }
  | { type: 'channelLeft'; at: number; channelId: string }
  | { type: 'hangupRequested'; at: number; channelId: string; cause: number | null }
  | { type: 'channelDestroyed'; at: number; channelId: string; cause: number; causeText: string }
  | { type: 'playbackFinished'; at: number; channelId: string; playbackId: string; failed: boolean }
  | { type: 'dtmf'; at: number; channelId: string; digit: string };
