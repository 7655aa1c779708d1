import type { LiveChannel, TelephonyEvent } from '../../ports/telephony.js';
import type { AriEvent, Channel } from './ari-types.generated.js';

// Pure: ARI JSON in, our telephony events out. Events we do not act on map to null.
export function mapAriEvent(event: AriEvent, fallbackNow: number): TelephonyEvent | null {
  const at = parseAriTime(event.timestamp) ?? fallbackNow;
  switch (event.type) {
    case 'StasisStart':
      return { type: 'channelEntered', at, channel: toLiveChannel(event.channel), args: event.args };
    case 'StasisEnd':
      return { type: 'channelLeft', at, channelId: event.channel.id };
    case 'ChannelHangupRequest':
      return { type: 'hangupRequested', at, channelId: event.channel.id, cause: event.cause ?? null };
    case 'ChannelDestroyed':
      return { type: 'channelDestroyed', at, channelId: event.channel.id, cause: event.cause, causeText: event.cause_txt };
    case 'ChannelDtmfReceived':
      return { type: 'dtmf', at, channelId: event.channel.id, digit: event.digit };
    case 'PlaybackFinished': {
      const target = event.playback.target_uri;
      if (!target.startsWith('channel:')) return null;
      return { type: 'playbackFinished', at, channelId: target.slice('channel:'.length), playbackId: event.playback.id, failed: event.playback.state === 'failed' };
    }
    default:
      return null;
  }
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
