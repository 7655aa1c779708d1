import { describe, expect, it } from 'vitest';
import { mapAriEvent, parseAriTime, toLiveChannel } from '../../../src/adapters/ari/ari-event-mapper.js';
import type { AriEvent, Channel } from '../../../src/adapters/ari/ari-types.generated.js';

// Fixtures shaped like what Asterisk 22 sends on /ari/events for a PJSIP call into the app.
const STAMP = '2026-11-23T02:57:26.626+0000';
const STAMP_MS = Date.UTC(2026, 10, 23, 2, 57, 26, 626);
const FALLBACK = 42;

const channel: Channel = {
  id: '1763866646.12',
  name: 'PJSIP/trunk-0000000c',
  state: 'Ring',
  protocol_id: '3c2b7f0e-2c5e-4b9a@192.0.2.10',
  caller: { name: 'Alice Martin', number: '+33612345678' },
  connected: { name: '', number: '' },
  accountcode: '',
  dialplan: { context: 'from-trunk', exten: '0140000000', priority: 2, app_name: 'Stasis', app_data: 'switchboard,inbound' },
  creationtime: '2026-11-23T02:57:26.101+0000',
  language: 'en',
};

const base = { application: 'switchboard', timestamp: STAMP, asterisk_id: '02:42:ac:11:00:02' };
const playback = (state: string, target: string) => ({
  id: '7a1c-p1', media_uri: 'sound:hello-world', target_uri: target, language: 'en', state,
});

describe('mapAriEvent', () => {
  it.each<[string, AriEvent, unknown]>([
    [
      'StasisStart',
      { ...base, type: 'StasisStart', args: ['inbound'], channel },
      {
        type: 'channelEntered', at: STAMP_MS, args: ['inbound'],
        channel: { id: '1763866646.12', state: 'Ring', callerNumber: '+33612345678', callerName: 'Alice Martin', dialed: '0140000000', createdAt: Date.UTC(2026, 10, 23, 2, 57, 26, 101) },
      },
    ],
    ['StasisEnd', { ...base, type: 'StasisEnd', channel }, { type: 'channelLeft', at: STAMP_MS, channelId: '1763866646.12' }],
    [
      'ChannelHangupRequest with a cause',
      { ...base, type: 'ChannelHangupRequest', cause: 16, soft: false, channel: { ...channel, state: 'Up' } },
      { type: 'hangupRequested', at: STAMP_MS, channelId: '1763866646.12', cause: 16 },
    ],
    [
      'ChannelHangupRequest without a cause (a BYE)',
      { ...base, type: 'ChannelHangupRequest', channel: { ...channel, state: 'Up' } },
      { type: 'hangupRequested', at: STAMP_MS, channelId: '1763866646.12', cause: null },
    ],
    [
      'ChannelDestroyed',
      { ...base, type: 'ChannelDestroyed', cause: 16, cause_txt: 'Normal Clearing', channel: { ...channel, state: 'Up' } },
      { type: 'channelDestroyed', at: STAMP_MS, channelId: '1763866646.12', cause: 16, causeText: 'Normal Clearing' },
    ],
    [
      'ChannelDtmfReceived',
      { ...base, type: 'ChannelDtmfReceived', digit: '#', duration_ms: 120, channel: { ...channel, state: 'Up' } },
      { type: 'dtmf', at: STAMP_MS, channelId: '1763866646.12', digit: '#' },
    ],
    [
      'PlaybackFinished done on a channel',
      { ...base, type: 'PlaybackFinished', playback: playback('done', 'channel:1763866646.12') },
      { type: 'playbackFinished', at: STAMP_MS, channelId: '1763866646.12', playbackId: '7a1c-p1', failed: false },
    ],
    [
      'PlaybackFinished failed on a channel',
      { ...base, type: 'PlaybackFinished', playback: playback('failed', 'channel:1763866646.12') },
      { type: 'playbackFinished', at: STAMP_MS, channelId: '1763866646.12', playbackId: '7a1c-p1', failed: true },
    ],
  ])('given an ARI %s, when mapped, then it becomes the matching telephony event', (_name, event, expected) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual(expected);
  });

  it('given a PlaybackFinished on a bridge, when mapped, then it is null', () => {
    expect(mapAriEvent({ ...base, type: 'PlaybackFinished', playback: playback('done', 'bridge:b-1') }, FALLBACK)).toBeNull();
  });

  it('given an event the runtime does not act on, when mapped, then it is null', () => {
    expect(mapAriEvent({ ...base, type: 'ChannelVarset', variable: 'X', value: '1', channel } as AriEvent, FALLBACK)).toBeNull();
    expect(mapAriEvent({ ...base, type: 'PlaybackStarted', playback: playback('playing', 'channel:1763866646.12') }, FALLBACK)).toBeNull();
  });

  it('given an event with an unparsable timestamp, when mapped, then it takes the fallback time', () => {
    expect(mapAriEvent({ ...base, timestamp: 'soon', type: 'StasisEnd', channel }, FALLBACK)).toMatchObject({ at: FALLBACK });
  });
});

// An outbound leg as Asterisk 22 reports it: originated with channelId = legId into our app.
const leg: Channel = {
  ...channel,
  id: 'leg-7a1c-1',
  name: 'PJSIP/trunk-0000000d',
  state: 'Up',
  caller: { name: 'Switchboard', number: '+15550100' },
  dialplan: { context: 'from-trunk', exten: 's', priority: 1, app_name: 'Stasis', app_data: 'switchboard,leg,leg-7a1c-1' },
};
const recording = (over: Record<string, unknown> = {}) => ({
  name: 'call-7a1c-r1', format: 'wav', state: 'done', target_uri: 'channel:1763866646.12', ...over,
});

describe('mapAriEvent: outbound legs', () => {
  it.each<[string, AriEvent, unknown]>([
    [
      'StasisStart of an answered leg',
      { ...base, type: 'StasisStart', args: ['leg', 'leg-7a1c-1'], channel: leg },
      { type: 'legAnswered', at: STAMP_MS, legId: 'leg-7a1c-1' },
    ],
    [
      'ChannelDestroyed of a busy leg',
      { ...base, type: 'ChannelDestroyed', cause: 17, cause_txt: 'User busy', channel: { ...leg, state: 'Down' } },
      { type: 'legEnded', at: STAMP_MS, legId: 'leg-7a1c-1', cause: 17 },
    ],
    [
      'ChannelDestroyed of a leg nobody answered',
      { ...base, type: 'ChannelDestroyed', cause: 19, cause_txt: 'User alerting, no answer', channel: { ...leg, state: 'Ringing' } },
      { type: 'legEnded', at: STAMP_MS, legId: 'leg-7a1c-1', cause: 19 },
    ],
    [
      'ChannelDestroyed of an answered leg whose far end sent BYE (Asterisk says 0)',
      { ...base, type: 'ChannelDestroyed', cause: 0, cause_txt: 'Unknown', channel: leg },
      { type: 'legEnded', at: STAMP_MS, legId: 'leg-7a1c-1', cause: 0 },
    ],
    [
      'PlaybackFinished on a leg',
      { ...base, type: 'PlaybackFinished', playback: playback('done', 'channel:leg-7a1c-1') },
      { type: 'playbackFinished', at: STAMP_MS, channelId: 'leg-7a1c-1', playbackId: '7a1c-p1', failed: false },
    ],
  ])('given an ARI %s, when mapped, then it becomes the leg event', (_name, event, expected) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual(expected);
  });

  it('given a leg whose far end sends 180, when its ChannelStateChange to Ringing is mapped, then it is legRinging', () => {
    const event: AriEvent = { ...base, type: 'ChannelStateChange', channel: { ...leg, state: 'Ringing' } };
    expect(mapAriEvent(event, FALLBACK)).toEqual({ type: 'legRinging', at: STAMP_MS, legId: 'leg-7a1c-1' });
  });

  it.each<[string, AriEvent]>([
    ['a leg going Up (the answer is its StasisStart)', { ...base, type: 'ChannelStateChange', channel: leg }],
    ['an inbound channel ringing', { ...base, type: 'ChannelStateChange', channel: { ...channel, state: 'Ringing' } }],
  ])('given %s, when its ChannelStateChange is mapped, then it is null', (_name, event) => {
    expect(mapAriEvent(event, FALLBACK)).toBeNull();
  });

  it('given a StasisStart with args leg,<id> on a channel without the leg- prefix, when mapped, then the args name the leg', () => {
    const event: AriEvent = { ...base, type: 'StasisStart', args: ['leg', 'leg-9'], channel: { ...leg, id: '1763866650.20' } };
    expect(mapAriEvent(event, FALLBACK)).toEqual({ type: 'legAnswered', at: STAMP_MS, legId: 'leg-9' });
  });

  it.each<[string, AriEvent]>([
    ['StasisEnd', { ...base, type: 'StasisEnd', channel: leg }],
    ['ChannelDtmfReceived', { ...base, type: 'ChannelDtmfReceived', digit: '5', duration_ms: 100, channel: leg }],
    ['Dial', { ...base, type: 'Dial', dialstatus: 'RINGING', peer: { ...leg, state: 'Ringing' } } as AriEvent],
  ])('given a leg %s, when mapped, then it is null (legEnded reports the end)', (_name, event) => {
    expect(mapAriEvent(event, FALLBACK)).toBeNull();
  });

  it.each<[string, AriEvent, number | null]>([
    ['without a cause (far-end BYE)', { ...base, type: 'ChannelHangupRequest', channel: leg }, null],
    ['with a cause (busy)', { ...base, type: 'ChannelHangupRequest', cause: 17, channel: { ...leg, state: 'Down' } }, 17],
  ])('given a leg ChannelHangupRequest %s, when mapped, then legHangupRequested marks when the conversation ended', (_name, event, cause) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual({ type: 'legHangupRequested', at: STAMP_MS, legId: leg.id, cause });
  });
});

// What Asterisk 22.10 sent when the agent on a leg dialled with PJSIP_TRANSFER_HANDLING ari-only
// sent REFER (Refer-To: <sip:2001@127.0.0.1:5060>) while bridged with a caller: the REFER's 202
// comes with this event, without `state`. docs/asterisk.md, "SIP REFER from agents".
const agentLeg: Channel = {
  ...leg,
  id: 'leg-7a1c-2',
  name: 'PJSIP/1006-0000088e',
  protocol_id: '220b32f6-ac15-4815-9b4f-874a53f4ceab',
  caller: { name: 'Agent 1006', number: '1006' },
  dialplan: { context: 'from-agents', exten: 's', priority: 1, app_name: 'Stasis', app_data: 'switchboard,leg,leg-7a1c-2' },
};
const bridge = {
  id: 'call-7a1c-b1', technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'stasis', creator: 'Stasis', name: '',
  channels: ['leg-7a1c-2', '1763866646.12'], creationtime: STAMP, video_mode: 'talker',
};
const blindTransfer: AriEvent = {
  ...base,
  type: 'ChannelTransfer',
  refer_to: { requested_destination: { destination: '2001' } },
  referred_by: { source_channel: agentLeg, connected_channel: { ...channel, state: 'Up' }, bridge },
};

describe('mapAriEvent: transfers (REFER with ari-only transfer handling)', () => {
  it('given the ChannelTransfer of a blind REFER on an agent leg, when mapped, then it is transferRequested with the dialled destination', () => {
    expect(mapAriEvent(blindTransfer, FALLBACK)).toEqual({
      type: 'transferRequested', at: STAMP_MS, channelId: 'leg-7a1c-2', legId: 'leg-7a1c-2', kind: 'blind', destination: '2001', replacesChannelId: null,
    });
  });

  it('given a blind REFER on a leg in no bridge (no connected channel), when mapped, then it is the same transferRequested', () => {
    const event: AriEvent = { ...base, type: 'ChannelTransfer', refer_to: { requested_destination: { destination: '2001' } }, referred_by: { source_channel: agentLeg } };
    expect(mapAriEvent(event, FALLBACK)).toMatchObject({ type: 'transferRequested', channelId: 'leg-7a1c-2', legId: 'leg-7a1c-2', kind: 'blind', destination: '2001' });
  });

  it('given a REFER on a channel that is not one of our legs, when mapped, then legId is null', () => {
    const event: AriEvent = { ...blindTransfer, referred_by: { source_channel: { ...channel, state: 'Up' } } } as AriEvent;
    expect(mapAriEvent(event, FALLBACK)).toMatchObject({ type: 'transferRequested', channelId: '1763866646.12', legId: null });
  });

  // The first case follows the ARI documentation (not reproduced here: it needs a phone with two
  // calls on this Asterisk); the second is what Asterisk 22.10 sent.
  it.each<[string, AriEvent, unknown]>([
    [
      'an attended REFER whose other call Asterisk knows (Replaces → destination_channel)',
      {
        ...base,
        type: 'ChannelTransfer',
        refer_to: {
          requested_destination: { protocol_id: '3b506c0d-b085-4b4a-8724-b0e78f1dc4e9' },
          destination_channel: { ...leg, id: 'leg-7a1c-3', name: 'PJSIP/1006-0000088f' },
          connected_channel: { ...channel, id: '1763866650.20' },
          bridge: { ...bridge, id: 'call-7a1d-b1' },
        },
        referred_by: { source_channel: agentLeg, connected_channel: { ...channel, state: 'Up' }, bridge },
      },
      { type: 'transferRequested', at: STAMP_MS, channelId: 'leg-7a1c-2', legId: 'leg-7a1c-2', kind: 'attended', destination: null, replacesChannelId: 'leg-7a1c-3' },
    ],
    [
      // Seen on 22.10 (Refer-To: <sip:2001@…?Replaces=a84b…%3Bto-tag%3D1234%3Bfrom-tag%3D5678>):
      // destination and protocol_id together, although the spec calls them mutually exclusive.
      'an attended REFER for a dialog Asterisk does not know (Call-ID, tags and the Refer-To user)',
      {
        ...base,
        type: 'ChannelTransfer',
        refer_to: {
          requested_destination: {
            destination: '2001',
            protocol_id: 'a84b4c76e66710@pc33.example.com',
            additional_protocol_params: [{ parameter_name: 'from', parameter_value: '5678' }, { parameter_name: 'to', parameter_value: '1234' }],
          },
        },
        referred_by: { source_channel: agentLeg },
      },
      { type: 'transferRequested', at: STAMP_MS, channelId: 'leg-7a1c-2', legId: 'leg-7a1c-2', kind: 'attended', destination: null, replacesChannelId: null },
    ],
  ])('given %s, when mapped, then it is an attended transferRequested', (_name, event, expected) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual(expected);
  });

  it.each(['channel_progress', 'channel_answered', 'channel_declined'])(
    'given the ChannelTransfer Asterisk echoes for our transfer_progress (state %s), when mapped, then it is null',
    (state) => {
      expect(mapAriEvent({ ...blindTransfer, state } as AriEvent, FALLBACK)).toBeNull();
    },
  );
});

// What Asterisk 22 sent to the endpoint-events app when SIPp registered 1001 and answered the
// qualify OPTIONS, then sent REGISTER with Contact: * and Expires: 0 (docs/asterisk.md).
const endpoint = (state: string, channelIds: string[] = []) => ({ technology: 'PJSIP', resource: '1001', state, channel_ids: channelIds });
const endpointsBase = { ...base, application: 'switchboard-endpoints' };

describe('mapAriEvent: endpoint state', () => {
  it.each<[string, AriEvent, unknown]>([
    [
      'EndpointStateChange online (the contact answered the qualify OPTIONS)',
      { ...endpointsBase, type: 'EndpointStateChange', endpoint: endpoint('online') },
      { type: 'endpointState', at: STAMP_MS, endpoint: 'PJSIP/1001', registered: true },
    ],
    [
      'EndpointStateChange offline (unregistered, expired or unreachable)',
      { ...endpointsBase, type: 'EndpointStateChange', endpoint: endpoint('offline') },
      { type: 'endpointState', at: STAMP_MS, endpoint: 'PJSIP/1001', registered: false },
    ],
    [
      'EndpointStateChange repeated because a call started on the endpoint',
      { ...endpointsBase, type: 'EndpointStateChange', endpoint: endpoint('online', ['leg-7a1c-1']) },
      { type: 'endpointState', at: STAMP_MS, endpoint: 'PJSIP/1001', registered: true },
    ],
    [
      'EndpointStateChange unknown (never seen for PJSIP, but allowed by the spec)',
      { ...endpointsBase, type: 'EndpointStateChange', endpoint: endpoint('unknown') },
      { type: 'endpointState', at: STAMP_MS, endpoint: 'PJSIP/1001', registered: false },
    ],
  ])('given an ARI %s, when mapped, then it becomes endpointState', (_name, event, expected) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual(expected);
  });

  it.each<[string, AriEvent]>([
    [
      'ContactStatusChange NonQualified (the REGISTER itself, before the qualify)',
      { ...endpointsBase, type: 'ContactStatusChange', endpoint: endpoint('offline'), contact_info: { uri: 'sip:1001@127.0.0.1:16001', contact_status: 'NonQualified', aor: '1001', roundtrip_usec: '0' } },
    ],
    [
      'ContactStatusChange Removed',
      { ...endpointsBase, type: 'ContactStatusChange', endpoint: endpoint('offline'), contact_info: { uri: 'sip:1001@127.0.0.1:16001', contact_status: 'Removed', aor: '1001', roundtrip_usec: '0' } },
    ],
    ['PeerStatusChange Reachable', { ...endpointsBase, type: 'PeerStatusChange', endpoint: endpoint('online'), peer: { peer_status: 'Reachable' } }],
  ])('given an ARI %s, when mapped, then it is null (EndpointStateChange carries the transition)', (_name, event) => {
    expect(mapAriEvent(event, FALLBACK)).toBeNull();
  });
});

describe('mapAriEvent: recordings', () => {
  it.each<[string, AriEvent, unknown]>([
    [
      'RecordingFinished with maxSilenceSeconds (talking and silence reported)',
      { ...base, type: 'RecordingFinished', recording: recording({ duration: 7, talking_duration: 5, silence_duration: 2 }) },
      { type: 'recordingFinished', at: STAMP_MS, channelId: '1763866646.12', name: 'call-7a1c-r1', durationSec: 7, talkingSec: 5, failed: false },
    ],
    [
      'RecordingFinished without maxSilenceSeconds (no talking_duration)',
      { ...base, type: 'RecordingFinished', recording: recording({ duration: 12 }) },
      { type: 'recordingFinished', at: STAMP_MS, channelId: '1763866646.12', name: 'call-7a1c-r1', durationSec: 12, talkingSec: null, failed: false },
    ],
    [
      'RecordingFinished of a far end that sent no audio (Asterisk stops after ~4 s)',
      { ...base, type: 'RecordingFinished', recording: recording({ target_uri: 'channel:leg-7a1c-1', duration: 0, talking_duration: 0, silence_duration: 0 }) },
      { type: 'recordingFinished', at: STAMP_MS, channelId: 'leg-7a1c-1', name: 'call-7a1c-r1', durationSec: 0, talkingSec: 0, failed: false },
    ],
    [
      'RecordingFailed (channel in a bridge)',
      { ...base, type: 'RecordingFailed', recording: recording({ state: 'failed', cause: 'Cannot record channel while in bridge' }) },
      { type: 'recordingFinished', at: STAMP_MS, channelId: '1763866646.12', name: 'call-7a1c-r1', durationSec: null, talkingSec: null, failed: true },
    ],
  ])('given an ARI %s, when mapped, then it becomes recordingFinished', (_name, event, expected) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual(expected);
  });

  it('given a recording event on a bridge, when mapped, then it is not a channel recordingFinished (conversation recordings are bridgeRecording)', () => {
    expect(mapAriEvent({ ...base, type: 'RecordingFinished', recording: recording({ target_uri: 'bridge:b-1', duration: 3 }) }, FALLBACK)).toMatchObject({ type: 'bridgeRecording' });
  });

  it('given RecordingStarted, when mapped, then it is null', () => {
    expect(mapAriEvent({ ...base, type: 'RecordingStarted', recording: recording({ state: 'recording' }) }, FALLBACK)).toBeNull();
  });
});

describe('toLiveChannel', () => {
  it('given a channel without caller or dialplan details, when mapped, then the fields are empty strings', () => {
    const bare = { ...channel, caller: undefined, dialplan: undefined, creationtime: '' } as unknown as Channel;
    expect(toLiveChannel(bare)).toEqual({ id: '1763866646.12', state: 'Ring', callerNumber: '', callerName: '', dialed: '', createdAt: 0 });
  });
});

describe('parseAriTime', () => {
  it.each<[string | undefined, number | null]>([
    ['2026-11-23T02:57:26.626+0000', STAMP_MS],
    ['2026-11-23T03:57:26.626+0100', STAMP_MS],
    ['2026-11-22T21:57:26.626-0500', STAMP_MS],
    ['2026-11-23T02:57:26.626Z', STAMP_MS],
    ['not a time', null],
    ['', null],
    [undefined, null],
  ])('given %s, when parsed, then it is %s', (value, expected) => {
    expect(parseAriTime(value)).toBe(expected);
  });
});

describe('mapAriEvent: bridge recordings (conversations)', () => {
  const onBridge = (over: Record<string, unknown> = {}) => recording({ name: 'rec-5f0c', target_uri: 'bridge:acd-7a1c', ...over });

  it.each<[string, AriEvent, unknown]>([
    [
      'RecordingStarted',
      { ...base, type: 'RecordingStarted', recording: onBridge({ state: 'recording' }) },
      { type: 'bridgeRecording', at: STAMP_MS, bridgeId: 'acd-7a1c', name: 'rec-5f0c', state: 'started', durationSec: null, cause: null },
    ],
    [
      'RecordingFinished (the bridge recording was stopped, its file stored)',
      { ...base, type: 'RecordingFinished', recording: onBridge({ state: 'done', duration: 42 }) },
      { type: 'bridgeRecording', at: STAMP_MS, bridgeId: 'acd-7a1c', name: 'rec-5f0c', state: 'finished', durationSec: 42, cause: null },
    ],
    [
      'RecordingFailed with a cause',
      { ...base, type: 'RecordingFailed', recording: onBridge({ state: 'failed', cause: 'Unable to open file' }) },
      { type: 'bridgeRecording', at: STAMP_MS, bridgeId: 'acd-7a1c', name: 'rec-5f0c', state: 'failed', durationSec: null, cause: 'Unable to open file' },
    ],
    [
      'RecordingFinished whose state is failed',
      { ...base, type: 'RecordingFinished', recording: onBridge({ state: 'failed' }) },
      { type: 'bridgeRecording', at: STAMP_MS, bridgeId: 'acd-7a1c', name: 'rec-5f0c', state: 'failed', durationSec: null, cause: null },
    ],
  ])('given an ARI %s on a bridge, when mapped, then it is bridgeRecording', (_name, event, expected) => {
    expect(mapAriEvent(event, FALLBACK)).toEqual(expected);
  });

  it('given the same events on a channel (an IVR record node), when mapped, then they stay as before: RecordingStarted null, the others recordingFinished', () => {
    expect(mapAriEvent({ ...base, type: 'RecordingStarted', recording: recording({ state: 'recording' }) }, FALLBACK)).toBeNull();
    expect(mapAriEvent({ ...base, type: 'RecordingFinished', recording: recording({ duration: 4 }) }, FALLBACK)).toMatchObject({ type: 'recordingFinished', channelId: '1763866646.12', failed: false });
    expect(mapAriEvent({ ...base, type: 'RecordingFailed', recording: recording({ state: 'failed' }) }, FALLBACK)).toMatchObject({ type: 'recordingFinished', failed: true });
  });

  it('given a recording on neither a channel nor a bridge (an endpoint), when mapped, then it is null', () => {
    expect(mapAriEvent({ ...base, type: 'RecordingFinished', recording: recording({ target_uri: 'endpoint:PJSIP/1001' }) }, FALLBACK)).toBeNull();
  });
});
