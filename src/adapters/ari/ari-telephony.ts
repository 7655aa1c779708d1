import type { EndpointState, LiveChannel, Telephony, TransferProgressState } from '../../ports/telephony.js';
import { TelephonyError } from '../../ports/telephony.js';
import { AriHttpError, AriUnavailableError, type AriDownload, type AriRequest } from './ari-http.js';
import { toLiveChannel } from './ari-event-mapper.js';

const HANGUP_REASON = { normal: 'normal', busy: 'busy', congestion: 'congestion', no_answer: 'no_answer' } as const;

/**
 * Set at originate (a dialplan function, so the parentheses matter: without them it would be a
 * plain channel variable and Asterisk would keep handling REFERs itself). Write-only: reading it
 * over ARI answers 500 "Unable to read provided function".
 */
export const ARI_TRANSFER_VARIABLES = { 'PJSIP_TRANSFER_HANDLING()': 'ari-only' } as const;

/** transfer_progress `states` values accepted by Asterisk 22 (anything else: 400 "Invalid states value"). */
const TRANSFER_STATES: Record<TransferProgressState, string> = {
  progress: 'channel_progress',
  answered: 'channel_answered',
  unavailable: 'channel_unavailable',
  declined: 'channel_declined',
};

/** Length of each DTMF digit we send (ARI's default, made explicit for the wait below). */
const DTMF_DIGIT_MS = 100;
/** ast_dtmf_stream waits this long before the first digit. */
const DTMF_LEAD_MS = 100;
/** Margin on top of the expected sending time: the digits queue behind a running playback. */
const DTMF_QUEUE_MARGIN_MS = 10_000;

// ARI errors become TelephonyError codes the core understands: 404 on a channel means the caller
// is gone (a race with hangup, not a failure), connection problems mean telephony is unavailable.
async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AriHttpError) {
      if (err.status === 404) throw new TelephonyError('channel_gone', `${what}: ${err.message}`);
      if (err.status === 409 || err.status === 412) throw new TelephonyError('channel_gone', `${what}: channel not in a state for this (${err.status})`);
      throw new TelephonyError('rejected', `${what}: ${err.message}`);
    }
    if (err instanceof AriUnavailableError) throw new TelephonyError(err.reason === 'timeout' ? 'timeout' : 'unavailable', `${what}: ${err.message}`);
    throw err;
  }
}

const isHttp = (err: unknown, status: number, text?: RegExp): err is AriHttpError =>
  err instanceof AriHttpError && err.status === status && (text === undefined || text.test(err.body));

/** Runs a request whose 404 means "already done": stopping a finished prompt, destroying a gone bridge. */
async function ignoring404(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (isHttp(err, 404)) return;
    throw err;
  }
}

export function createAriTelephony(request: AriRequest, app: string, download?: AriDownload): Telephony {
  const fetchFile: AriDownload = download ?? (() => Promise.reject(new AriUnavailableError('GET', '/recordings/stored', 'network', new Error('no downloader configured'))));
  return {
    // A channel leaves our app's subscription at StasisEnd, before ChannelDestroyed brings the
    // real hangup cause (ChannelHangupRequest from a BYE carries none). An explicit subscription
    // lasts until the channel is destroyed.
    watch: (channelId) =>
      guard('watch', async () => {
        await request('applications.subscribe', { applicationName: app, eventSource: `channel:${channelId}` });
      }),
    answer: (channelId) => guard('answer', () => request('channels.answer', { channelId })),
    play: (channelId, playbackId, media) =>
      guard('play', async () => {
        await request('channels.playWithId', { channelId, playbackId, media });
      }),
    stopPlayback: (playbackId) => guard('stopPlayback', () => ignoring404(() => request('playbacks.stop', { playbackId }))),
    hangup: (channelId, reason) =>
      // already gone: the goal is met
      guard('hangup', () => ignoring404(() => request('channels.hangup', { channelId, reason: HANGUP_REASON[reason] }))),
    continueInDialplan: (channelId, context) =>
      guard('continue', () => request('channels.continueInDialplan', { channelId, context, extension: 's', priority: 1 })),
    appChannels: async (): Promise<LiveChannel[]> => {
      const application = await guard('application', () => request('applications.get', { applicationName: app }));
      const wanted = new Set(application.channel_ids);
      const channels = await guard('channels', () => request('channels.list', {}));
      return channels.filter((c) => wanted.has(c.id)).map(toLiveChannel);
    },

    // Names are unique per call, so an existing file means a bug or a replayed effect: ifExists
    // 'fail' keeps the first recording instead of overwriting what a caller already said.
    // Asterisk answers 201 at once (state queued); a channel that is in a bridge is refused only
    // afterwards, by a RecordingFailed event ("Cannot record channel while in bridge").
    record: (channelId, recording) =>
      guard('record', async () => {
        try {
          await request('channels.record', {
            channelId,
            name: recording.name,
            format: 'wav',
            ifExists: 'fail',
            maxDurationSeconds: recording.maxDurationSec,
            maxSilenceSeconds: recording.maxSilenceSec,
            beep: recording.beep,
            terminateOn: recording.terminateOn,
          });
        } catch (err) {
          // 409 is also "channel not in Stasis"; only the message tells a name clash apart.
          if (isHttp(err, 409, /already exists/i)) throw new TelephonyError('rejected', `record: recording '${recording.name}' already exists`);
          throw err;
        }
      }),
    // 404: the recording already ended (silence, max duration, DTMF, hangup) and is stored.
    stopRecording: (name) => guard('stopRecording', () => ignoring404(() => request('recordings.stop', { recordingName: name }))),

    // POST /dtmf answers 204 before any digit is sent: Asterisk queues the digits on the channel's
    // Stasis command queue. Setting a channel variable is queued behind them and its 204 comes
    // only once it ran, i.e. after the last digit, so it marks the end (measured on Asterisk 22:
    // '1234' with 100 ms between digits: 3 ms for /dtmf, 900 ms for the variable).
    setLanguage: (channelId, language) =>
      guard('language', async () => {
        await request('channels.setChannelVar', { channelId, variable: 'CHANNEL(language)', value: language });
      }),
    sendDtmf: (channelId, dtmf, betweenMs) =>
      guard('sendDtmf', async () => {
        await request('channels.sendDTMF', { channelId, dtmf, between: betweenMs, duration: DTMF_DIGIT_MS });
        const expectedMs = DTMF_LEAD_MS + dtmf.length * (DTMF_DIGIT_MS + betweenMs);
        await request(
          'channels.setChannelVar',
          { channelId, variable: 'SWITCHBOARD_DTMF_SENT', value: dtmf },
          { timeoutMs: expectedMs + DTMF_QUEUE_MARGIN_MS },
        );
      }),

    // Originate with our id into our app: the channel enters Stasis (StasisStart, args
    // ['leg', legId]) only when answered, which is what legAnswered means. Asterisk subscribes the
    // app to the channel at originate, so ChannelDestroyed with the cause (busy 17, no answer or
    // timeout 19) arrives without an explicit subscription, answered or not.
    // ariTransfers: originate variables are applied once the PJSIP session exists, before the
    // INVITE, so no REFER can come before them; a POST /variable afterwards would only be
    // accepted from StasisStart (the answer) on: 409 "Channel not in Stasis application" before.
    dial: (legId, target) =>
      guard('dial', async () => {
        try {
          await request(
            'channels.originateWithId',
            {
              channelId: legId,
              endpoint: target.endpoint,
              app,
              appArgs: `leg,${legId}`,
              callerId: target.callerId,
              timeout: target.timeoutSec,
            },
            target.ariTransfers ? { body: { variables: { ...ARI_TRANSFER_VARIABLES } } } : {},
          );
        } catch (err) {
          // 409: a channel with this id exists; the dial is refused, nothing went "gone".
          if (isHttp(err, 409)) throw new TelephonyError('rejected', `dial: ${err.message}`);
          // 500 "Allocation failed" (unknown endpoint or technology) and 400 (bad dial string)
          // fall through to guard: rejected.
          throw err;
        }
      }),

    // dtmf_events keeps DTMF as events: without it two RTP channels may bridge natively and the
    // digits pass through Asterisk unseen. Idempotent: an existing bridge (409) is reused, and
    // only channels not in it yet are added (re-adding a member makes it leave and re-enter).
    bridge: (bridgeId, channelIds) =>
      guard('bridge', async () => {
        let present: string[] = [];
        let created = false;
        try {
          await request('bridges.createWithId', { bridgeId, type: 'mixing,dtmf_events' });
          created = true;
        } catch (err) {
          if (!isHttp(err, 409)) throw err;
          present = (await request('bridges.get', { bridgeId })).channels;
        }
        const missing = channelIds.filter((id) => !present.includes(id));
        if (missing.length === 0) return;
        try {
          await request('bridges.addChannel', { bridgeId, channel: missing });
        } catch (err) {
          // Asterisk adds all or none; do not leave an empty bridge behind.
          if (created) await request('bridges.destroy', { bridgeId }).catch(() => undefined);
          // A channel that hung up is 400 "Channel not found"; one that left Stasis is 422.
          if (isHttp(err, 400, /channel not found/i) || isHttp(err, 422)) throw new TelephonyError('channel_gone', `bridge: ${err.message}`);
          if (isHttp(err, 404)) throw new TelephonyError('rejected', `bridge: ${err.message}`); // the bridge vanished
          throw err;
        }
      }),
    // Channels in the bridge stay up in Stasis (ChannelLeftBridge); 404: already destroyed.
    destroyBridge: (bridgeId) => guard('destroyBridge', () => ignoring404(() => request('bridges.destroy', { bridgeId }))),

    // Asterisk 22 answers 204 to DELETE /moh on a channel that has no music (checked on a leg), so
    // only a gone channel (404) or one out of Stasis (409) fails, as channel_gone.
    startMoh: (channelId, mohClass) => guard('startMoh', () => request('channels.startMoh', { channelId, mohClass })),
    stopMoh: (channelId) => guard('stopMoh', () => request('channels.stopMoh', { channelId })),

    // 'online' means a contact Asterisk can reach: a registered softphone answers the qualify
    // OPTIONS (AOR qualify_frequency); one that stopped answering is 'offline' although its
    // registration has not expired. A static contact (the trunk) is always 'online'.
    endpointStates: async (): Promise<EndpointState[]> => {
      const endpoints = await guard('endpoints', () => request('endpoints.listByTech', { tech: 'PJSIP' }));
      return endpoints.map((e) => ({ endpoint: `${e.technology}/${e.resource}`, registered: e.state === 'online' }));
    },

    // One NOTIFY per report on the phone's REFER subscription (the first one preceded by the
    // 100 Trying that Asterisk holds back until then). Asterisk answers 204 even when nothing is
    // pending (no REFER, a final state already sent, a channel handling transfers itself); a gone
    // channel is 404 and one out of Stasis 409, both channel_gone.
    transferProgress: (channelId, state) =>
      guard('transferProgress', () => request('channels.transfer_progress', { channelId, states: TRANSFER_STATES[state] })),

    // ifExists=fail: recording names are ours and unique, so a clash is a bug, never an overwrite.
    // A missing spool directory is 500 "No such file or directory" (see docs/asterisk.md).
    recordBridge: (bridgeId, name) =>
      guard('recordBridge', async () => {
        await request('bridges.record', { bridgeId, name, format: 'wav', ifExists: 'fail', beep: false, maxDurationSeconds: 0, maxSilenceSeconds: 0 });
      }),
    pauseRecording: (name) => guard('pauseRecording', () => request('recordings.pause', { recordingName: name })),
    resumeRecording: (name) => guard('resumeRecording', () => request('recordings.unpause', { recordingName: name })),
    playOnBridge: (bridgeId, playbackId, media) =>
      guard('playOnBridge', async () => {
        await request('bridges.playWithId', { bridgeId, playbackId, media });
      }),
    storedRecording: (name) => guard('storedRecording', () => fetchFile(`/recordings/stored/${encodeURIComponent(name)}/file`)),
    deleteStoredRecording: (name) => guard('deleteStoredRecording', () => ignoring404(() => request('recordings.deleteStored', { recordingName: name }))),
  };
}
