import { describe, expect, it } from 'vitest';
import { CallDriver, entered, exited, FIXTURE_PROMPTS, flowFromYaml, journalData, ofType, plays, T0, yaml } from '../../support/flow-fixtures.js';

// play, pause, hangup, switch, set, tag and sendDtmf through the interpreter.

const flow = (nodes: string[], head: string[] = []) =>
  flowFromYaml(yaml('id: simple', 'entry: a', ...head, 'nodes:', ...nodes.map((n) => `  ${n}`), '  end: { type: hangup }', '  err: { type: hangup, reason: congestion }'));

describe('play', () => {
  it('given several prompts, when entered, then one playback carries every media in order', () => {
    const d = new CallDriver(flow(['a: { type: play, prompt: [hello, menu.main, "sound:beep"], next: end }']));
    expect(plays(d.start(T0))).toEqual([{ type: 'play', playbackId: 'c1-p2', media: ['sound:hello-world', 'sound:vm-press', 'digits:1', 'sound:beep'], prompts: ['hello', 'menu.main', 'sound:beep'] }]);
  });

  it('given a play, when its playback finishes, then it exits next', () => {
    const d = new CallDriver(flow(['a: { type: play, prompt: hello, next: end }']));
    d.start(T0);
    expect(exited(d.finishPlayback(T0 + 1000))).toEqual(['a:next']);
  });

  it('given a play, when its playback finishes failed, then it leaves through error with playback_failed', () => {
    const d = new CallDriver(flow(['a: { type: play, prompt: hello, next: end, on: { error: err } }']));
    d.start(T0);
    const effects = d.finishPlayback(T0 + 1000, true);
    expect(journalData(effects, 'node.error')).toEqual([{ flowId: 'simple', nodeId: 'a', code: 'playback_failed', message: 'the prompt failed to play' }]);
    expect(entered(effects)).toEqual(['err']);
  });

  const intoMenu = (play: string) =>
    flow([play, 'm: { type: menu, greeting: menu.main, options: { "1": end }, on: { exhausted: err } }']);

  it('given barge-in on a play, when a digit comes, then the prompt stops, the play exits next and the next menu takes the digit', () => {
    const d = new CallDriver(intoMenu('a: { type: play, prompt: hello, bargein: true, next: m }'));
    d.start(T0);
    const effects = d.dtmf('1', T0 + 300);
    expect(ofType(effects, 'stopPlayback')).toEqual([{ type: 'stopPlayback', playbackId: 'c1-p2' }]);
    expect(exited(effects)).toEqual(['a:next', 'm:option:1']);
  });

  it('given no barge-in (the play default), when a digit comes, then the prompt goes on and the digit is kept as type-ahead for the next menu', () => {
    const d = new CallDriver(intoMenu('a: { type: play, prompt: hello, next: m }'));
    d.start(T0);
    expect(ofType(d.dtmf('1', T0 + 300), 'stopPlayback')).toEqual([]);
    expect(d.nodeId).toBe('a');
    const effects = d.finishPlayback(T0 + 1000);
    expect(exited(effects)).toEqual(['a:next', 'm:option:1']);
    expect(plays(effects)).toEqual([]);
  });

  // BUG (src/core/ivr/interpreter.ts, flowEvent: `if (event.type === 'dtmf' && !definition.takesInput)`):
  // PlayNode.typeAhead (compiled from the play's `typeAhead:` key or defaults.input.typeAhead) is
  // never read, so `typeAhead: false` on a play does not stop its digits from reaching the next menu.
  it('given typeAhead: false on a play, when a digit comes during it, then the next menu does not get it', () => {
    const d = new CallDriver(intoMenu('a: { type: play, prompt: hello, typeAhead: false, next: m }'));
    d.start(T0);
    d.dtmf('1', T0 + 300);
    const effects = d.finishPlayback(T0 + 1000);
    expect(plays(effects).map((p) => p.prompts)).toEqual([['menu.main']]);
  });

  it('given a say-as prompt, when played, then the value is rendered from the vars', () => {
    const d = new CallDriver(flow(['a: { type: play, prompt: readback, next: end }'], ['vars: { account: { type: string, default: "4521" } }']));
    expect(plays(d.start(T0))[0]?.media).toEqual(['sound:you-entered', 'digits:4521']);
  });

  it('given a say-as prompt whose value is not digits, when entered, then the play leaves through error (expression)', () => {
    const d = new CallDriver(flow(['a: { type: play, prompt: readback, next: end, on: { error: err } }'], ['vars: { account: { type: string, default: "x1" } }']));
    const effects = d.start(T0);
    expect(journalData(effects, 'node.error')).toEqual([{ flowId: 'simple', nodeId: 'a', code: 'expression', message: "say-as digits: 'x1' is not a string of digits" }]);
    expect(entered(effects)).toEqual(['a', 'err']);
  });

  it('given prompts per locale (fr-CA falls back to fr, en to default), when the locale changes, then the locale\'s media plays', () => {
    const prompts = { ...FIXTURE_PROMPTS, fr: yaml('hello: sound:fr/bonjour') };
    const f = flowFromYaml(
      yaml('id: loc', 'entry: a', 'locales: [en, fr-CA]', 'nodes:', '  a: { type: play, prompt: hello, next: s }', '  s: { type: set, locale: fr-CA, next: b }', '  b: { type: play, prompt: hello, next: end }', '  end: { type: hangup }'),
      { prompts },
    );
    expect(f.nodes.a).toMatchObject({ prompts: [{ key: 'hello', byLocale: { en: [{ kind: 'media', uri: 'sound:hello-world' }], 'fr-CA': [{ kind: 'media', uri: 'sound:fr/bonjour' }] } }] });
    const d = new CallDriver(f);
    expect(plays(d.start(T0))[0]?.media).toEqual(['sound:hello-world']);
    const effects = d.finishPlayback(T0 + 1000);
    expect(plays(effects)[0]?.media).toEqual(['sound:fr/bonjour']);
    // Asterisk's own sounds and say-as follow the language (fr-CA → fr).
    expect(ofType(effects, 'setLanguage')).toEqual([{ type: 'setLanguage', language: 'fr' }]);
  });
});

describe('pause and hangup', () => {
  it('given a pause of 2.5s, when entered, then a 2500 ms timer runs; when it fires, then next', () => {
    const d = new CallDriver(flow(['a: { type: pause, duration: 2.5, next: end }']));
    expect(ofType(d.start(T0), 'startTimer')).toEqual([
      { type: 'startTimer', timerId: 'c1-limit1', ms: 3_600_000 },
      { type: 'startTimer', timerId: 'c1-t2', ms: 2500 },
    ]);
    expect(exited(d.fireTimer(T0 + 2500))).toEqual(['a:next']);
  });

  it.each([
    ['a: { type: hangup }', 'normal'],
    ['a: { type: hangup, reason: no_answer }', 'no_answer'],
  ])('given %s, when entered, then it hangs up (%s) and the call ends with flow_hangup', (node, reason) => {
    const d = new CallDriver(flow([node]));
    expect(ofType(d.start(T0), 'hangup')).toEqual([{ type: 'hangup', reason }]);
    expect(d.state).toMatchObject({ phase: 'ending', endReason: 'flow_hangup', nodeId: 'a' });
  });
});

describe('switch', () => {
  const switchFlow = flow(
    [
      'a:',
      '  type: switch',
      '  cases:',
      '    - { when: "vars.n > 10", next: big }',
      '    - { when: "vars.n > 3", next: mid }',
      '    - { when: "vars.n > 1", next: small }',
      '  default: low',
      '  on: { error: err }',
      'big: { type: hangup }',
      'mid: { type: hangup }',
      'small: { type: hangup }',
      'low: { type: hangup }',
    ],
    ['vars: { n: { type: number }, obj: { type: object } }'],
  );

  it.each([
    [50, 'big', 'case:0'],
    [5, 'mid', 'case:1'],
    [2, 'small', 'case:2'],
    [0, 'low', 'default'],
  ])('given vars.n = %s, when the switch runs, then the first true case wins (%s)', (n, target, outcome) => {
    const d = new CallDriver(switchFlow, { preset: { vars: { n } } });
    const effects = d.start(T0);
    expect(exited(effects)).toEqual([`a:${outcome}`]);
    expect(d.nodeId).toBe(target);
  });

  it('given a case that cannot be evaluated, when the switch runs, then it is an error, not a silent false', () => {
    const f = flow(['a:', '  type: switch', '  cases: [{ when: "response.body.tier == \'gold\'", next: end }]', '  default: end', '  on: { error: err }']);
    const effects = new CallDriver(f).start(T0);
    const [error] = journalData(effects, 'node.error');
    expect(error).toMatchObject({ nodeId: 'a', code: 'expression' });
    expect(String(error?.message)).toMatch(/^case 1 \(response\.body\.tier == 'gold'\): /);
    expect(exited(effects)).toEqual(['a:error']);
  });
});

describe('set', () => {
  const setFlow = flow(
    [
      'a:',
      '  type: set',
      '  vars:',
      '    greeting: "hi {{caller.number}}"',
      '    n: "{{ vars.n + 1 }}"',
      '    copy: "{{ vars.n }}"',
      '  locale: fr',
      '  next: end',
    ],
    ['locales: [en, fr]', 'vars: { greeting: { type: string }, n: { type: number, default: 1 }, copy: { type: number } }'],
  );

  it('given templates, when set runs, then vars take typed values evaluated against the scope on entry, and the locale changes', () => {
    const d = new CallDriver(setFlow);
    const effects = d.start(T0);
    expect(d.state.ivr?.frames[0]?.vars).toEqual({ greeting: 'hi +15145550100', n: 2, copy: 1 });
    expect(journalData(effects, 'vars.set')).toEqual([{ nodeId: 'a', vars: { greeting: 'hi +15145550100', n: 2, copy: 1 } }]);
    expect(journalData(effects, 'locale.set')).toEqual([{ nodeId: 'a', locale: 'fr' }]);
    expect(d.state.ivr?.locale).toBe('fr');
  });

  it('given a template that fails at run time, when set runs, then it leaves through error and no var changes', () => {
    const f = flow(['a: { type: set, vars: { x: "{{ vars.o.missing }}" }, next: end, on: { error: err } }'], ['vars: { o: { type: object }, x: { type: string } }']);
    const d = new CallDriver(f);
    const effects = d.start(T0);
    expect(journalData(effects, 'node.error')[0]).toMatchObject({ nodeId: 'a', code: 'expression' });
    expect(journalData(effects, 'vars.set')).toEqual([]);
    expect(d.nodeId).toBe('err');
  });
});

describe('tag', () => {
  it('given two tag nodes, when passed, then tags.added is journaled for each and the call keeps them unique in order', () => {
    const d = new CallDriver(flow(['a: { type: tag, tags: [billing, vip], next: b }', 'b: { type: tag, tags: vip, next: end }']));
    const effects = d.start(T0);
    expect(journalData(effects, 'tags.added')).toEqual([
      { nodeId: 'a', tags: ['billing', 'vip'] },
      { nodeId: 'b', tags: ['vip'] },
    ]);
    expect(d.state.ivr?.tags).toEqual(['billing', 'vip']);
  });
});

describe('sendDtmf', () => {
  const dtmfFlow = (digits: string) =>
    flow([`a: { type: sendDtmf, digits: "${digits}", between: 250ms, next: end, on: { error: err } }`], ['vars: { ext: { type: string, default: "12x" } }']);

  it('given digits, when entered, then a sendDtmf effect goes out; when it is done, then next', () => {
    const d = new CallDriver(dtmfFlow('1234#w*'));
    expect(ofType(d.start(T0), 'sendDtmf')).toEqual([{ type: 'sendDtmf', effectId: 'c1-s2', digits: '1234#w*', betweenMs: 250 }]);
    expect(d.send({ type: 'effectDone', at: T0 + 100, effectId: 'other' })).toEqual([]);
    expect(exited(d.send({ type: 'effectDone', at: T0 + 2000, effectId: 'c1-s2' }))).toEqual(['a:next']);
  });

  it('given a template rendering to something that is not DTMF, when entered, then it leaves through error bad_dtmf', () => {
    const effects = new CallDriver(dtmfFlow('{{vars.ext}}')).start(T0);
    expect(journalData(effects, 'node.error')).toEqual([{ flowId: 'simple', nodeId: 'a', code: 'bad_dtmf', message: "'12x' is not a DTMF string (0-9 * # A-D, w for a pause)" }]);
    expect(ofType(effects, 'sendDtmf')).toEqual([]);
  });

  it('given a sendDtmf effect that fails, when reported, then error', () => {
    const d = new CallDriver(dtmfFlow('1'));
    d.start(T0);
    expect(exited(d.send({ type: 'effectFailed', at: T0 + 1, effect: 'sendDtmf', code: 'rejected', message: 'no' }))).toEqual(['a:error']);
  });
});
