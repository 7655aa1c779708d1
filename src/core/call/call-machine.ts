import { flowEvent, releaseAll, startFlow } from '../ivr/interpreter.js';
import type { CallEffect, CallEvent, CallState, EndReason, Step, StepContext } from './call-types.js';

export function initialCallState(callId: string, seq = 0): CallState {
  return { callId, phase: 'answering', flow: null, nodeId: null, seq, endReason: null, boot: null, ivr: null };
}

const NO_CONTEXT: StepContext = { calendarOverrides: new Map() };

/**
 * The call's whole behaviour: (state, event) → (state, effects). No I/O, no clock. This file owns
 * the call's life (answer, hangup, re-adoption, effect failures); the flow itself runs in
 * core/ivr/interpreter.
 */
export function callStep(state: CallState, event: CallEvent, context: StepContext = NO_CONTEXT): Step {
  if (state.phase === 'ended') return { state, effects: [] };
  switch (event.type) {
    case 'started':
      return {
        state: { ...state, phase: 'answering', flow: event.flow, boot: { library: event.library, call: event.call, ...(event.preset ? { preset: event.preset } : {}) } },
        effects: [
          { type: 'journal', event: 'flow.started', data: { flowId: event.flow.id, version: event.flow.version, file: event.flow.source.file } },
          { type: 'answer' },
        ],
      };

    case 'adopted': {
      // After a restart we cannot know how far the old process got inside a node, so the node is
      // entered again (with the flow's default vars); a prompt the old process started is
      // stopped first so two never overlap.
      const flow = event.flow;
      if (!event.answered) {
        const fresh = callStep({ ...state, phase: 'answering' }, { type: 'started', at: event.at, flow, library: event.library, call: event.call }, context);
        return {
          state: fresh.state,
          effects: [{ type: 'journal', event: 'call.readopted', data: { nodeId: null, flowId: flow.id } }, ...fresh.effects],
        };
      }
      const nodeId = event.nodeId && flow.nodes[event.nodeId] ? event.nodeId : flow.entry;
      const pre: CallEffect[] = [{ type: 'journal', event: 'call.readopted', data: { nodeId, flowId: flow.id, version: flow.version } }];
      if (event.lastPlaybackId) pre.push({ type: 'stopPlayback', playbackId: event.lastPlaybackId });
      const resumed = startFlow({ ...state, flow }, flow, event.library, event.call, event.at, context, nodeId);
      return { state: resumed.state, effects: [...pre, ...resumed.effects] };
    }

    case 'answered': {
      if (state.phase !== 'answering' || !state.flow || !state.boot) return { state, effects: [] };
      return startFlow({ ...state, boot: null }, state.flow, state.boot.library, state.boot.call, event.at, context, undefined, state.boot.preset);
    }

    case 'hangupRequested': {
      const effects = state.ivr ? releaseAll(state.ivr.owned, state.ivr.masked, state.nodeId, true) : [];
      const endReason: EndReason = state.endReason ?? 'caller_hangup';
      const ivr = state.ivr ? { ...state.ivr, owned: { timers: [], playbacks: [], recordings: [], legs: [], bridges: [], queues: [] }, masked: false } : null;
      return { state: { ...state, phase: 'ending', endReason, ivr }, effects };
    }

    case 'left': {
      const effects = state.ivr && state.phase !== 'ending' ? releaseAll(state.ivr.owned, state.ivr.masked, state.nodeId, true) : [];
      return { state: { ...state, phase: 'ended', endReason: state.endReason ?? 'caller_hangup' }, effects };
    }

    case 'effectFailed': {
      if (event.code === 'channel_gone') {
        return callStep(state, { type: 'hangupRequested', at: event.at, cause: null }, context);
      }
      if (event.effect === 'continueToFallback' || event.effect === 'hangup' || event.effect === 'answer') {
        // Nothing more graceful is left: make sure the channel does not stay in Stasis.
        return {
          state: { ...state, phase: 'ending', endReason: state.endReason ?? 'error' },
          effects: [
            { type: 'journal', event: 'call.error', data: { effect: event.effect, code: event.code, message: event.message } },
            ...(event.effect === 'hangup' ? [] : [{ type: 'hangup', reason: 'congestion' } as const]),
          ],
        };
      }
      return flowEvent(state, event, context);
    }

    default:
      return flowEvent(state, event, context);
  }
}
