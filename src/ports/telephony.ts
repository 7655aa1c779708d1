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
  /** Record what the caller says into a stored recording; recordingFinished reports the result. */
  record(channelId: string, recording: RecordOptions): Promise<void>;
  /** Stop a live recording early and keep what was recorded so far. */
  stopRecording(name: string): Promise<void>;
  /** Asterisk's language for the channel (CHANNEL(language)): picks sounds/<lang>/ and how number:/digits: are said. */
  setLanguage(channelId: string, language: string): Promise<void>;
  /** Send DTMF to the far end; resolves when Asterisk has sent it. */
  sendDtmf(channelId: string, dtmf: string, betweenMs: number): Promise<void>;
  /**
   * Place an outbound leg into our Stasis app (StasisStart args: ['leg', legId]). Busy, no answer
   * and failure arrive as legEnded with the Q.850 cause; an answer arrives as legAnswered.
   */
  dial(legId: string, target: DialTarget): Promise<void>;
  /** A mixing bridge with DTMF events on, holding the given channels. */
  bridge(bridgeId: string, channelIds: string[]): Promise<void>;
  destroyBridge(bridgeId: string): Promise<void>;
  /** Music on hold from the given class (musiconhold.conf), until stopMoh or the channel leaves. */
  startMoh(channelId: string, mohClass: string): Promise<void>;
  /** Resolves also when no music was playing. */
  stopMoh(channelId: string): Promise<void>;
  /**
   * Every PJSIP endpoint, as a dial string ('PJSIP/1001'). registered: Asterisk has a reachable
   * contact for it (state 'online'); static contacts such as the trunk's count as registered.
   */
  endpointStates(): Promise<EndpointState[]>;
  /**
   * Tell the phone that asked for a transfer (transferRequested, on a leg dialled with
   * ariTransfers) how it goes: a NOTIFY with a SIP status line on its REFER subscription.
   * Resolves also when the channel has no transfer pending (Asterisk ignores it then).
   */
  transferProgress(channelId: string, state: TransferProgressState): Promise<void>;
  /**
   * Record everything said in a bridge (a bridged channel cannot be recorded on its own) as a
   * stored WAV named `name`; bridgeRecording events report started, finished and failed.
   */
  recordBridge(bridgeId: string, name: string): Promise<void>;
  /** Pausing drops audio until resumed: the file has no audio for that time. channel_gone: the recording has ended. */
  pauseRecording(name: string): Promise<void>;
  resumeRecording(name: string): Promise<void>;
  /** Everyone in the bridge hears the media (the recording too). */
  playOnBridge(bridgeId: string, playbackId: string, media: string[]): Promise<void>;
  /** A finished recording's file, streamed from Asterisk; channel_gone when Asterisk has none by that name. */
  storedRecording(name: string): Promise<AsyncIterable<Uint8Array>>;
  /** Resolves also when there is no such stored recording. */
  deleteStoredRecording(name: string): Promise<void>;
}

/**
 * What transferProgress reports to the phone (Asterisk's transfer_progress `states`, without their
 * `channel_` prefix), and the NOTIFY sipfrag it sends. The first report also sends the 100 Trying
 * Asterisk holds back until then. progress keeps the REFER subscription open and may be repeated;
 * the others end it, and reports after that are ignored.
 *  - progress:    100 Trying
 *  - answered:    200 OK (the transfer is done; a phone then hangs up its call)
 *  - unavailable: 503 Service Unavailable
 *  - declined:    603 Decline
 */
export type TransferProgressState = 'progress' | 'answered' | 'unavailable' | 'declined';

export interface EndpointState {
  /** Dial string of the endpoint, e.g. PJSIP/1001. */
  endpoint: string;
  registered: boolean;
}

export interface RecordOptions {
  /** Stored recording name: [A-Za-z0-9_-] only, never built from caller input. */
  name: string;
  maxDurationSec: number;
  maxSilenceSec: number;
  beep: boolean;
  /** DTMF that ends the recording: 'none', 'any', '#', '*'. */
  terminateOn: 'none' | 'any' | '#' | '*';
}

export interface DialTarget {
  /** Asterisk dial string, e.g. PJSIP/1001 or PJSIP/+15145550100@trunk. */
  endpoint: string;
  callerId?: string;
  timeoutSec: number;
  /**
   * Hand this leg's SIP REFERs (the transfer key on an agent's phone) to Switchboard instead of
   * letting Asterisk transfer by itself: each REFER arrives as transferRequested and is answered
   * with transferProgress. Without it Asterisk transfers into the endpoint's dialplan context.
   */
  ariTransfers?: boolean;
}

// Inbound telephony events, already mapped from ARI JSON (adapters/ari/ari-event-mapper).
export type TelephonyEvent =
  | { type: 'channelEntered'; at: number; channel: LiveChannel; args: string[] }
  | { type: 'channelLeft'; at: number; channelId: string }
  | { type: 'hangupRequested'; at: number; channelId: string; cause: number | null }
  | { type: 'channelDestroyed'; at: number; channelId: string; cause: number; causeText: string }
  | { type: 'playbackFinished'; at: number; channelId: string; playbackId: string; failed: boolean }
  | { type: 'dtmf'; at: number; channelId: string; digit: string }
  | { type: 'recordingFinished'; at: number; channelId: string; name: string; durationSec: number | null; talkingSec: number | null; failed: boolean }
  /** A bridge recording (recordBridge): started, finished (stored) or failed (cause from Asterisk). */
  | { type: 'bridgeRecording'; at: number; bridgeId: string; name: string; state: 'started' | 'finished' | 'failed'; durationSec: number | null; cause: string | null }
  | { type: 'legAnswered'; at: number; legId: string }
  | { type: 'legEnded'; at: number; legId: string; cause: number }
  /** The far end of a dialled leg rings (SIP 180); a busy or unreachable far end never does. */
  | { type: 'legRinging'; at: number; legId: string }
  /** Someone hangs the leg up (the far end's BYE, or us); legEnded with the final cause follows. */
  | { type: 'legHangupRequested'; at: number; legId: string; cause: number | null }
  /**
   * An endpoint's registration state, level-triggered: Asterisk repeats it unchanged whenever the
   * endpoint's channels change, so compare with the last known state.
   */
  | { type: 'endpointState'; at: number; endpoint: string; registered: boolean }
  /**
   * The far end of a channel asked for a transfer (SIP REFER) on a leg dialled with ariTransfers.
   * Asterisk has accepted the REFER (202) and does nothing else: answer with transferProgress.
   * channelId: the channel that got the REFER; legId: the same when it is one of our legs.
   * blind: destination is what the phone dialled (the Refer-To user part, e.g. '2001').
   * attended: replacesChannelId is the channel (when Asterisk knows it) whose call the phone
   * wants to join to this one; destination is null.
   */
  | {
      type: 'transferRequested';
      at: number;
      channelId: string;
      legId: string | null;
      kind: 'blind' | 'attended';
      destination: string | null;
      replacesChannelId: string | null;
    };
