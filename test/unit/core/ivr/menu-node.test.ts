import { describe, expect, it } from 'vitest';
import { CallDriver, entered, exited, flowFromYaml, journalData, ofType, plays, T0, yaml } from '../../support/flow-fixtures.js';

// Menus through the interpreter: greeting, matching, the invalid/no-input retry machine with
// escalating prompts, exit prompt, multi-digit and pattern options, '#', barge-in and type-ahead.

const menuFlow = (menu: string[], extra: string[] = []) =>
  flowFromYaml(
    yaml(
      'id: menus',
      'entry: m',
      'locales: [en, fr]',
      'defaults:',
      '  input: { timeout: 5s, interDigit: 2s }',
      'vars:',
      '  choice: { type: string }',
      '  account: { type: string }',
      'nodes:',
      '  m:',
      '    type: menu',
      ...menu.map((l) => `    ${l}`),
      '  one: { type: hangup }',
      '  two: { type: hangup }',
      '  ten: { type: hangup }',
      '  eleven: { type: hangup }',
      '  code: { type: hangup }',
      '  out: { type: hangup, reason: busy }',
      ...extra,
    ),
  );

const full = menuFlow([
  'greeting: menu.main',
  'reprompt: menu.short',
  'invalid: [menu.invalid, menu.invalid.last]',
  'noInput: menu.noinput',
  'exitPrompt: menu.exit',
  'maxInvalid: 3',
  'maxNoInput: 2',
  'options:',
  '  "1": one',
  '  "2": { next: two, set: { choice: "second" }, locale: fr }',
  'on: { exhausted: out }',
]);

/** Started and waiting for input after the greeting (first-digit timer running). */
function waiting(flow = full) {
  const d = new CallDriver(flow);
  d.start(T0);
  d.finishPlayback(T0 + 2000);
  return d;
}

const promptsOf = (effects: Parameters<typeof plays>[0]) => plays(effects).map((p) => p.prompts);

describe('menu: greeting and a match', () => {
  it('given a menu, when entered, then the greeting plays and no timer runs until it ends', () => {
    const d = new CallDriver(full);
    const effects = d.start(T0);
    expect(promptsOf(effects)).toEqual([['menu.main']]);
    expect(d.state.ivr?.owned.timers).toEqual([]);
  });

  it('given the greeting ended, when nothing is pressed yet, then the first-digit timer (timeout) runs', () => {
    const d = new CallDriver(full);
    d.start(T0);
    expect(ofType(d.finishPlayback(T0 + 2000), 'startTimer')).toEqual([{ type: 'startTimer', timerId: 'c1-t3', ms: 5000 }]);
  });

  it('given the menu waits, when 1 is pressed, then the timer is cancelled and it exits option:1 with input set', () => {
    const d = waiting();
    const effects = d.dtmf('1', T0 + 3000);
    expect(ofType(effects, 'cancelTimer')).toEqual([{ type: 'cancelTimer', timerId: 'c1-t3' }]);
    expect(exited(effects)).toEqual(['m:option:1']);
    expect(d.state.ivr?.input).toEqual({ digits: '1', option: '1' });
  });

  it('given an option with set and locale, when chosen, then the vars are set (vars.set journaled) and the locale changes', () => {
    const d = waiting();
    const effects = d.dtmf('2', T0 + 3000);
    expect(journalData(effects, 'vars.set')).toEqual([{ nodeId: 'm', vars: { choice: 'second' } }]);
    expect(journalData(effects, 'locale.set')).toEqual([{ nodeId: 'm', locale: 'fr' }]);
    expect(d.vars.choice).toBe('second');
    expect(d.state.ivr?.locale).toBe('fr');
    expect(ofType(effects, 'setLanguage')).toEqual([{ type: 'setLanguage', language: 'fr' }]);
    expect(entered(effects)).toEqual(['two']);
  });
});

describe('menu: invalid and no-input retries', () => {
  it('given the menu waits, when a digit matches no option, then menu.invalid is journaled, the first invalid prompt plays, then the reprompt', () => {
    const d = waiting();
    const effects = d.dtmf('7', T0 + 3000);
    expect(journalData(effects, 'menu.invalid')).toEqual([{ nodeId: 'm', attempt: 1, digits: '7' }]);
    expect(promptsOf(effects)).toEqual([['menu.invalid', 'menu.short']]);
    expect(d.nodeId).toBe('m');
  });

  it('given invalid twice, when a third invalid digit comes, then the prompts escalate (the last repeats) and the exit prompt plays before exhausted', () => {
    const d = waiting();
    const heard: string[][] = [];
    heard.push(...promptsOf(d.dtmf('7', T0 + 3000)));
    d.finishPlayback(T0 + 4000);
    heard.push(...promptsOf(d.dtmf('8', T0 + 5000)));
    d.finishPlayback(T0 + 6000);
    const last = d.dtmf('9', T0 + 7000);
    heard.push(...promptsOf(last));
    expect(heard).toEqual([['menu.invalid', 'menu.short'], ['menu.invalid.last', 'menu.short'], ['menu.exit']]);
    expect(journalData(last, 'menu.invalid')).toEqual([{ nodeId: 'm', attempt: 3, digits: '9' }]);
    expect(d.nodeId).toBe('m');
    const exit = d.finishPlayback(T0 + 8000);
    expect(exited(exit)).toEqual(['m:exhausted']);
    expect(entered(exit)).toEqual(['out']);
  });

  it('given the menu waits, when the timer runs out, then menu.noInput is journaled and the no-input prompt plays with the reprompt', () => {
    const d = waiting();
    const effects = d.fireTimer(T0 + 7000);
    expect(journalData(effects, 'menu.noInput')).toEqual([{ nodeId: 'm', attempt: 1 }]);
    expect(promptsOf(effects)).toEqual([['menu.noinput', 'menu.short']]);
  });

  it('given no-input and invalid counted apart, when one invalid then two silences, then no-input exhausts at maxNoInput (2) regardless of the invalid one', () => {
    const d = waiting();
    d.dtmf('7', T0 + 3000);
    d.finishPlayback(T0 + 4000);
    const first = d.fireTimer(T0 + 9000);
    expect(journalData(first, 'menu.noInput')).toEqual([{ nodeId: 'm', attempt: 1 }]);
    d.finishPlayback(T0 + 10_000);
    const second = d.fireTimer(T0 + 15_000);
    expect(journalData(second, 'menu.noInput')).toEqual([{ nodeId: 'm', attempt: 2 }]);
    expect(promptsOf(second)).toEqual([['menu.exit']]);
    expect(exited(d.finishPlayback(T0 + 16_000))).toEqual(['m:exhausted']);
  });

  it('given a menu without exit prompt, when exhausted, then it leaves at once', () => {
    const d = waiting(menuFlow(['greeting: menu.main', 'maxNoInput: 1', 'options: { "1": one }', 'on: { exhausted: out }']));
    const effects = d.fireTimer(T0 + 7000);
    expect(plays(effects)).toEqual([]);
    expect(exited(effects)).toEqual(['m:exhausted']);
  });

  it('given a menu without reprompt, when retrying, then the greeting is played again after the retry prompt', () => {
    const d = waiting(menuFlow(['greeting: menu.main', 'noInput: menu.noinput', 'options: { "1": one }', 'on: { exhausted: out }']));
    expect(promptsOf(d.fireTimer(T0 + 7000))).toEqual([['menu.noinput', 'menu.main']]);
  });

  it('given a menu whose greeting fails to play, when the playback finishes failed, then it leaves through error', () => {
    const d = new CallDriver(menuFlow(['greeting: menu.main', 'options: { "1": one }', 'on: { exhausted: out, error: out }']));
    d.start(T0);
    const effects = d.finishPlayback(T0 + 100, true);
    expect(journalData(effects, 'node.error')).toEqual([{ flowId: 'menus', nodeId: 'm', code: 'playback_failed', message: 'a menu prompt failed to play' }]);
    expect(exited(effects)).toEqual(['m:error']);
  });
});

describe('menu: multi-digit, patterns and #', () => {
  const multi = menuFlow(['greeting: menu.main', 'options:', '  "1": one', '  "10": ten', '  "11": eleven', 'on: { exhausted: out }']);

  it('given options 1, 10 and 11, when 1 is pressed, then the menu waits the inter-digit time for a second digit', () => {
    const d = waiting(multi);
    const effects = d.dtmf('1', T0 + 3000);
    expect(ofType(effects, 'startTimer')).toEqual([{ type: 'startTimer', timerId: 'c1-t4', ms: 2000 }]);
    expect(d.nodeId).toBe('m');
  });

  it.each([
    ['10', 'ten'],
    ['11', 'eleven'],
  ])('given options 1, 10 and 11, when %s is pressed, then the second digit completes it at once', (digits, target) => {
    const d = waiting(multi);
    expect(entered(d.dtmf(digits, T0 + 3000, 300))).toEqual([target]);
  });

  it('given options 1, 10 and 11, when 1 is pressed and the inter-digit timer runs out, then option 1 is chosen', () => {
    const d = waiting(multi);
    d.dtmf('1', T0 + 3000);
    expect(exited(d.fireTimer(T0 + 5000))).toEqual(['m:option:1']);
  });

  it('given options 1, 10 and 11, when 1 then # is pressed, then # ends the input and option 1 is chosen', () => {
    const d = waiting(multi);
    expect(exited(d.dtmf('1#', T0 + 3000, 300))).toEqual(['m:option:1']);
    expect(d.state.ivr?.input).toEqual({ digits: '1', option: '1' });
  });

  it('given options 1, 10 and 11, when 12 is pressed, then it is invalid at the second digit', () => {
    const d = waiting(multi);
    expect(journalData(d.dtmf('12', T0 + 3000, 300), 'menu.invalid')).toEqual([{ nodeId: 'm', attempt: 1, digits: '12' }]);
  });

  const patterned = menuFlow(['greeting: menu.main', 'options:', '  "0": one', '  "/[1-9][0-9]{3}/": code', 'on: { exhausted: out }']);

  it('given a /pattern/ option, when four digits and # are pressed, then the pattern matches and its outcome is taken', () => {
    const d = waiting(patterned);
    const effects = d.dtmf('4321#', T0 + 3000, 300);
    expect(exited(effects)).toEqual(['m:pattern:/[1-9][0-9]{3}/']);
    expect(d.state.ivr?.input).toEqual({ digits: '4321', option: 'pattern:/[1-9][0-9]{3}/' });
  });

  it('given a /pattern/ option, when digits end by the inter-digit timeout, then they are matched too', () => {
    const d = waiting(patterned);
    d.dtmf('4321', T0 + 3000, 300);
    expect(entered(d.fireTimer(T0 + 6000))).toEqual(['code']);
  });

  it('given a /pattern/ option, when digits that do not match end with #, then it is invalid', () => {
    const d = waiting(patterned);
    expect(journalData(d.dtmf('12#', T0 + 3000, 300), 'menu.invalid')).toEqual([{ nodeId: 'm', attempt: 1, digits: '12' }]);
  });

  it('given the menu waits, when # alone is pressed, then it counts as invalid (empty input), not as no-input', () => {
    const d = waiting(multi);
    expect(journalData(d.dtmf('#', T0 + 3000), 'menu.invalid')).toEqual([{ nodeId: 'm', attempt: 1, digits: '' }]);
  });
});

describe('menu: barge-in and type-ahead', () => {
  it('given barge-in on (default), when a digit comes during the greeting, then the greeting is stopped and the digit counts', () => {
    const d = new CallDriver(full);
    d.start(T0);
    const effects = d.dtmf('1', T0 + 500);
    expect(ofType(effects, 'stopPlayback')).toEqual([{ type: 'stopPlayback', playbackId: 'c1-p2' }]);
    expect(exited(effects)).toEqual(['m:option:1']);
  });

  it('given barge-in off, when a digit comes during the greeting, then it is ignored (the prompt is heard out)', () => {
    const d = new CallDriver(menuFlow(['greeting: menu.main', 'bargein: false', 'options: { "1": one }', 'on: { exhausted: out }']));
    d.start(T0);
    const effects = d.dtmf('1', T0 + 500);
    expect(effects.filter((e) => e.type !== 'journal')).toEqual([]);
    expect(d.playing()).toBe('c1-p2');
    d.finishPlayback(T0 + 2000);
    expect(entered(d.dtmf('1', T0 + 2500))).toEqual(['one']);
  });

  const intro = (typeAhead: boolean) =>
    menuFlow([`greeting: menu.main`, `typeAhead: ${typeAhead}`, 'options: { "1": one }', 'on: { exhausted: out }'], ['  intro: { type: play, prompt: hello, next: m }']);

  it('given type-ahead on, when 1 is pressed during an earlier play (no barge-in), then the menu takes it on entry without playing its greeting', () => {
    const flow = { ...intro(true), entry: 'intro' };
    const d = new CallDriver(flow);
    d.start(T0);
    const during = d.dtmf('1', T0 + 300);
    expect(ofType(during, 'stopPlayback')).toEqual([]);
    expect(d.nodeId).toBe('intro');
    expect(d.state.ivr?.typeAhead).toBe('1');
    const effects = d.finishPlayback(T0 + 1000);
    expect(plays(effects)).toEqual([]);
    expect(entered(effects)).toEqual(['m', 'one']);
    expect(d.state.ivr?.typeAhead).toBe('');
  });

  it('given type-ahead off on the menu, when 1 is pressed during an earlier play, then it is dropped and the greeting plays', () => {
    const flow = { ...intro(false), entry: 'intro' };
    const d = new CallDriver(flow);
    d.start(T0);
    d.dtmf('1', T0 + 300);
    const effects = d.finishPlayback(T0 + 1000);
    expect(promptsOf(effects)).toEqual([['menu.main']]);
    expect(d.nodeId).toBe('m');
    expect(d.state.ivr?.typeAhead).toBe('');
  });
});

describe('menu: runtime errors in later rounds', () => {
  // BUG (src/core/ivr/interpreter.ts, flowEvent): definition.on() is not wrapped in the
  // ExpressionError catch that enterNode has, so a say-as prompt that cannot render on a retry (or
  // an option `set` template failing) throws out of callStep instead of taking the error outcome.
  it('given a reprompt whose say-as value is not digits, when the menu retries, then it leaves through error instead of throwing', () => {
    const d = waiting(menuFlow(['greeting: menu.main', 'reprompt: readback', 'options: { "1": one }', 'on: { exhausted: out, error: out }']));
    const effects = d.fireTimer(T0 + 7000);
    expect(exited(effects)).toEqual(['m:error']);
  });
});
