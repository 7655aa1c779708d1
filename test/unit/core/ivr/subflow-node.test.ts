import { describe, expect, it } from 'vitest';
import { CallDriver, entered, exited, journalData, libraryFromYaml, ofType, T0, yaml } from '../../support/flow-fixtures.js';

// Subflows: params fill the callee's vars, `return` values come back into `store`, frames nest,
// a single-exit node without next returns from a subflow, and a subflow missing at run time is an error.

const MAIN = yaml(
  'id: main',
  'entry: call',
  'on: { error: sorry }',
  'vars: { result: { type: string }, who: { type: string, default: mine } }',
  'nodes:',
  '  call: { type: subflow, flow: sub, params: { who: "{{caller.number}}" }, store: result, next: done }',
  '  done: { type: hangup }',
  '  sorry: { type: hangup, reason: congestion }',
);
const SUB = yaml(
  'id: sub',
  'entry: greet',
  'vars: { who: { type: string }, x: { type: string } }',
  'nodes:',
  '  greet: { type: play, prompt: hello, next: deeper }',
  '  deeper: { type: subflow, flow: inner, store: x, next: ret }',
  '  ret: { type: return, value: "{{vars.who}}-{{vars.x}}" }',
);
const INNER = yaml('id: inner', 'entry: r', 'nodes:', '  r: { type: return, value: deep }');

const library = libraryFromYaml([MAIN, SUB, INNER]);
const main = library.get('main')!;

describe('subflow and return', () => {
  it('given a subflow with params, when entered, then subflow.called is journaled and the callee runs with its own vars filled from params', () => {
    const d = new CallDriver(main, { library });
    const effects = d.start(T0);
    expect(journalData(effects, 'subflow.called')).toEqual([{ nodeId: 'call', flowId: 'sub', version: library.get('sub')?.version }]);
    expect(journalData(effects, 'node.entered').at(-1)).toEqual({ flowId: 'sub', nodeId: 'greet', kind: 'play', depth: 1 });
    expect(d.state.ivr?.frames.map((f) => [f.flow.id, f.vars, f.calledFrom])).toEqual([
      ['main', { result: '', who: 'mine' }, null],
      ['sub', { who: '+15145550100', x: '' }, 'call'],
    ]);
  });

  it('given nested subflows, when the inner one returns, then each return value is stored and the path carries the depth', () => {
    const d = new CallDriver(main, { library });
    d.start(T0);
    const effects = d.finishPlayback(T0 + 1000);
    expect(journalData(effects, 'node.entered').map((e) => [e.flowId, e.nodeId, e.depth])).toEqual([
      ['sub', 'deeper', 1],
      ['inner', 'r', 2],
      ['sub', 'ret', 1],
      ['main', 'done', undefined],
    ]);
    expect(journalData(effects, 'subflow.returned')).toEqual([
      { flowId: 'inner', nodeId: 'deeper' },
      { flowId: 'sub', nodeId: 'call' },
    ]);
    expect(journalData(effects, 'vars.set')).toEqual([
      { nodeId: 'deeper', vars: { x: 'deep' } },
      { nodeId: 'call', vars: { result: '+15145550100-deep' } },
    ]);
    expect(exited(effects)).toEqual(['greet:next', 'deeper:next', 'call:next']);
    expect(d.state.ivr?.frames).toHaveLength(1);
    expect(d.vars).toEqual({ result: '+15145550100-deep', who: 'mine' });
    expect(ofType(effects, 'hangup')).toEqual([{ type: 'hangup', reason: 'normal' }]);
  });

  it('given a subflow whose last node has no next, when it completes, then the subflow returns null to the caller', () => {
    const lib = libraryFromYaml([MAIN, yaml('id: sub', 'entry: greet', 'vars: { who: { type: string } }', 'nodes:', '  greet: { type: play, prompt: hello }')]);
    const d = new CallDriver(lib.get('main')!, { library: lib });
    d.start(T0);
    const effects = d.finishPlayback(T0 + 1000);
    expect(journalData(effects, 'vars.set')).toEqual([{ nodeId: 'call', vars: { result: null } }]);
    expect(d.nodeId).toBe('done');
  });

  it('given the subflow is not in the call\'s library, when entered, then node.error flow_not_found and the error route', () => {
    const lib = new Map([['main', main]]);
    const d = new CallDriver(main, { library: lib });
    const effects = d.start(T0);
    expect(journalData(effects, 'node.error')).toEqual([{ nodeId: 'call', code: 'flow_not_found', message: "subflow 'sub' is not loaded" }]);
    expect(exited(effects)).toEqual(['call:error']);
    expect(d.nodeId).toBe('sorry');
  });

  it('given a return node in the entry flow, when reached, then the flow completes and the call hangs up normally', () => {
    const d = new CallDriver(library.get('inner')!, { library });
    const effects = d.start(T0);
    expect(journalData(effects, 'flow.completed')).toEqual([{ flowId: 'inner', nodeId: 'r' }]);
    expect(ofType(effects, 'hangup')).toEqual([{ type: 'hangup', reason: 'normal' }]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'flow_hangup' });
  });

  it('given the caller hangs up inside a subflow, when hangupRequested arrives, then the subflow node\'s playback is released', () => {
    const d = new CallDriver(main, { library });
    d.start(T0);
    const playbackId = d.playing();
    expect(playbackId).toBeDefined();
    expect(d.send({ type: 'hangupRequested', at: T0 + 100, cause: 16 })).toEqual([{ type: 'stopPlayback', playbackId }]);
  });

  it('given a subflow that returns, when the caller path is read, then entered() lists frames in call order', () => {
    const d = new CallDriver(main, { library });
    const all = [...d.start(T0), ...d.finishPlayback(T0 + 1000)];
    expect(entered(all)).toEqual(['call', 'greet', 'deeper', 'r', 'ret', 'done']);
  });
});
