import { describe, expect, it } from 'vitest';
import { callStep, initialCallState } from '../../../src/core/call/call-machine.js';
import type { CallEvent, CallState } from '../../../src/core/call/call-types.js';
import type { Flow } from '../../../src/core/ivr/flow-types.js';
import { CALLER, CallDriver, flowFromYaml, journalData, journalEvents, T0, yaml } from '../support/flow-fixtures.js';

// The call's life around the flow: answer, start, hangups, effect failures, re-adoption. The flow
// itself is exercised node by node in test/unit/core/ivr.

// welcome (play) → wait (pause 1.5 s) → bye (hangup busy)
const flow: Flow = flowFromYaml(
  yaml(
    'id: cm',
    'entry: welcome',
    'limits: { maxDurationSec: 600 }',
    'nodes:',
    '  welcome: { type: play, prompt: hello, next: wait }',
    '  wait: { type: pause, duration: 1500ms, next: bye }',
    '  bye: { type: hangup, reason: busy }',
  ),
);
const library = new Map([[flow.id, flow]]);

const started = (f: Flow = flow): CallEvent => ({ type: 'started', at: T0, flow: f, library: new Map([[f.id, f]]), call: CALLER });
const answered: CallEvent = { type: 'answered', at: T0 + 10 };

/** A call answered and playing `welcome` (playback c1-p2; the limit timer is c1-limit1). */
function playing(): CallDriver {
  const d = new CallDriver(flow);
  d.start(T0);
  return d;
}

/** A call in the pause node, holding timer c1-t3. */
function pausing(): CallDriver {
  const d = playing();
  d.finishPlayback(T0 + 1000);
  expect(d.nodeId).toBe('wait');
  return d;
}

describe('callStep: start and answer', () => {
  it('given a new call, when started, then it journals flow.started with the version and asks to answer', () => {
    const step = callStep(initialCallState('c1'), started());
    expect(step.effects).toEqual([
      { type: 'journal', event: 'flow.started', data: { flowId: 'cm', version: flow.version, file: '/fixtures/flow.yaml' } },
      { type: 'answer' },
    ]);
    expect(step.state).toMatchObject({ phase: 'answering', flow, nodeId: null, ivr: null });
    expect(flow.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('given a started call, when answered, then the flow starts at its entry: limit timer, node.entered, the prompt plays', () => {
    const s1 = callStep(initialCallState('c1'), started()).state;
    const step = callStep(s1, answered);
    expect(step.effects).toEqual([
      { type: 'startTimer', timerId: 'c1-limit1', ms: 600_000 },
      { type: 'setLanguage', language: 'en' },
      { type: 'journal', event: 'node.entered', data: { flowId: 'cm', nodeId: 'welcome', kind: 'play' } },
      { type: 'play', playbackId: 'c1-p2', media: ['sound:hello-world'], prompts: ['hello'] },
    ]);
    expect(step.state).toMatchObject({ phase: 'running', nodeId: 'welcome', seq: 2, boot: null });
    expect(step.state.ivr).toMatchObject({ limitTimer: 'c1-limit1', startedAt: T0 + 10, locale: 'en', steps: 1, owned: { playbacks: ['c1-p2'], timers: [] } });
  });

  it.each<[string, CallState]>([
    ['a fresh call (never started)', initialCallState('c1')],
    ['an already running call', playing().state],
  ])('given %s, when answered arrives, then nothing happens', (_name, state) => {
    const step = callStep(state, answered);
    expect(step.effects).toEqual([]);
    expect(step.state).toBe(state);
  });

  it('given a preset with vars and a locale (simulations), when answered, then the flow starts with them', () => {
    const f = flowFromYaml(yaml('id: p', 'entry: a', 'locales: [en, fr]', 'vars: { n: { type: number, default: 1 }, s: { type: string } }', 'nodes:', '  a: { type: hangup }'));
    const d = new CallDriver(f, { preset: { vars: { n: 5 }, locale: 'fr' } });
    d.start(T0);
    expect(d.state.ivr?.frames[0]?.vars).toEqual({ n: 5, s: '' });
    expect(d.state.ivr?.locale).toBe('fr');
    expect(d.all).toContainEqual({ type: 'setLanguage', language: 'fr' });
  });
});

describe('callStep: the flow moves on', () => {
  it('given the welcome prompt, when it finishes, then node.exited is journaled and the pause starts its timer', () => {
    const d = playing();
    expect(d.finishPlayback(T0 + 1000)).toEqual([
      { type: 'journal', event: 'node.exited', data: { flowId: 'cm', nodeId: 'welcome', outcome: 'next', target: 'wait' } },
      { type: 'journal', event: 'node.entered', data: { flowId: 'cm', nodeId: 'wait', kind: 'pause' } },
      { type: 'startTimer', timerId: 'c1-t3', ms: 1500 },
    ]);
  });

  it.each<[string, CallEvent]>([
    ['another playback finishing', { type: 'playbackFinished', at: T0, playbackId: 'c1-p99', failed: false }],
    ['a timer that is not the node\'s', { type: 'timer', at: T0, timerId: 'c1-t99' }],
    ['an http result nobody asked for', { type: 'httpResult', at: T0, requestId: 'c1-h9', result: { kind: 'timeout' } }],
  ])('given the welcome prompt, when %s, then nothing moves', (_name, event) => {
    const d = playing();
    expect(d.send(event)).toEqual([]);
    expect(d.nodeId).toBe('welcome');
  });

  it('given the pause, when its timer fires, then the hangup node hangs up with its reason and the call ends with flow_hangup', () => {
    const d = pausing();
    const effects = d.send({ type: 'timer', at: T0 + 2500, timerId: 'c1-t3' });
    expect(effects.filter((e) => e.type !== 'journal')).toEqual([{ type: 'hangup', reason: 'busy' }]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'flow_hangup' });
    // Asterisk reports the hangup back: the reason stays the flow's.
    expect(d.send({ type: 'hangupRequested', at: T0 + 2600, cause: 16 })).toEqual([]);
    d.send({ type: 'left', at: T0 + 2700 });
    expect(d.state).toMatchObject({ phase: 'ended', endReason: 'flow_hangup' });
  });
});

describe('callStep: the caller hangs up', () => {
  it('given the caller hangs up mid-prompt, when hangupRequested arrives, then the prompt is stopped and the call is ending (caller_hangup)', () => {
    const d = playing();
    expect(d.send({ type: 'hangupRequested', at: T0 + 500, cause: 16 })).toEqual([{ type: 'stopPlayback', playbackId: 'c1-p2' }]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'caller_hangup' });
    expect(d.state.ivr?.owned).toEqual({ timers: [], playbacks: [], recordings: [], legs: [], bridges: [], queues: [] });
  });

  it('given the caller hangs up during a pause, when hangupRequested arrives, then the node timer is cancelled', () => {
    const d = pausing();
    expect(d.send({ type: 'hangupRequested', at: T0 + 1200, cause: null })).toEqual([{ type: 'cancelTimer', timerId: 'c1-t3' }]);
  });

  it('given an ending call, when the channel leaves, then it is ended with no more effects, and the playback finishing later is ignored', () => {
    const d = playing();
    d.send({ type: 'hangupRequested', at: T0 + 500, cause: 16 });
    expect(d.send({ type: 'playbackFinished', at: T0 + 501, playbackId: 'c1-p2', failed: false })).toEqual([]);
    expect(d.send({ type: 'left', at: T0 + 600 })).toEqual([]);
    expect(d.state).toMatchObject({ phase: 'ended', endReason: 'caller_hangup' });
  });

  it('given a running call, when the channel leaves without a hangup request, then what the node held is released and the call ends', () => {
    const d = pausing();
    expect(d.send({ type: 'left', at: T0 + 1200 })).toEqual([{ type: 'cancelTimer', timerId: 'c1-t3' }]);
    expect(d.state).toMatchObject({ phase: 'ended', endReason: 'caller_hangup' });
  });

  it('given a call not yet answered, when the caller hangs up, then there is nothing to release and a late answer does not start the flow', () => {
    const s = callStep(initialCallState('c1'), started()).state;
    const hung = callStep(s, { type: 'hangupRequested', at: T0, cause: 16 });
    expect(hung.effects).toEqual([]);
    expect(callStep(hung.state, answered).effects).toEqual([]);
  });

  it('given an ended call, when any event arrives, then there are no effects and the state is the same object', () => {
    const d = playing();
    d.send({ type: 'left', at: T0 + 1 });
    const ended = d.state;
    for (const event of [started(), answered, { type: 'dtmf', at: T0, digit: '1' }, { type: 'left', at: T0 }, { type: 'timer', at: T0, timerId: 'c1-limit1' }] as CallEvent[]) {
      const step = callStep(ended, event);
      expect(step.effects).toEqual([]);
      expect(step.state).toBe(ended);
    }
  });
});

describe('callStep: effect failures', () => {
  it('given a prompt playing, when an effect fails with channel_gone, then it is handled as a caller hangup', () => {
    const d = playing();
    expect(d.send({ type: 'effectFailed', at: T0 + 1, effect: 'play', code: 'channel_gone', message: '404' })).toEqual([{ type: 'stopPlayback', playbackId: 'c1-p2' }]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'caller_hangup' });
  });

  it('given a prompt playing and no error route, when play is rejected, then node.error, node.exited and the dialplan fallback', () => {
    const d = playing();
    const effects = d.send({ type: 'effectFailed', at: T0 + 1, effect: 'play', code: 'rejected', message: 'no media' });
    expect(journalData(effects, 'node.error')).toEqual([{ flowId: 'cm', nodeId: 'welcome', code: 'rejected', message: 'play failed: no media' }]);
    expect(journalData(effects, 'node.exited')).toEqual([{ flowId: 'cm', nodeId: 'welcome', outcome: 'error', target: null }]);
    expect(journalData(effects, 'call.error')).toEqual([{ code: 'flow_unrouted', message: "outcome 'error' of node 'welcome' leads nowhere", nodeId: 'welcome' }]);
    expect(effects.filter((e) => e.type !== 'journal')).toEqual([
      { type: 'stopPlayback', playbackId: 'c1-p2' },
      { type: 'continueToFallback', reason: 'flow_unrouted' },
    ]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'fallback' });
  });

  it('given a call sent to the fallback, when continueToFallback itself fails, then it hangs up with congestion and keeps the fallback reason', () => {
    const d = playing();
    d.send({ type: 'effectFailed', at: T0 + 1, effect: 'play', code: 'rejected', message: 'x' });
    expect(d.send({ type: 'effectFailed', at: T0 + 2, effect: 'continueToFallback', code: 'rejected', message: 'no such context' })).toEqual([
      { type: 'journal', event: 'call.error', data: { effect: 'continueToFallback', code: 'rejected', message: 'no such context' } },
      { type: 'hangup', reason: 'congestion' },
    ]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'fallback' });
  });

  it.each([
    ['answer', [{ type: 'hangup', reason: 'congestion' }]],
    ['hangup', []],
  ] as const)('given a fresh call, when the %s effect fails, then call.error is journaled and the call ends with error', (effect, extra) => {
    const s = callStep(initialCallState('c1'), started()).state;
    const step = callStep(s, { type: 'effectFailed', at: T0, effect, code: 'timeout', message: 'timed out' });
    expect(step.effects).toEqual([{ type: 'journal', event: 'call.error', data: { effect, code: 'timeout', message: 'timed out' } }, ...extra]);
    expect(step.state).toMatchObject({ phase: 'ending', endReason: 'error' });
  });

  it('given a pause, when a non-vital effect fails (stopPlayback), then the flow carries on', () => {
    const d = pausing();
    expect(d.send({ type: 'effectFailed', at: T0 + 1, effect: 'stopPlayback', code: 'rejected', message: 'x' })).toEqual([]);
    expect(d.state.phase).toBe('running');
  });
});

describe('callStep: re-adoption after a restart', () => {
  const adopted = (over: Partial<Extract<CallEvent, { type: 'adopted' }>>): CallEvent => ({
    type: 'adopted', at: T0 + 60_000, flow, library, call: CALLER, nodeId: null, lastPlaybackId: null, answered: true, ...over,
  });

  it('given an answered call recorded in the pause with a playback, when adopted, then the playback is stopped and the pause is entered again', () => {
    const step = callStep(initialCallState('c1', 7), adopted({ nodeId: 'wait', lastPlaybackId: 'c1-p2' }));
    expect(step.effects).toEqual([
      { type: 'journal', event: 'call.readopted', data: { nodeId: 'wait', flowId: 'cm', version: flow.version } },
      { type: 'stopPlayback', playbackId: 'c1-p2' },
      { type: 'startTimer', timerId: 'c1-limit8', ms: 600_000 },
      { type: 'setLanguage', language: 'en' },
      { type: 'journal', event: 'node.entered', data: { flowId: 'cm', nodeId: 'wait', kind: 'pause' } },
      { type: 'startTimer', timerId: 'c1-t9', ms: 1500 },
    ]);
    expect(step.state).toMatchObject({ phase: 'running', nodeId: 'wait' });
  });

  it('given an answered call in the welcome prompt, when adopted, then the prompt plays again under a fresh id', () => {
    const step = callStep(initialCallState('c1', 7), adopted({ nodeId: 'welcome', lastPlaybackId: 'c1-p2' }));
    expect(step.effects.filter((e) => e.type === 'play')).toEqual([{ type: 'play', playbackId: 'c1-p9', media: ['sound:hello-world'], prompts: ['hello'] }]);
  });

  it.each([
    ['no node recorded', null],
    ['a node the flow no longer has', 'removed'],
  ])('given %s, when adopted, then the entry node is entered', (_name, nodeId) => {
    const step = callStep(initialCallState('c1'), adopted({ nodeId }));
    expect(journalData(step.effects, 'call.readopted')[0]).toMatchObject({ nodeId: 'welcome' });
    expect(step.state.nodeId).toBe('welcome');
  });

  it('given a call that was never answered, when adopted, then it starts over: answer first, the entry node once answered', () => {
    const step = callStep(initialCallState('c1'), adopted({ nodeId: 'wait', answered: false }));
    expect(step.effects).toEqual([
      { type: 'journal', event: 'call.readopted', data: { nodeId: null, flowId: 'cm' } },
      { type: 'journal', event: 'flow.started', data: { flowId: 'cm', version: flow.version, file: '/fixtures/flow.yaml' } },
      { type: 'answer' },
    ]);
    expect(step.state.phase).toBe('answering');
    expect(callStep(step.state, answered).state.nodeId).toBe('welcome');
  });
});

describe('callStep: a route to a node that is not there', () => {
  // The compiler rejects dangling targets; a flow edited by hand after compiling (or a bad
  // re-adoption) must still end on the guaranteed path.
  it('given a node whose next is missing from the flow, when it completes, then call.error flow_missing_node and the fallback', () => {
    const broken: Flow = { ...flow, nodes: { ...flow.nodes, welcome: { ...(flow.nodes.welcome as Flow['nodes'][string]), exits: { next: { target: 'ghost', via: 'node' } } } } };
    const d = new CallDriver(broken);
    d.start(T0);
    const effects = d.finishPlayback(T0 + 1000);
    expect(journalData(effects, 'call.error')).toEqual([{ code: 'flow_missing_node', message: "node 'ghost' does not exist in flow 'cm'", nodeId: 'welcome' }]);
    expect(effects.at(-1)).toEqual({ type: 'continueToFallback', reason: 'flow_missing_node' });
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'fallback' });
  });

  it('given a flow whose entry is not a node, when answered, then the caller goes to the fallback', () => {
    const d = new CallDriver({ ...flow, entry: 'nowhere' });
    const effects = d.start(T0);
    expect(journalEvents(effects)).toEqual(['call.error']);
    expect(effects.at(-1)).toEqual({ type: 'continueToFallback', reason: 'flow_missing_node' });
  });
});
