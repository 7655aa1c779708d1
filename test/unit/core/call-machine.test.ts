import { describe, expect, it } from 'vitest';
import { callStep, initialCallState } from '../../../src/core/call/call-machine.js';
import type { CallEffect, CallEvent, CallState } from '../../../src/core/call/call-types.js';
import type { Flow } from '../../../src/core/ivr/flow-types.js';
import { makeFlow } from '../support/helpers.js';

const T0 = 1_000_000;
const CALL = 'c1';

// welcome (play) → wait (pause 1.5 s) → bye (play) → end (hangup busy)
const flow: Flow = makeFlow('welcome', {
  welcome: { kind: 'play', prompts: ['sound:hello-world'], next: 'wait' },
  wait: { kind: 'pause', seconds: 1.5, next: 'bye' },
  bye: { kind: 'play', prompts: ['sound:vm-goodbye', 'sound:auth-thankyou'], next: 'end' },
  end: { kind: 'hangup', reason: 'busy' },
});

/** Runs events in order from a fresh state; returns the final state and every step's effects. */
function run(events: CallEvent[], start: CallState = initialCallState(CALL)) {
  let state = start;
  const steps: CallEffect[][] = [];
  for (const e of events) {
    const step = callStep(state, e);
    state = step.state;
    steps.push(step.effects);
  }
  return { state, steps, last: steps.at(-1) ?? [] };
}

const started = (f: Flow = flow): CallEvent => ({ type: 'started', at: T0, flow: f });
const answered: CallEvent = { type: 'answered', at: T0 + 10 };
const played = (playbackId: string, failed = false): CallEvent => ({ type: 'playbackFinished', at: T0 + 100, playbackId, failed });
const timer = (timerId: string): CallEvent => ({ type: 'timer', at: T0 + 200, timerId });

const journalEvents = (effects: CallEffect[]) => effects.flatMap((e) => (e.type === 'journal' ? [e.event] : []));

describe('callStep: the happy path through a flow', () => {
  it('given a new call, when started, then it journals flow.started with the flow hash and asks to answer', () => {
    const { state, last } = run([started()]);
    expect(last).toEqual([
      { type: 'journal', event: 'flow.started', data: { flowId: 'test-flow', sha256: 'abc123' } },
      { type: 'answer' },
    ]);
    expect(state.phase).toBe('answering');
    expect(state.flow).toBe(flow);
  });

  it('given a started call, when answered, then it enters the entry node and plays with the deterministic id callId-p1', () => {
    const { state, last } = run([started(), answered]);
    expect(last).toEqual([
      { type: 'journal', event: 'node.entered', data: { nodeId: 'welcome', kind: 'play' } },
      { type: 'play', playbackId: 'c1-p1', media: ['sound:hello-world'] },
    ]);
    expect(state).toMatchObject({ phase: 'running', nodeId: 'welcome', waitingFor: { kind: 'playback', id: 'c1-p1' }, seq: 1 });
  });

  it('given an answered event before started (no flow), when answered, then nothing happens', () => {
    const { state, last } = run([answered]);
    expect(last).toEqual([]);
    expect(state.phase).toBe('answering');
  });

  it('given a playing node, when its playback finishes, then the next node (a pause) starts a timer of seconds × 1000 ms', () => {
    const { state, last } = run([started(), answered, played('c1-p1')]);
    expect(last).toEqual([
      { type: 'journal', event: 'node.entered', data: { nodeId: 'wait', kind: 'pause' } },
      { type: 'startTimer', timerId: 'c1-t2', ms: 1500 },
    ]);
    expect(state).toMatchObject({ nodeId: 'wait', waitingFor: { kind: 'timer', id: 'c1-t2' } });
  });

  it('given a playing node, when a different playback finishes, then the event is ignored', () => {
    const before = run([started(), answered]).state;
    const step = callStep(before, played('c1-p99'));
    expect(step.effects).toEqual([]);
    expect(step.state).toBe(before);
  });

  it('given a pause node, when a timer other than the awaited one fires, then the event is ignored', () => {
    const before = run([started(), answered, played('c1-p1')]).state;
    const step = callStep(before, timer('c1-t1'));
    expect(step.effects).toEqual([]);
    expect(step.state).toBe(before);
  });

  it('given a pause node, when its timer fires, then the next node plays with several media in one request', () => {
    const { state, last } = run([started(), answered, played('c1-p1'), timer('c1-t2')]);
    expect(last).toEqual([
      { type: 'journal', event: 'node.entered', data: { nodeId: 'bye', kind: 'play' } },
      { type: 'play', playbackId: 'c1-p3', media: ['sound:vm-goodbye', 'sound:auth-thankyou'] },
    ]);
    expect(state.nodeId).toBe('bye');
  });

  it('given the last play before a hangup node, when it finishes, then it hangs up with the node reason and ends with flow_hangup', () => {
    const { state, last } = run([started(), answered, played('c1-p1'), timer('c1-t2'), played('c1-p3')]);
    expect(last).toEqual([
      { type: 'journal', event: 'node.entered', data: { nodeId: 'end', kind: 'hangup' } },
      { type: 'hangup', reason: 'busy' },
    ]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'flow_hangup', waitingFor: null });
  });

  it('given a hangup node without reason, when entered, then it hangs up normal', () => {
    const f = makeFlow('end', { end: { kind: 'hangup' } });
    const { last } = run([started(f), answered]);
    expect(last).toContainEqual({ type: 'hangup', reason: 'normal' });
  });

  it('given a node without next, when it completes, then the flow completes and the call hangs up normal', () => {
    const f = makeFlow('only', { only: { kind: 'play', prompts: ['sound:beep'] } });
    const { state, last } = run([started(f), answered, played('c1-p1')]);
    expect(last).toEqual([
      { type: 'journal', event: 'flow.completed' },
      { type: 'hangup', reason: 'normal' },
    ]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'flow_hangup' });
  });

  it('given a failed playback, when it finishes, then playback.failed is journalled and the flow moves on', () => {
    const { state, last } = run([started(), answered, played('c1-p1', true)]);
    expect(last[0]).toEqual({ type: 'journal', event: 'playback.failed', data: { nodeId: 'welcome', playbackId: 'c1-p1' } });
    expect(last).toContainEqual({ type: 'startTimer', timerId: 'c1-t2', ms: 1500 });
    expect(state.nodeId).toBe('wait');
  });

  it('given a running call, when a DTMF digit arrives, then it is journalled with the current node and nothing else changes', () => {
    const before = run([started(), answered]).state;
    const step = callStep(before, { type: 'dtmf', at: T0, digit: '5' });
    expect(step.effects).toEqual([{ type: 'journal', event: 'dtmf', data: { digit: '5', nodeId: 'welcome' } }]);
    expect(step.state).toBe(before);
  });
});

describe('callStep: the caller hangs up', () => {
  it('given a call waiting on a timer, when the caller hangs up, then the timer is cancelled and the call is ending with caller_hangup', () => {
    const { state, last } = run([started(), answered, played('c1-p1'), { type: 'hangupRequested', at: T0, cause: 16 }]);
    expect(last).toEqual([{ type: 'cancelTimer', timerId: 'c1-t2' }]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'caller_hangup', waitingFor: null });
  });

  it('given a call waiting on a playback, when the caller hangs up, then no effect is needed', () => {
    const { state, last } = run([started(), answered, { type: 'hangupRequested', at: T0, cause: null }]);
    expect(last).toEqual([]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'caller_hangup' });
  });

  it('given the flow already hung up, when the hangup request comes back, then the end reason stays flow_hangup', () => {
    const f = makeFlow('end', { end: { kind: 'hangup' } });
    const { state } = run([started(f), answered, { type: 'hangupRequested', at: T0, cause: 16 }]);
    expect(state.endReason).toBe('flow_hangup');
  });

  it('given an ending call, when the channel leaves, then the call is ended', () => {
    const { state, last } = run([started(), answered, { type: 'hangupRequested', at: T0, cause: 16 }, { type: 'left', at: T0 }]);
    expect(last).toEqual([]);
    expect(state).toMatchObject({ phase: 'ended', endReason: 'caller_hangup' });
  });

  it('given a call waiting on a timer, when the channel leaves without a hangup request, then the timer is cancelled and it ends as caller_hangup', () => {
    const { state, last } = run([started(), answered, played('c1-p1'), { type: 'left', at: T0 }]);
    expect(last).toEqual([{ type: 'cancelTimer', timerId: 'c1-t2' }]);
    expect(state).toMatchObject({ phase: 'ended', endReason: 'caller_hangup' });
  });

  it('given a call waiting on a timer, when an effect fails with channel_gone, then it behaves like a hangup request', () => {
    const { state, last } = run([
      started(), answered, played('c1-p1'),
      { type: 'effectFailed', at: T0, effect: 'play', code: 'channel_gone', message: '404' },
    ]);
    expect(last).toEqual([{ type: 'cancelTimer', timerId: 'c1-t2' }]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'caller_hangup' });
  });
});

describe('callStep: errors take the guaranteed end path', () => {
  it('given a playing node, when the play effect is rejected, then call.error is journalled and the caller goes to the fallback', () => {
    const { state, last } = run([
      started(), answered,
      { type: 'effectFailed', at: T0, effect: 'play', code: 'rejected', message: 'media not found' },
    ]);
    expect(last).toEqual([
      { type: 'journal', event: 'call.error', data: { code: 'rejected', message: 'play failed: media not found', nodeId: 'welcome' } },
      { type: 'continueToFallback', reason: 'rejected' },
    ]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'fallback', waitingFor: null });
  });

  it('given a call sent to the fallback, when continueToFallback itself fails, then it hangs up with congestion and keeps the fallback reason', () => {
    const { state, last } = run([
      started(), answered,
      { type: 'effectFailed', at: T0, effect: 'play', code: 'rejected', message: 'x' },
      { type: 'effectFailed', at: T0, effect: 'continueToFallback', code: 'rejected', message: 'no such context' },
    ]);
    expect(last).toEqual([
      { type: 'journal', event: 'call.error', data: { effect: 'continueToFallback', code: 'rejected', message: 'no such context' } },
      { type: 'hangup', reason: 'congestion' },
    ]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'fallback' });
  });

  it('given a fresh call, when the hangup effect fails, then it journals call.error, ends with error and issues no further hangup', () => {
    const { state, last } = run([
      started(),
      { type: 'effectFailed', at: T0, effect: 'hangup', code: 'timeout', message: 'timed out' },
    ]);
    expect(last).toEqual([{ type: 'journal', event: 'call.error', data: { effect: 'hangup', code: 'timeout', message: 'timed out' } }]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'error' });
  });

  it('given a node whose next is missing from the flow, when it completes, then the call goes to the fallback with flow_missing_node', () => {
    const f = makeFlow('a', { a: { kind: 'play', prompts: ['sound:beep'], next: 'ghost' } });
    const { state, last } = run([started(f), answered, played('c1-p1')]);
    expect(last).toEqual([
      { type: 'journal', event: 'call.error', data: { code: 'flow_missing_node', message: "node 'ghost' does not exist", nodeId: 'a' } },
      { type: 'continueToFallback', reason: 'flow_missing_node' },
    ]);
    expect(state).toMatchObject({ phase: 'ending', endReason: 'fallback' });
  });

  it('given a flow whose entry node is missing, when answered, then the call goes to the fallback', () => {
    const f = makeFlow('nowhere', { a: { kind: 'hangup' } });
    const { state, last } = run([started(f), answered]);
    expect(last).toContainEqual({ type: 'continueToFallback', reason: 'flow_missing_node' });
    expect(state.endReason).toBe('fallback');
  });
});

describe('callStep: re-adoption after a restart', () => {
  it('given a call recorded in node "bye" with a playback, when adopted, then the old playback is stopped and the node is entered again', () => {
    const { state, last } = run([{ type: 'adopted', at: T0, flow, nodeId: 'bye', lastPlaybackId: 'c1-p3', answered: true }], initialCallState(CALL, 7));
    expect(last).toEqual([
      { type: 'journal', event: 'call.readopted', data: { nodeId: 'bye', flowId: 'test-flow' } },
      { type: 'stopPlayback', playbackId: 'c1-p3' },
      { type: 'journal', event: 'node.entered', data: { nodeId: 'bye', kind: 'play' } },
      { type: 'play', playbackId: 'c1-p8', media: ['sound:vm-goodbye', 'sound:auth-thankyou'] },
    ]);
    expect(state).toMatchObject({ phase: 'running', nodeId: 'bye', waitingFor: { kind: 'playback', id: 'c1-p8' } });
  });

  it('given a node id the flow no longer has and no playback, when adopted, then the entry node is entered without a stop', () => {
    const { last } = run([{ type: 'adopted', at: T0, flow, nodeId: 'removed', lastPlaybackId: null, answered: true }]);
    expect(last).toEqual([
      { type: 'journal', event: 'call.readopted', data: { nodeId: 'welcome', flowId: 'test-flow' } },
      { type: 'journal', event: 'node.entered', data: { nodeId: 'welcome', kind: 'play' } },
      { type: 'play', playbackId: 'c1-p1', media: ['sound:hello-world'] },
    ]);
  });

  it('given a call that was never answered, when adopted, then it is answered first and the flow starts from the entry', () => {
    const { state, last } = run([{ type: 'adopted', at: T0, flow, nodeId: 'bye', lastPlaybackId: null, answered: false }]);
    expect(last).toEqual([
      { type: 'journal', event: 'call.readopted', data: { nodeId: null, flowId: 'test-flow' } },
      { type: 'journal', event: 'flow.started', data: { flowId: 'test-flow', sha256: flow.source.sha256 } },
      { type: 'answer' },
    ]);
    expect(state.phase).toBe('answering');
    expect(callStep(state, answered).state.nodeId).toBe('welcome');
  });

  it('given no recorded node, when adopted, then the entry node is entered', () => {
    const { state } = run([{ type: 'adopted', at: T0, flow, nodeId: null, lastPlaybackId: null, answered: true }]);
    expect(state.nodeId).toBe('welcome');
  });
});

describe('callStep: an ended call is inert', () => {
  const endedState = run([started(), answered, { type: 'left', at: T0 }]).state;

  it.each<[string, CallEvent]>([
    ['started', started()],
    ['answered', answered],
    ['playbackFinished', played('c1-p1')],
    ['timer', timer('c1-t2')],
    ['dtmf', { type: 'dtmf', at: T0, digit: '1' }],
    ['hangupRequested', { type: 'hangupRequested', at: T0, cause: 16 }],
    ['left', { type: 'left', at: T0 }],
    ['adopted', { type: 'adopted', at: T0, flow, nodeId: 'welcome', lastPlaybackId: 'c1-p1', answered: true }],
    ['effectFailed', { type: 'effectFailed', at: T0, effect: 'play', code: 'rejected', message: 'x' }],
  ])('given an ended call, when %s arrives, then there are no effects and the state is unchanged', (_name, event) => {
    expect(endedState.phase).toBe('ended');
    const step = callStep(endedState, event);
    expect(step.effects).toEqual([]);
    expect(step.state).toBe(endedState);
  });
});

describe('callStep: ending calls do not resume the flow', () => {
  it('given an ending call, when the awaited playback finishes, then nothing is played', () => {
    const { last } = run([started(), answered, { type: 'hangupRequested', at: T0, cause: 16 }, played('c1-p1')]);
    expect(last).toEqual([]);
  });
});
