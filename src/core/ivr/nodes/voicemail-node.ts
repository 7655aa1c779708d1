import type { VoicemailNode } from '../flow-types.js';
import type { NodeContext, NodeDefinition, NodeResult } from '../node-definition.js';

interface VoicemailLocal {
  playbackId: string | null;
  name: string | null;
  mailbox: string;
}

const MAILBOX = /^[A-Za-z0-9_-]{1,64}$/;

function record(node: VoicemailNode, ctx: NodeContext): NodeResult {
  const mailbox = node.mailbox.render(ctx.scope());
  // The recording name ends up as a file name: a mailbox id only, never free text.
  if (!MAILBOX.test(mailbox)) return { error: { code: 'bad_mailbox', message: `mailbox '${mailbox}' must be letters, digits, _ or -` } };
  const name = `vm-${mailbox}-${ctx.newId('r')}`;
  return {
    effects: [{ type: 'record', name, maxDurationSec: node.maxDurationSec, maxSilenceSec: node.maxSilenceSec, beep: node.beep, terminateOn: node.terminator }],
    local: { playbackId: null, name, mailbox } satisfies VoicemailLocal,
  };
}

export const voicemailNode: NodeDefinition<VoicemailNode> = {
  kind: 'voicemail',
  // Digits during the recording belong to it (the terminator above all): they must not reach the
  // next menu as type-ahead.
  takesInput: true,
  enter(node, ctx) {
    if (node.prompt.length === 0) return record(node, ctx);
    const play = ctx.play(node.prompt);
    return { effects: [play], local: { playbackId: play.playbackId, name: null, mailbox: '' } satisfies VoicemailLocal };
  },
  on(node, raw, event, ctx) {
    const local = raw as VoicemailLocal;
    if (event.type === 'playbackFinished' && event.playbackId === local.playbackId) return record(node, ctx);
    if (event.type === 'recordingFinished' && event.name === local.name) {
      if (event.failed) return { error: { code: 'recording_failed', message: 'the voicemail recording failed' } };
      const talked = event.talkingSec === null ? (event.durationSec ?? 0) : event.talkingSec;
      const saved = (event.durationSec ?? 0) >= node.minDurationSec && talked > 0;
      return {
        exit: saved ? 'saved' : 'noAudio',
        journal: [{ event: saved ? 'voicemail.saved' : 'voicemail.empty', data: { nodeId: node.id, mailbox: local.mailbox, recording: local.name, durationSec: event.durationSec, talkingSec: event.talkingSec } }],
      };
    }
    if (event.type === 'effectFailed' && event.effect === 'record') return { error: { code: event.code, message: event.message } };
    return {};
  },
};
