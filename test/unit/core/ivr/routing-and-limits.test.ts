import { describe, expect, it } from 'vitest';
import type { Flow } from '../../../../src/core/ivr/flow-types.js';
import { CallDriver, compileFixture, entered, exited, flowFromYaml, journalData, ofType, T0, yaml } from '../../support/flow-fixtures.js';

// Loop guards (maxVisits, limits.maxSteps, limits.maxDurationSec) and where an outcome goes when
// the node does not wire it: defaults.on, then the flow's on.error, then the dialplan fallback.

/** a and b play in a loop; a allows `visits` entries. */
const loop = (visits: number, extra: string[] = [], aOn = '') =>
  flowFromYaml(
    yaml(
      'id: loop',
      'entry: a',
      ...extra,
      'nodes:',
      `  a: { type: play, prompt: hello, next: b, maxVisits: ${visits}${aOn ? `, on: { ${aOn} }` : ''} }`,
      '  b: { type: play, prompt: hello, next: a }',
      '  out: { type: hangup }',
      '  sorry: { type: hangup, reason: congestion }',
    ),
  );

/** Plays through the loop until the call stops waiting on a playback; returns every effect. */
function spin(d: CallDriver, at = T0): ReturnType<CallDriver['send']> {
  const all = [...d.start(at)];
  for (let t = at + 1000; d.playing() && d.state.phase === 'running'; t += 1000) all.push(...d.finishPlayback(t));
  return all;
}

describe('maxVisits', () => {
  it('given a node allowing 2 visits, when entered a third time, then node.loopExceeded is journaled (no node.entered) and loopExceeded is taken', () => {
    const d = new CallDriver(loop(2, [], 'loopExceeded: out'));
    const all = spin(d);
    expect(entered(all)).toEqual(['a', 'b', 'a', 'b', 'out']);
    expect(journalData(all, 'node.loopExceeded')).toEqual([{ flowId: 'loop', nodeId: 'a', visits: 3 }]);
    expect(exited(all).at(-1)).toBe('a:loopExceeded');
  });

  it('given loopExceeded unwired and a flow on.error, when exceeded, then the call goes to on.error', () => {
    const f = loop(1, ['on: { error: sorry }']);
    expect(f.nodes.a?.exits.loopExceeded).toEqual({ target: 'sorry', via: 'flow-error' });
    const d = new CallDriver(f);
    spin(d);
    expect(d.nodeId).toBe('sorry');
  });

  it('given loopExceeded unwired and no error route, when exceeded, then the dialplan fallback', () => {
    const d = new CallDriver(loop(1));
    const all = spin(d);
    expect(all.at(-1)).toEqual({ type: 'continueToFallback', reason: 'flow_unrouted' });
    expect(d.state.endReason).toBe('fallback');
  });

  it('given defaults.maxVisits, when a node sets none, then the default applies; maxVisits 0 is unlimited', () => {
    const f = flowFromYaml(yaml('id: d', 'entry: a', 'defaults: { maxVisits: 4 }', 'nodes:', '  a: { type: play, prompt: hello, next: b }', '  b: { type: play, prompt: hello, next: a, maxVisits: 0 }'));
    expect([f.nodes.a?.maxVisits, f.nodes.b?.maxVisits]).toEqual([4, 0]);
    expect(loop(3).nodes.b?.maxVisits).toBe(10);
  });
});

describe('limits.maxSteps', () => {
  it('given maxSteps 5, when a sixth node would be entered, then flow.limit is journaled and the caller goes to the fallback', () => {
    const d = new CallDriver(loop(0, ['limits: { maxSteps: 5 }']));
    const all = spin(d);
    expect(entered(all)).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(journalData(all, 'flow.limit')).toEqual([{ limit: 'maxSteps', nodeId: 'b' }]);
    expect(journalData(all, 'call.error')).toEqual([{ code: 'flow_limit', message: 'more than limits.maxSteps (5) nodes in one call', nodeId: 'a' }]);
    expect(all.at(-1)).toEqual({ type: 'continueToFallback', reason: 'flow_limit' });
  });
});

describe('instant hops', () => {
  it('given a set/switch loop with a visit limit above 100, when entered, then the interpreter stops it after 100 nodes without waiting (flow_loop)', () => {
    const f = flowFromYaml(
      yaml(
        'id: spin',
        'entry: a',
        'limits: { maxSteps: 10000 }',
        'vars: { n: { type: number } }',
        'nodes:',
        '  a: { type: set, vars: { n: "{{ vars.n + 1 }}" }, next: s, maxVisits: 500, on: { loopExceeded: out } }',
        '  s: { type: switch, maxVisits: 0, cases: [{ when: "vars.n > 100000", next: out }], default: a }',
        '  out: { type: hangup }',
      ),
    );
    const d = new CallDriver(f);
    const effects = d.start(T0);
    expect(journalData(effects, 'call.error')).toEqual([{ code: 'flow_loop', message: 'more than 100 nodes without waiting for the caller', nodeId: expect.any(String) }]);
    expect(effects.at(-1)).toEqual({ type: 'continueToFallback', reason: 'flow_loop' });
    expect(entered(effects)).toHaveLength(101);
  });
});

describe('limits.maxDurationSec', () => {
  const timed = (node: string) =>
    flowFromYaml(
      yaml(
        'id: timed',
        'entry: a',
        'limits: { maxDurationSec: 60 }',
        'nodes:',
        `  a: ${node}`,
        '  end: { type: hangup }',
      ),
    );

  it('given a call in a menu, when the duration limit timer fires, then flow.limit and the fallback, releasing what the node holds', () => {
    const d = new CallDriver(timed('{ type: menu, greeting: hello, options: { "1": end }, on: { exhausted: end } }'));
    expect(ofType(d.start(T0), 'startTimer')[0]).toEqual({ type: 'startTimer', timerId: 'c1-limit1', ms: 60_000 });
    const effects = d.send({ type: 'timer', at: T0 + 60_000, timerId: 'c1-limit1' });
    expect(journalData(effects, 'flow.limit')).toEqual([{ limit: 'maxDurationSec', nodeId: 'a' }]);
    expect(effects.filter((e) => e.type !== 'journal')).toEqual([
      { type: 'stopPlayback', playbackId: 'c1-p2' },
      { type: 'continueToFallback', reason: 'flow_limit' },
    ]);
    expect(d.state.endReason).toBe('fallback');
  });

  it.each([
    ['queue', '{ type: queue, queue: support, on: { answered: end, noAgents: end, timeout: end, full: end, error: end } }'],
    ['transfer', '{ type: transfer, to: { endpoint: PJSIP/1001 }, on: { answered: end, busy: end, noanswer: end, failed: end } }'],
  ])('given a caller in a %s, when the duration limit fires, then the call stays and the limit looks again in 10 s: time with people does not count', (_kind, node) => {
    const d = new CallDriver(timed(node));
    d.start(T0);
    const effects = d.send({ type: 'timer', at: T0 + 60_000, timerId: 'c1-limit1' });
    const again = d.state.ivr?.limitTimer;
    expect(again).toMatch(/-limit\d+$/);
    expect(effects).toEqual([{ type: 'startTimer', timerId: again, ms: 10_000 }]);
    expect(d.state).toMatchObject({ phase: 'running', nodeId: 'a' });
  });
});

describe('unwired outcomes', () => {
  /** An http node whose error outcome is routed by `where`. */
  const http = (where: 'node' | 'defaults' | 'flow-error' | 'none'): Flow =>
    compileFixture(
      yaml(
        'id: unwired',
        'entry: h',
        ...(where === 'defaults' ? ['defaults: { on: { error: fromDefaults } }'] : []),
        ...(where === 'flow-error' || where === 'defaults' ? ['on: { error: fromFlow }'] : []),
        'nodes:',
        `  h: { type: http, url: "https://x.example", on: { ok: done, timeout: done${where === 'node' ? ', error: fromNode' : ''} } }`,
        '  done: { type: hangup }',
        '  fromNode: { type: hangup }',
        '  fromDefaults: { type: hangup }',
        '  fromFlow: { type: hangup }',
      ),
    ).flow as Flow;

  it.each([
    ['the node wires it', 'node', 'fromNode'],
    ['defaults.on wires it (over the flow on.error)', 'defaults', 'fromDefaults'],
    ['only the flow on.error', 'flow-error', 'fromFlow'],
  ] as const)('given %s, when the node errs, then the call goes there', (_name, where, target) => {
    const f = http(where);
    expect(f.nodes.h?.exits.error).toEqual({ target, via: where });
    const d = new CallDriver(f);
    d.start(T0);
    d.send({ type: 'httpResult', at: T0 + 100, requestId: 'c1-h2', result: { kind: 'error', status: 500, message: 'HTTP 500' } });
    expect(d.nodeId).toBe(target);
  });

  it('given nothing routes the outcome, when the node errs, then node.exited has target null and the caller goes to the dialplan fallback', () => {
    const f = http('none');
    expect(f.nodes.h?.exits.error).toEqual({ target: null, via: 'none' });
    const d = new CallDriver(f);
    d.start(T0);
    const effects = d.send({ type: 'httpResult', at: T0 + 100, requestId: 'c1-h2', result: { kind: 'error', status: 500, message: 'HTTP 500' } });
    expect(journalData(effects, 'node.exited')).toEqual([{ flowId: 'unwired', nodeId: 'h', outcome: 'error', target: null }]);
    expect(effects.at(-1)).toEqual({ type: 'continueToFallback', reason: 'flow_unrouted' });
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'fallback', nodeId: 'h' });
  });

  it('given a single-exit node without next in the entry flow, when it completes, then the flow completes and hangs up normally', () => {
    const d = new CallDriver(flowFromYaml(yaml('id: last', 'entry: a', 'nodes:', '  a: { type: play, prompt: hello }')));
    d.start(T0);
    const effects = d.finishPlayback(T0 + 1000);
    expect(d.flow.nodes.a?.exits.next).toEqual({ target: null, via: 'implicit' });
    expect(journalData(effects, 'node.exited')).toEqual([{ flowId: 'last', nodeId: 'a', outcome: 'next', target: null }]);
    expect(journalData(effects, 'flow.completed')).toEqual([{ flowId: 'last', nodeId: 'a' }]);
    expect(ofType(effects, 'hangup')).toEqual([{ type: 'hangup', reason: 'normal' }]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'flow_hangup' });
  });
});
