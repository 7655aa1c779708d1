import type { LiveChannel, TelephonyEvent } from '../../ports/telephony.js';
import type { AriEvent, Channel, ChannelTransfer, LiveRecording } from './ari-types.generated.js';

/** Outbound legs carry the id the core gave them (always `leg-…`), see ari-telephony dial(). */
export const LEG_PREFIX = 'leg-';

export function isLegId(channelId: string): boolean {
  return channelId.startsWith(LEG_PREFIX);
}

// Pure: ARI JSON in, our telephony events out. Events we do not act on map to null.
//
// Outbound legs: the call runtime knows a leg only by its legId, through legAnswered (its
// StasisStart: an originated channel enters Stasis when answered) and legEnded (its
// ChannelDestroyed, which carries the Q.850 cause). Its other channel events would reach the
// runtime as events of an unknown channel, so they map to null: StasisEnd and
// ChannelHangupRequest always precede the ChannelDestroyed that reports the end; DTMF pressed on
// the leg is not an input of any call (once bridged, the caller's own DTMF still arrives on the
// caller's channel). Playback and recording events on a leg keep their channelId = legId.
export function mapAriEvent(event: AriEvent, fallbackNow: number): TelephonyEvent | null {
  const at = parseAriTime(event.timestamp) ?? fallbackNow;
  switch (event.type) {
    case 'StasisStart': {
      const legId = legIdOf(event.channel, event.args);
      if (legId !== null) return { type: 'legAnswered', at, legId };
      return { type: 'channelEntered', at, channel: toLiveChannel(event.channel), args: event.args };
    }
    case 'StasisEnd':
      if (isLegId(event.channel.id)) return null;
      return { type: 'channelLeft', at, channelId: event.channel.id };
    // For a leg this is the moment a conversation ends: Asterisk may destroy the channel up to a
    // second later (seen: 850 ms after an agent's BYE while bridged), which would pad talk time.
    case 'ChannelHangupRequest':
      if (isLegId(event.channel.id)) return { type: 'legHangupRequested', at, legId: event.channel.id, cause: event.cause ?? null };
      return { type: 'hangupRequested', at, channelId: event.channel.id, cause: event.cause ?? null };
    case 'ChannelDestroyed':
      if (isLegId(event.channel.id)) return { type: 'legEnded', at, legId: event.channel.id, cause: event.cause };
      return { type: 'channelDestroyed', at, channelId: event.channel.id, cause: event.cause, causeText: event.cause_txt };
    // Only the Ringing of an outbound leg: Asterisk reports it on the 180 (not on 183 early media).
    case 'ChannelStateChange':
      if (isLegId(event.channel.id) && event.channel.state === 'Ringing') return { type: 'legRinging', at, legId: event.channel.id };
      return null;
    // Fires on REGISTER only once the contact answers Asterisk's qualify OPTIONS, on unREGISTER,
    // on expiry and when a qualify goes unanswered; also, unchanged, whenever the endpoint's
    // channel list changes. ContactStatusChange and PeerStatusChange accompany each transition
    // and add nothing (see docs/asterisk.md).
    case 'EndpointStateChange':
      return { type: 'endpointState', at, endpoint: `${event.endpoint.technology}/${event.endpoint.resource}`, registered: event.endpoint.state === 'online' };
    case 'ChannelDtmfReceived':
      if (isLegId(event.channel.id)) return null;
      return { type: 'dtmf', at, channelId: event.channel.id, digit: event.digit };
    case 'PlaybackFinished': {
      const channelId = channelTarget(event.playback.target_uri);
      if (channelId === null) return null;
      return { type: 'playbackFinished', at, channelId, playbackId: event.playback.id, failed: event.playback.state === 'failed' };
    }
    case 'RecordingStarted':
      return bridgeRecording(event.recording, at, 'started');
    case 'RecordingFinished':
    case 'RecordingFailed':
      return bridgeRecording(event.recording, at, event.type === 'RecordingFailed' || event.recording.state === 'failed' ? 'failed' : 'finished') ?? recordingFinished(event.recording, at, event.type === 'RecordingFailed');
    case 'ChannelTransfer':
      return transferRequested(event, at);
    default:
      return null;
  }
}

// Asterisk reports durations in whole seconds; talking_duration (and silence_duration) only when
// the recording was started with maxSilenceSeconds > 0. A far end that sends no RTP at all ends
// the recording after ~4 s as `done` with duration 0 (see docs/asterisk.md).
function recordingFinished(recording: LiveRecording, at: number, failed: boolean): TelephonyEvent | null {
  const channelId = channelTarget(recording.target_uri);
  if (channelId === null) return null; // bridge recordings: not started by this adapter
  return {
    type: 'recordingFinished',
    at,
    channelId,
    name: recording.name,
    durationSec: recording.duration ?? null,
    talkingSec: recording.talking_duration ?? null,
    failed: failed || recording.state === 'failed',
  };
}

// A REFER on a channel with PJSIP_TRANSFER_HANDLING ari-only (a leg dialled with ariTransfers):
// Asterisk answers 202 and sends ChannelTransfer without `state`. Each POST transfer_progress is
// echoed as another ChannelTransfer carrying the reported state (channel_progress,
// channel_answered…; channel_unavailable is echoed as channel_declined on 22.10): those are our
// own reports, not requests, and map to null. A REFER with Replaces (attended) carries the
// other dialog's SIP Call-ID as protocol_id, and destination_channel when Asterisk has it.
function transferRequested(event: ChannelTransfer, at: number): TelephonyEvent | null {
  if (event.state) return null;
  const channelId = event.referred_by?.source_channel?.id;
  if (!channelId) return null;
  const requested = event.refer_to?.requested_destination ?? {};
  const attended = Boolean(requested.protocol_id || event.refer_to?.destination_channel);
  return {
    type: 'transferRequested',
    at,
    channelId,
    legId: isLegId(channelId) ? channelId : null,
    kind: attended ? 'attended' : 'blind',
    destination: attended ? null : (requested.destination ?? null),
    replacesChannelId: attended ? (event.refer_to?.destination_channel?.id ?? null) : null,
  };
}

function legIdOf(channel: Channel, args: string[]): string | null {
  if (args[0] === 'leg' && args[1]) return args[1];
  return isLegId(channel.id) ? channel.id : null;
}

// Conversation recordings are bridge recordings (a bridged channel cannot be recorded itself).
function bridgeRecording(recording: LiveRecording, at: number, state: 'started' | 'finished' | 'failed'): TelephonyEvent | null {
  if (!recording.target_uri.startsWith('bridge:')) return null;
  return {
    type: 'bridgeRecording',
    at,
    bridgeId: recording.target_uri.slice('bridge:'.length),
    name: recording.name,
    state,
    durationSec: recording.duration ?? null,
    cause: recording.cause ?? null,
  };
}

function channelTarget(targetUri: string): string | null {
  return targetUri.startsWith('channel:') ? targetUri.slice('channel:'.length) : null;
}

export function toLiveChannel(channel: Channel): LiveChannel {
  return {
    id: channel.id,
    state: channel.state,
    callerNumber: channel.caller?.number ?? '',
    callerName: channel.caller?.name ?? '',
    dialed: channel.dialplan?.exten ?? '',
    createdAt: parseAriTime(channel.creationtime) ?? 0,
  };
}

/** ARI timestamps look like 2026-11-23T02:57:26.626+0000. */
export function parseAriTime(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}
