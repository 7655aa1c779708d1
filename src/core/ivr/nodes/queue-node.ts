import type { CallEffect } from '../../call/call-types.js';
import { ExpressionError } from '../../expr/expression.js';
import type { QueueNode } from '../flow-types.js';
import type { NodeContext, NodeDefinition, NodeResult } from '../node-definition.js';

// Hands the call to the ACD and waits for its verdict. The ACD picks and rings the agent; this
// node owns what the caller hears meanwhile (music, announcements with position and estimated
// wait) and the keys they may press, so prompts follow the call's locale like everywhere else.
interface QueueLocal {
  requestId: string;
  moh: string;
  everyMs: number | null;
  announcePosition: boolean;
  announceWait: boolean;
  timer: string | null;
  playback: string | null;
  connected: boolean;
}

/** Asterisk's own queue sounds (sounds/<lang>/queue-*), as app_queue says them. */
export function positionMedia(position: number): string[] {
  return position === 1 ? ['sound:queue-youarenext'] : ['sound:queue-thereare', `number:${position}`, 'sound:queue-callswaiting'];
}

export function waitMedia(ewtSec: number): string[] {
  // Beyond an hour an estimate is a guess; app_queue stays silent there too.
  if (ewtSec > 3600) return [];
  if (ewtSec < 60) return ['sound:queue-holdtime', 'sound:queue-less-than', 'number:1', 'sound:queue-minute'];
  const minutes = Math.round(ewtSec / 60);
  return ['sound:queue-holdtime', `number:${minutes}`, minutes === 1 ? 'sound:queue-minute' : 'sound:queue-minutes'];
}

function announcement(node: QueueNode, local: QueueLocal, ctx: NodeContext): (CallEffect & { type: 'play' }) | null {
  const status = ctx.queueStatus(local.requestId);
  const extra = [
    ...(local.announcePosition && status?.position ? positionMedia(status.position) : []),
    ...(local.announceWait && status?.ewtSec !== null && status?.ewtSec !== undefined ? waitMedia(status.ewtSec) : []),
  ];
  const custom = node.wait.announce?.prompts ?? [];
  if (custom.length === 0 && extra.length === 0) return null;
  const play = custom.length > 0 ? ctx.play(custom) : { type: 'play' as const, playbackId: ctx.newId('p'), media: [], prompts: [] };
  return { ...play, media: [...play.media, ...extra], prompts: [...play.prompts, ...(extra.length > 0 ? ['queue.status'] : [])] };
}

function rearm(local: QueueLocal, ctx: NodeContext): { effects: CallEffect[]; timer: string | null } {
  if (local.everyMs === null) return { effects: [], timer: null };
  const timer = ctx.newId('t');
  return { effects: [{ type: 'startTimer', timerId: timer, ms: local.everyMs }], timer };
}

export const queueNode: NodeDefinition<QueueNode> = {
  kind: 'queue',
  takesInput: true,
  enter(node, ctx) {
    const requestId = ctx.newId('q');
    let skills: string[];
    try {
      const scope = ctx.scope();
      skills = node.skills.map((s) => s.render(scope));
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: `skills: ${err.message}` } };
      throw err;
    }
    const hold = ctx.queueHold(node.queue);
    const everySec = hold?.announceEverySec ?? null;
    const base: QueueLocal = {
      requestId,
      moh: node.wait.moh ?? hold?.moh ?? 'default',
      everyMs: node.wait.announce?.everyMs ?? (everySec ? everySec * 1000 : null),
      announcePosition: hold?.announcePosition ?? false,
      announceWait: hold?.announceWait ?? false,
      timer: null,
      playback: null,
      connected: false,
    };
    const { effects: timer, timer: timerId } = rearm(base, ctx);
    return {
      effects: [
        { type: 'enqueue', requestId, queue: node.queue, skills, priority: node.priority, maxWaitMs: node.wait.maxWaitMs ?? null, options: Object.keys(node.wait.options), ...(node.recording ? { recording: node.recording } : {}) },
        { type: 'startMoh', mohClass: base.moh },
        ...timer,
      ],
      local: { ...base, timer: timerId } satisfies QueueLocal,
    };
  },
  on(node, raw, event, ctx): NodeResult {
    const local = raw as QueueLocal;
    switch (event.type) {
      case 'queueResult':
        if (event.requestId !== local.requestId) return {};
        return { exit: event.outcome, effects: local.connected ? [] : [{ type: 'stopMoh' }], setQueue: { queue: node.queue, outcome: event.outcome, ...event.data } };
      case 'queueConnect': {
        if (event.requestId !== local.requestId) return {};
        const effects: CallEffect[] = [];
        if (local.timer) effects.push({ type: 'cancelTimer', timerId: local.timer });
        if (local.playback) effects.push({ type: 'stopPlayback', playbackId: local.playback });
        effects.push({ type: 'stopMoh' });
        return { effects, local: { ...local, timer: null, playback: null, connected: true }, setQueue: { queue: node.queue, agentId: event.agentId } };
      }
      case 'queueRequeued': {
        if (event.requestId !== local.requestId || !local.connected) return {};
        const next = rearm(local, ctx);
        return { effects: [{ type: 'startMoh', mohClass: local.moh }, ...next.effects], local: { ...local, connected: false, timer: next.timer }, setQueue: { queue: event.queue, agentId: null } };
      }
      case 'timer': {
        if (event.timerId !== local.timer || local.connected) return {};
        let play: ReturnType<typeof announcement>;
        try {
          play = announcement(node, local, ctx);
        } catch (err) {
          if (!(err instanceof ExpressionError)) throw err;
          play = null; // a bad say-as value in an announcement must not cost the caller their place
        }
        if (!play) {
          const next = rearm(local, ctx);
          return { effects: next.effects, local: { ...local, timer: next.timer } };
        }
        // Music stops for the announcement and comes back after it (a file played over MOH would cut it anyway).
        return { effects: [{ type: 'stopMoh' }, play], local: { ...local, timer: null, playback: play.playbackId } };
      }
      case 'playbackFinished': {
        if (event.playbackId !== local.playback || local.connected) return {};
        const next = rearm(local, ctx);
        return { effects: [{ type: 'startMoh', mohClass: local.moh }, ...next.effects], local: { ...local, playback: null, timer: next.timer } };
      }
      case 'dtmf': {
        // An anonymous caller cannot be called back: the key does nothing for them.
        if (!local.connected && event.digit === node.wait.callbackKey && ctx.queueCallbackAllowed(local.requestId)) {
          return { exit: 'callback', effects: [{ type: 'queueCallback', requestId: local.requestId }, { type: 'stopMoh' }], setQueue: { queue: node.queue, outcome: 'callback' } };
        }
        if (local.connected || node.wait.options[event.digit] === undefined) return {};
        return { exit: `option:${event.digit}`, effects: [{ type: 'stopMoh' }], setQueue: { queue: node.queue, outcome: `option:${event.digit}` } };
      }
      case 'effectFailed':
        if (event.effect === 'enqueue') return { error: { code: event.code, message: event.message } };
        return {};
      default:
        return {};
    }
  },
};
