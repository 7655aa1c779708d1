import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import type { FlowLibrary } from '../../../src/core/ivr/flow-types.js';
import { ScenarioError, simulate } from '../../../src/services/flow-simulator.js';
import { libraryFromYaml, yaml } from '../support/flow-fixtures.js';

// The simulator runs the sample flows of ivr-flows/ (main, after-hours, leave-message) with the
// same callStep real calls use, on a virtual clock. Default time: Monday 2026-01-05 10:00 Montreal.

const SAMPLES = fileURLToPath(new URL('../../../ivr-flows', import.meta.url));

let library: FlowLibrary;
beforeAll(() => {
  const catalog = createFlowCatalog({ dir: SAMPLES, defaultFlow: 'main', now: () => 0 });
  const errors = catalog.reload().filter((p) => p.severity !== 'warning');
  expect(errors).toEqual([]);
  library = catalog.library();
});

const VIP_STEPS = [{ dtmf: '1' }, { dtmf: '1' }, { dtmf: '123456#' }];

describe('simulate: the sample main flow', () => {
  it('given open hours and a gold account, when the caller picks English, billing and types the account, then the VIP path ends in goodbye', () => {
    const result = simulate(library, 'main', {
      steps: VIP_STEPS,
      mock: { http: { lookup: { body: { tier: 'gold' } } }, queue: { vip_queue: 'answered' } },
    });
    expect(result.path).toEqual(['hours', 'welcome', 'language', 'main_menu', 'billing', 'get_account', 'lookup', 'route_vip', 'vip_queue', 'goodbye', 'bye']);
    expect(result.heard).toEqual(['welcome', 'lang.choose', 'menu.main', 'account.enter', 'goodbye']);
    expect(result.end).toEqual({ kind: 'hangup', nodeId: 'bye', reason: 'normal' });
    expect(result.vars).toEqual({ account: '123456', tier: 'gold', vip: true });
    expect(result.tags).toEqual(['billing']);
    expect(result).toMatchObject({ flowId: 'main', version: library.get('main')?.version, locale: 'en' });
  });

  it('given the VIP path, when its journal is read, then the masked account never appears in it', () => {
    const result = simulate(library, 'main', { steps: VIP_STEPS, mock: { http: { lookup: { body: { tier: 'gold' } } }, queue: { vip_queue: 'answered' } } });
    const accountDigits = result.journal.filter((j) => j.event === 'dtmf' && j.data?.nodeId === 'get_account');
    expect(accountDigits).toHaveLength(7);
    expect(accountDigits.every((j) => j.data?.masked === true && !('digit' in (j.data ?? {})))).toBe(true);
    expect(result.journal.find((j) => j.event === 'collect.ok')?.data).toEqual({ nodeId: 'get_account', length: 6 });
    expect(result.journal.find((j) => j.event === 'vars.set' && j.data?.nodeId === 'get_account')?.data).toEqual({ nodeId: 'get_account', vars: { account: '[masked]' } });
  });

  it('given a silver account, when the VIP switch runs, then the caller goes to the billing queue', () => {
    const result = simulate(library, 'main', { steps: VIP_STEPS, mock: { http: { lookup: { body: { tier: 'silver' } } }, queue: { billing_queue: 'answered' } } });
    expect(result.path.slice(-4)).toEqual(['route_vip', 'billing_queue', 'goodbye', 'bye']);
    expect(result.vars).toMatchObject({ tier: 'silver', vip: false });
  });

  it('given a slow CRM, when the lookup takes 2s, then the hold prompt is heard while waiting', () => {
    const result = simulate(library, 'main', { steps: VIP_STEPS, mock: { http: { lookup: { body: { tier: 'gold' }, delay: '2s' } }, queue: { vip_queue: 'answered' } } });
    expect(result.heard).toContain('hold.checking');
    expect(result.path).toContain('vip_queue');
  });

  it('given a CRM that times out twice (retries 1), when looked up, then the caller goes to the support queue', () => {
    const result = simulate(library, 'main', { steps: VIP_STEPS, mock: { http: { lookup: { timeout: true } }, queue: { support_queue: 'answered' } } });
    expect(result.path.slice(-4)).toEqual(['lookup', 'support_queue', 'goodbye', 'bye']);
    expect(result.journal.filter((j) => j.event === 'http.result').map((j) => j.data?.outcome)).toEqual(['timeout', 'timeout']);
  });

  it('given a caller who never presses anything, when every menu runs out, then no-input exhaustion ends in the leave-message subflow', () => {
    const result = simulate(library, 'main', { steps: [{ silence: true }, { silence: true }, { silence: true }, { silence: true }] });
    expect(result.path).toEqual([
      'hours', 'welcome', 'language', 'main_menu', 'support_queue', 'voicemail',
      'leave-message/instructions', 'leave-message/record', 'leave-message/thanks', 'leave-message/saved',
      'goodbye', 'bye',
    ]);
    expect(result.heard).toEqual([
      'welcome', 'lang.choose', 'menu.main',
      'menu.noinput', 'menu.main.short', 'menu.noinput', 'menu.main.short', 'menu.exit',
      'vm.instructions', 'vm.saved', 'goodbye',
    ]);
    expect(result.journal.filter((j) => j.event === 'menu.noInput').map((j) => [j.data?.nodeId, j.data?.attempt])).toEqual([
      ['language', 1], ['main_menu', 1], ['main_menu', 2], ['main_menu', 3],
    ]);
    expect(result.end).toEqual({ kind: 'hangup', nodeId: 'bye', reason: 'normal' });
  });

  it('given no steps, when simulated, then the result says the flow waits for the caller at the first menu', () => {
    const result = simulate(library, 'main', {});
    expect(result.end).toEqual({ kind: 'waiting', nodeId: 'language' });
    expect(result.path).toEqual(['hours', 'welcome', 'language']);
  });

  it('given a time after hours, when the call comes in, then the after-hours subflow takes a message and hangs up there', () => {
    const result = simulate(library, 'main', { given: { time: '2026-01-05T23:30:00Z' } });
    expect(result.path).toEqual([
      'hours', 'after_hours', 'after-hours/closed', 'after-hours/message',
      'leave-message/instructions', 'leave-message/record', 'leave-message/thanks', 'leave-message/saved',
      'after-hours/bye',
    ]);
    expect(result.heard).toEqual(['closed', 'vm.instructions', 'vm.saved']);
    expect(result.end).toEqual({ kind: 'hangup', nodeId: 'bye', reason: 'normal' });
    expect(result.journal.find((j) => j.event === 'hours.checked')?.data).toMatchObject({ outcome: 'closed', source: 'weekly' });
  });

  it('given a holiday, when the call comes in, then it goes after hours too', () => {
    const result = simulate(library, 'main', { given: { time: '2026-07-01T15:00:00Z' } });
    expect(result.path.slice(0, 2)).toEqual(['hours', 'after_hours']);
    expect(result.journal.find((j) => j.event === 'hours.checked')?.data).toMatchObject({ outcome: 'holiday', holiday: 'Canada Day' });
  });

  it('given open hours but the storm override, when the call comes in, then the unwired storm exception means closed: after hours', () => {
    const result = simulate(library, 'main', { mock: { calendars: { support: 'storm' } } });
    expect(result.path.slice(0, 3)).toEqual(['hours', 'after_hours', 'after-hours/closed']);
    expect(result.journal.find((j) => j.event === 'hours.checked')?.data).toEqual({ nodeId: 'hours', calendar: 'support', outcome: 'closed', exception: 'storm', source: 'override' });
  });

  it('given a caller who presses 2 at the language menu, when the menu plays next, then it plays in French', () => {
    const result = simulate(library, 'main', { steps: [{ dtmf: '2' }] });
    expect(result.locale).toBe('fr');
    expect(result.end).toEqual({ kind: 'waiting', nodeId: 'main_menu' });
  });

  it('given the operator is busy, when the caller presses 0, then the transfer ends busy and the caller leaves a message', () => {
    const result = simulate(library, 'main', { steps: [{ dtmf: '1' }, { dtmf: '0' }], mock: { transfer: { operator: 'busy' } } });
    expect(result.path.slice(3, 6)).toEqual(['main_menu', 'operator', 'voicemail']);
    expect(result.journal.find((j) => j.event === 'transfer.ended')?.data).toMatchObject({ cause: 17, outcome: 'busy' });
  });
});

describe('simulate: barge-in and hangup steps', () => {
  it('given the main menu greeting is playing, when a barge-in digit is pressed, then the greeting is cut and the option taken at once', () => {
    const result = simulate(library, 'main', { steps: [{ dtmf: '1' }, { dtmf: '2', bargein: true }] });
    const entered = result.journal.find((j) => j.event === 'node.entered' && j.data?.nodeId === 'main_menu');
    const exited = result.journal.find((j) => j.event === 'node.exited' && j.data?.nodeId === 'main_menu');
    expect(exited?.data).toMatchObject({ outcome: 'option:2', target: 'support_queue' });
    // menu.main is three media (3 s in the simulator): the choice came well before its end.
    expect((exited?.atMs ?? Infinity) - (entered?.atMs ?? 0)).toBeLessThan(1000);
    expect(result.heard.slice(0, 3)).toEqual(['welcome', 'lang.choose', 'menu.main']);
    expect(result.path).toContain('support_queue');
  });

  it('given the welcome prompt (no barge-in) is playing, when a barge-in digit is pressed, then it is type-ahead: the language menu takes it without its greeting', () => {
    const result = simulate(library, 'main', { steps: [{ wait: '500ms' }, { dtmf: '2', bargein: true }] });
    expect(result.heard).toEqual(['welcome', 'menu.main']);
    expect(result.locale).toBe('fr');
    expect(result.end).toEqual({ kind: 'waiting', nodeId: 'main_menu' });
  });

  it('given a call mid-flow, when the caller hangs up, then the end is callerHangup at the node the caller was in', () => {
    const result = simulate(library, 'main', { steps: [{ dtmf: '1' }, { hangup: true }] });
    expect(result.end).toEqual({ kind: 'callerHangup', nodeId: 'main_menu' });
    expect(result.path).toEqual(['hours', 'welcome', 'language', 'main_menu']);
  });

  it('given a call mid-collect, when the caller hangs up, then callerHangup at the collect', () => {
    const result = simulate(library, 'main', { steps: [{ dtmf: '1' }, { dtmf: '1' }, { dtmf: '12' }, { hangup: true }] });
    expect(result.end).toEqual({ kind: 'callerHangup', nodeId: 'get_account' });
  });
});

describe('simulate: scenario errors', () => {
  it('given a flow that is not loaded, when simulated, then ScenarioError', () => {
    expect(() => simulate(library, 'nope', {})).toThrow(new ScenarioError("flow 'nope' is not loaded"));
  });

  it('given a step that is not DTMF, when simulated, then ScenarioError naming the step', () => {
    expect(() => simulate(library, 'main', { steps: [{ dtmf: '1x' }] })).toThrow("step 1: '1x' is not DTMF");
  });

  it('given steps after the call ended, when simulated, then ScenarioError says where it ended', () => {
    expect(() => simulate(library, 'main', { given: { time: '2026-01-05T23:30:00Z' }, steps: [{ dtmf: '1' }] })).toThrow("step 1: the call already ended (hangup at 'bye')");
  });

  it('given a bad time, when simulated, then ScenarioError', () => {
    expect(() => simulate(library, 'main', { given: { time: 'tomorrow' } })).toThrow(ScenarioError);
  });
});

describe('simulate: inline flows', () => {
  it('given a flow whose error route is missing, when its http node fails, then the end is the dialplan fallback at that node', () => {
    const lib = libraryFromYaml([yaml('id: f', 'entry: h', 'nodes:', '  h: { type: http, url: "https://x", on: { ok: b, timeout: b } }', '  b: { type: hangup }')]);
    const result = simulate(lib, 'f', { mock: { http: { h: { status: 500 } } } });
    expect(result.end).toEqual({ kind: 'fallback', nodeId: 'h', reason: 'flow_unrouted' });
  });

  it('given a flow longer than its duration limit, when simulated, then the limit sends it to the fallback', () => {
    const lib = libraryFromYaml([yaml('id: f', 'entry: p', 'limits: { maxDurationSec: 5 }', 'nodes:', '  p: { type: pause, duration: 10s, next: b }', '  b: { type: hangup }')]);
    const result = simulate(lib, 'f', {});
    expect(result.end).toEqual({ kind: 'fallback', nodeId: 'p', reason: 'flow_limit' });
    expect(result.durationMs).toBe(5000);
  });
});
