import type { FlowNode } from '../ivr/flow-types.js';
import type { NodeOutcome } from '../ivr/node-definition.js';
import { nodeRegistry } from '../ivr/node-registry.js';
import type { CallEffect, CallEvent, CallState, EndReason, Step } from './call-types.js';

// A flow that moves through this many nodes without waiting for anything is looping.
const MAX_INSTANT_HOPS = 50;

export function initialCallState(callId: string, seq = 0): CallState {
  return { callId, phase: 'answering', flow: null, nodeId: null, waitingFor: null, seq, endReason: null };
}

/** The call's whole behaviour: (state, event) → (state, effects). No I/O, no clock. */
export function callStep(state: CallState, event: CallEvent): Step {
  if (state.phase === 'ended') return { state, effects: [] };
  switch (event.type) {
    case 'started':
      return {
        state: { ...state, phase: 'answering', flow: event.flow },
        effects: [
          { type: 'journal', event: 'flow.started', data: { flowId: event.flow.id, sha256: event.flow.source.sha256 } },
          { type: 'answer' },
        ],
      };

    case 'adopted': {
      // After a restart we cannot know how far the old process got inside a node, so the node is
      // entered again; a prompt the old process started is stopped first so two never overlap.
      const flow = event.flow;
      if (!event.answered) {
        // The old process died before answering: start the flow from the top, answer first.
        const fresh = callStep({ ...state, phase: 'answering' }, { type: 'started', at: event.at, flow });
        return {
          state: fresh.state,
          effects: [{ type: 'journal', event: 'call.readopted', data: { nodeId: null, flowId: flow.id } }, ...fresh.effects],
        };
      }
      const nodeId = event.nodeId && flow.nodes[event.nodeId] ? event.nodeId : flow.entry;
      const pre: CallEffect[] = [{ type: 'journal', event: 'call.readopted', data: { nodeId, flowId: flow.id } }];
      if (event.lastPlaybackId) pre.push({ type: 'stopPlayback', playbackId: event.lastPlaybackId });
      const resumed = enterNode({ ...state, phase: 'running', flow }, nodeId, 0);
      return { state: resumed.state, effects: [...pre, ...resumed.effects] };
    }

    case 'answered': {
      if (state.phase !== 'answering' || !state.flow) return { state, effects: [] };
      return enterNode({ ...state, phase: 'running' }, state.flow.entry, 0);
    }

    case 'playbackFinished':
    case 'timer': {
      const id = event.type === 'timer' ? event.timerId : event.playbackId;
      if (state.phase !== 'running' || !state.waitingFor || state.waitingFor.id !== id) return { state, effects: [] };
      const failed = event.type === 'playbackFinished' && event.failed;
      const node = currentNode(state);
      if (!node || !state.nodeId) return fail(state, 'flow_state', 'no current node');
      const outcome = definitionOf(node).resume(node as never, { failed });
      const journal: CallEffect[] = failed
        ? [{ type: 'journal', event: 'playback.failed', data: { nodeId: state.nodeId, playbackId: id } }]
        : [];
      const next = applyOutcome({ ...state, waitingFor: null }, outcome, 0);
      return { state: next.state, effects: [...journal, ...next.effects] };
    }

    case 'dtmf':
      // v0 flows have no input nodes; digits are kept in the journal for the timeline.
      return { state, effects: [{ type: 'journal', event: 'dtmf', data: { digit: event.digit, nodeId: state.nodeId } }] };

    case 'hangupRequested': {
      const effects: CallEffect[] = [];
      if (state.waitingFor?.kind === 'timer') effects.push({ type: 'cancelTimer', timerId: state.waitingFor.id });
      const endReason: EndReason = state.endReason ?? 'caller_hangup';
      return { state: { ...state, phase: 'ending', waitingFor: null, endReason }, effects };
    }

    case 'left': {
      const effects: CallEffect[] = [];
      if (state.waitingFor?.kind === 'timer') effects.push({ type: 'cancelTimer', timerId: state.waitingFor.id });
      return { state: { ...state, phase: 'ended', waitingFor: null, endReason: state.endReason ?? 'caller_hangup' }, effects };
    }

    case 'effectFailed': {
      if (event.code === 'channel_gone') {
        return callStep(state, { type: 'hangupRequested', at: event.at, cause: null });
      }
      if (event.effect === 'continueToFallback' || event.effect === 'hangup') {
        // Nothing more graceful is left: make sure the channel does not stay in Stasis.
        return {
          state: { ...state, phase: 'ending', endReason: state.endReason ?? 'error' },
          effects: [
            { type: 'journal', event: 'call.error', data: { effect: event.effect, code: event.code, message: event.message } },
            ...(event.effect === 'continueToFallback' ? [{ type: 'hangup', reason: 'congestion' } as const] : []),
          ],
        };
      }
      return fail(state, event.code, `${event.effect} failed: ${event.message}`);
    }
  }
}

function currentNode(state: CallState): FlowNode | undefined {
  return state.nodeId && state.flow ? state.flow.nodes[state.nodeId] : undefined;
}

function definitionOf(node: FlowNode) {
  return nodeRegistry[node.kind];
}

function enterNode(state: CallState, nodeId: string, hops: number): Step {
  const node = state.flow?.nodes[nodeId];
  if (!node) return fail(state, 'flow_missing_node', `node '${nodeId}' does not exist`);
  if (hops > MAX_INSTANT_HOPS) return fail(state, 'flow_loop', `more than ${MAX_INSTANT_HOPS} nodes without waiting`);
  let seq = state.seq;
  const newId = (prefix: string) => `${state.callId}-${prefix}${++seq}`;
  const outcome = definitionOf(node).enter(node as never, newId);
  const entered: CallState = { ...state, nodeId, seq };
  const next = applyOutcome(entered, outcome, hops);
  return {
    state: next.state,
    effects: [{ type: 'journal', event: 'node.entered', data: { nodeId, kind: node.kind } }, ...next.effects],
  };
}

function applyOutcome(state: CallState, outcome: NodeOutcome, hops: number): Step {
  if (outcome.ends) {
    return { state: { ...state, phase: 'ending', waitingFor: null, endReason: state.endReason ?? 'flow_hangup' }, effects: outcome.effects };
  }
  if (outcome.wait) return { state: { ...state, waitingFor: outcome.wait }, effects: outcome.effects };
  if (outcome.next === undefined) {
    // A flow that runs off its last node hangs up normally rather than leaving silence.
    return {
      state: { ...state, phase: 'ending', endReason: 'flow_hangup' },
      effects: [...outcome.effects, { type: 'journal', event: 'flow.completed' }, { type: 'hangup', reason: 'normal' }],
    };
  }
  const next = enterNode(state, outcome.next, hops + 1);
  return { state: next.state, effects: [...outcome.effects, ...next.effects] };
}

function fail(state: CallState, code: string, message: string): Step {
  // The guaranteed end path: log the reason and hand the caller to the dialplan fallback.
  return {
    state: { ...state, phase: 'ending', waitingFor: null, endReason: 'fallback' },
    effects: [
      { type: 'journal', event: 'call.error', data: { code, message, nodeId: state.nodeId } },
      { type: 'continueToFallback', reason: code },
    ],
  };
}
