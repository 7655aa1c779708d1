import type { LiveChannel, Telephony } from '../../ports/telephony.js';
import { TelephonyError } from '../../ports/telephony.js';
import { AriHttpError, AriUnavailableError, type AriRequest } from './ari-http.js';
import { toLiveChannel } from './ari-event-mapper.js';

const HANGUP_REASON = { normal: 'normal', busy: 'busy', congestion: 'congestion', no_answer: 'no_answer' } as const;

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

export function createAriTelephony(request: AriRequest, app: string): Telephony {
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
    stopPlayback: async (playbackId) => {
      try {
        await request('playbacks.stop', { playbackId });
      } catch (err) {
        if (err instanceof AriHttpError && err.status === 404) return; // already finished
        throw err;
      }
    },
    hangup: (channelId, reason) =>
      guard('hangup', async () => {
        try {
          await request('channels.hangup', { channelId, reason: HANGUP_REASON[reason] });
        } catch (err) {
          if (err instanceof AriHttpError && err.status === 404) return; // already gone: the goal is met
          throw err;
        }
      }),
    continueInDialplan: (channelId, context) =>
      guard('continue', () => request('channels.continueInDialplan', { channelId, context, extension: 's', priority: 1 })),
    appChannels: async (): Promise<LiveChannel[]> => {
      const application = await guard('application', () => request('applications.get', { applicationName: app }));
      const wanted = new Set(application.channel_ids);
      const channels = await guard('channels', () => request('channels.list', {}));
      return channels.filter((c) => wanted.has(c.id)).map(toLiveChannel);
    },
  };
}
