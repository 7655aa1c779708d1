import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FlowProblem } from '../../../src/adapters/flows/yaml-source.js';
import { compileFixture, FIXTURE_CALENDARS, FIXTURE_PROMPTS, yaml, type FixtureOptions } from '../support/flow-fixtures.js';

// compileFlowSource: both validation passes, every problem at file:line:col, all in one pass.

const FILE = '/fixtures/flow.yaml';

/** Line (1-based) and column of the `nth` occurrence of `needle` on that line of `source`. */
function pos(source: string, line: number, needle: string, nth = 0): { line: number; col: number } {
  const text = source.split('\n')[line - 1] ?? '';
  let index = -1;
  for (let i = 0; i <= nth; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`'${needle}' is not on line ${line}: ${text}`);
  return { line, col: index + 1 };
}

const errorsOf = (source: string, options?: FixtureOptions) => {
  const result = compileFixture(source, options);
  return { result, errors: result.problems.filter((p) => p.severity !== 'warning'), warnings: result.problems.filter((p) => p.severity === 'warning') };
};

/** Compiles `source` and expects exactly one error: at `where`, its message containing `message`. */
function expectOneError(source: string, where: { line: number; col: number }, message: string, options?: FixtureOptions) {
  const { result, errors } = errorsOf(source, options);
  expect(result.flow).toBeNull();
  expect(errors).toEqual([{ file: FILE, ...where, message: expect.stringContaining(message) }]);
}

describe('flow compiler: YAML strictness', () => {
  it('given a YAML syntax error, when compiled, then one problem points at it and nothing else is checked', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: hangup', '  b: x');
    const { result } = errorsOf(source);
    expect(result.problems).toEqual([{ file: FILE, line: 5, col: 3, message: expect.stringContaining('Flow map') }]);
    expect(result).toMatchObject({ flow: null, id: null });
  });

  it('given an anchor and an alias, when compiled, then both are errors at their own place', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: &h { type: hangup }', '  b: *h');
    expect(errorsOf(source).errors).toEqual([
      { file: FILE, ...pos(source, 4, '{'), message: 'anchors and aliases are not allowed in flow files' },
      { file: FILE, ...pos(source, 5, '*h'), message: 'anchors and aliases are not allowed in flow files' },
    ]);
  });

  it('given a merge key, when compiled, then it is an error at the <<', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a:', '    <<: { type: hangup }', '    reason: busy');
    expectOneError(source, pos(source, 5, '<<'), 'merge keys (<<) are not allowed in flow files');
  });

  it('given a custom tag, when compiled, then it is refused on its line', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: !node { type: hangup }');
    const { result, errors } = errorsOf(source);
    expect(result.flow).toBeNull();
    expect(errors).toContainEqual({ file: FILE, line: 4, col: expect.any(Number), message: "custom tag '!node' is not allowed in flow files" });
    expect(errors.every((e) => e.line === 4)).toBe(true);
  });
});

describe('flow compiler: shape (pass one)', () => {
  const unknownKey = yaml('id: x', 'entry: a', 'nodes:', '  a:', '    type: play', '    prompt: hello', '    colour: red');

  it('given an unknown key in a node, when compiled, then it is reported at the key itself', () => {
    const { result, errors } = errorsOf(unknownKey);
    expect(result.flow).toBeNull();
    expect(errors).toContainEqual({ file: FILE, ...pos(unknownKey, 7, 'colour'), message: "node 'a': unknown key 'colour'" });
  });

  // BUG (src/adapters/flows/flow-compiler.ts, schemaProblems): TypeBox also yields a `boolean`
  // ("schema is false") error at the value of an additional property, and the `seen.size > 0`
  // guard only drops it when the additionalProperties error came first, which it does not: every
  // unknown key is reported twice ("colour: schema is false" at the value). Skip `boolean` errors
  // whose instancePath's parent has an additionalProperties error (or skip them always).
  it('given an unknown key, when compiled, then it is reported once (no second "schema is false" at its value)', () => {
    expect(errorsOf(unknownKey).errors).toHaveLength(1);
  });

  it('given an unknown top-level key, when compiled, then it is reported at the key', () => {
    const source = yaml('id: x', 'entry: a', 'colour: red', 'nodes:', '  a: { type: hangup }');
    expect(errorsOf(source).errors).toContainEqual({ file: FILE, line: 3, col: 1, message: "unknown key 'colour'" });
  });

  it('given an unknown node type, when compiled, then it is reported at the type value with the known types', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a:', '    type: dance');
    expectOneError(source, pos(source, 5, 'dance'), "node 'a': unknown type 'dance' (known: play, pause, hangup, menu, collect, switch, set, hours, http, subflow, return, queue, transfer, voicemail, sendDtmf, tag)");
  });

  it('given a wrong value type, when compiled, then the schema message names the key at its value', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: menu, greeting: hello, maxInvalid: lots, options: { "1": a } }');
    const { errors } = errorsOf(source);
    expect(errors).toContainEqual({ file: FILE, ...pos(source, 4, 'lots'), message: expect.stringContaining("node 'a': maxInvalid: ") });
  });
});

describe('flow compiler: references (pass two)', () => {
  it('given next and on: targets that are not nodes, when compiled, then each dangling target is reported at its value', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a:', '    type: play', '    prompt: hello', '    next: nowhere', '    on: { error: ghost }');
    expect(errorsOf(source).errors).toEqual([
      { file: FILE, ...pos(source, 7, 'nowhere'), message: "node 'a': next goes to 'nowhere', which is not a node of this flow" },
      { file: FILE, ...pos(source, 8, 'ghost'), message: "node 'a': error goes to 'ghost', which is not a node of this flow" },
    ]);
  });

  it('given an outcome name the node kind does not have, when compiled, then it is reported at the key with the kind\'s outcomes', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a:', '    type: play', '    prompt: hello', '    on: { timeout: a }');
    expectOneError(source, pos(source, 7, 'timeout'), "node 'a': 'timeout' is not an on: outcome of play (on: takes error, loopExceeded)");
  });

  it('given the entry is not a node, when compiled, then it is reported at the entry value', () => {
    const source = yaml('id: x', 'entry: start', 'nodes:', '  a: { type: hangup }');
    expectOneError(source, pos(source, 2, 'start'), "entry 'start' is not a node of this flow");
  });

  it('given a calendar that does not exist, when compiled, then it is reported at the calendar value', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: hours, calendar: nope, on: { open: b, closed: b } }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 4, 'nope'), "node 'a': calendar 'nope' does not exist (ivr-flows/calendars/nope.yaml)");
  });

  it('given a subflow that does not exist, when compiled, then it is reported at the flow value', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: subflow, flow: nope, next: b }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 4, 'nope'), "node 'a': flow 'nope' does not exist");
  });

  it('given subflow params the callee does not declare, when compiled, then each is reported', () => {
    const sub = yaml('id: sub', 'entry: r', 'vars: { who: { type: string } }', 'nodes:', '  r: { type: return }');
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: subflow, flow: sub, params: { who: me, what: it }, next: b }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 4, 'it }'), "node 'a': flow 'sub' declares no var 'what'", { flows: [sub] });
  });
});

describe('flow compiler: vars and expressions', () => {
  it('given store into an undeclared var, when compiled, then it is reported at the store value', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a:', '    type: collect', '    prompt: hello', '    store: nope', '    on: { ok: b, exhausted: b, error: b }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 7, 'nope'), "node 'a': 'vars.nope' is not declared in vars");
  });

  it('given set and map into undeclared vars, when compiled, then each is reported on its line', () => {
    const source = yaml(
      'id: x',
      'entry: a',
      'nodes:',
      '  a: { type: set, vars: { other: "1" }, next: c }',
      '  c:',
      '    type: http',
      '    url: "https://x.example"',
      '    map: { missing: "response.body" }',
      '    on: { ok: d, error: d, timeout: d }',
      '  d: { type: hangup }',
    );
    const { errors } = errorsOf(source);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [4, "node 'a': 'vars.other' is not declared in vars"],
      [8, "node 'c': 'vars.missing' is not declared in vars"],
    ]);
  });

  // BUG (src/adapters/flows/node-compilers.ts templatedMap and http `map`): h.variable() is given
  // the value's path, so an undeclared var named by a `set.vars` / `map` / menu option `set` key is
  // reported at the value (`"1"`) instead of at the key (`other`) that is wrong. Use the key's
  // position (src.keyAt) for these names, as unknown keys already do.
  it.fails('given set into an undeclared var, when compiled, then the problem points at the var name (the key)', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: set, vars: { other: "1" }, next: b }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 4, 'other'), "'vars.other' is not declared in vars");
  });

  it('given expressions reading undeclared vars, when compiled, then each is reported at the column of vars.X inside the string', () => {
    const source = yaml(
      'id: x',
      'entry: a',
      'vars: { known: { type: string } }',
      'nodes:',
      '  a:',
      '    type: http',
      '    url: "https://x.example/{{ vars.known }}/{{ vars.nope }}"',
      '    on: { ok: d, error: d, timeout: d }',
      '  d:',
      '    type: switch',
      '    cases:',
      '      - when: "vars.known == \'a\' && vars.nope2"',
      '        next: e',
      '    default: e',
      '  e: { type: hangup }',
    );
    expect(errorsOf(source).errors).toEqual([
      { file: FILE, ...pos(source, 7, 'vars.nope'), message: expect.stringContaining("'vars.nope' is not declared in vars") },
      { file: FILE, ...pos(source, 12, 'vars.nope2'), message: expect.stringContaining("'vars.nope2' is not declared in vars") },
    ]);
  });

  it('given a plain (unquoted) scalar expression, when it reads an undeclared var, then the column is still exact', () => {
    const source = yaml('id: x', 'entry: d', 'nodes:', '  d:', '    type: switch', '    cases:', '      - when: vars.a == vars.zz', '        next: e', '    default: e', '  e: { type: hangup }');
    const { errors } = errorsOf(source);
    expect(errors).toEqual([
      { file: FILE, ...pos(source, 7, 'vars.a'), message: expect.stringContaining("'vars.a' is not declared") },
      { file: FILE, ...pos(source, 7, 'vars.zz'), message: expect.stringContaining("'vars.zz' is not declared") },
    ]);
  });

  it('given an expression with a syntax error, when compiled, then the problem points at the offending character', () => {
    const source = yaml('id: x', 'entry: a', 'vars: { x: { type: string } }', 'nodes:', '  a:', '    type: switch', '    cases:', '      - when: "vars.x == "', '        next: b', '    default: b', '  b: { type: hangup }');
    const after = pos(source, 8, '"vars.x');
    expectOneError(source, { line: 8, col: after.col + 1 + 'vars.x == '.length }, "node 'a': Unexpected token");
  });

  it('given a template hole that is never closed, when compiled, then the problem points at the {{', () => {
    const source = yaml('id: x', 'entry: a', 'vars: { s: { type: string } }', 'nodes:', '  a: { type: set, vars: { s: "hi {{ vars.s " }, next: b }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 5, '{{'), "node 'a': '{{' without a closing '}}'");
  });

  it('given an http.X reference to a node that is not an http node, when compiled, then it is reported', () => {
    const source = yaml('id: x', 'entry: a', 'vars: { s: { type: string } }', 'nodes:', '  a: { type: set, vars: { s: "{{ http.b.status }}" }, next: b }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 5, 'http.b'), "'http.b' is not an http node of this flow");
  });
});

describe('flow compiler: prompts, media and durations', () => {
  it('given a prompt missing for one locale, when compiled, then the problem names the locale and the fallback chain it searched', () => {
    const source = yaml('id: x', 'entry: a', 'locales: [en, fr-CA]', 'nodes:', '  a: { type: play, prompt: only.en, next: b }', '  b: { type: hangup }');
    expectOneError(
      source,
      pos(source, 5, 'only.en'),
      "node 'a': prompt 'only.en' is missing for locale fr-CA (looked in prompts/fr-CA.yaml, prompts/fr.yaml, prompts/default.yaml)",
      { prompts: { en: yaml('only.en: sound:x') } },
    );
  });

  it('given a prompt found through the chain (fr-CA → fr), when compiled, then the flow is valid', () => {
    const source = yaml('id: x', 'entry: a', 'locales: [fr-CA]', 'nodes:', '  a: { type: play, prompt: p, next: b }', '  b: { type: hangup }');
    expect(errorsOf(source, { prompts: { fr: yaml('p: sound:x') } }).errors).toEqual([]);
  });

  it('given media files the checker says are missing, when compiled, then the direct media and the prompt\'s media are reported with where the prompt is', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: play, prompt: [hello, "sound:missing-one", "sound:beep"], next: b }', '  b: { type: hangup }');
    const mediaExists = (uri: string) => (uri === 'sound:beep' ? true : uri === 'sound:missing-one' || uri === 'sound:hello-world' ? false : undefined);
    expect(errorsOf(source, { mediaExists }).errors).toEqual([
      { file: FILE, ...pos(source, 4, 'hello'), message: "node 'a': prompt 'hello' (/fixtures/prompts/default.yaml:1:8) plays sound:hello-world, but no such sound file exists" },
      { file: FILE, ...pos(source, 4, '"sound:missing-one"'), message: "node 'a': sound:missing-one, but no such sound file exists" },
    ]);
  });

  it('given an http timeout of 11s, when compiled, then it is longer than the 10s maximum', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: http, url: "https://x", timeout: 11s, on: { ok: b, error: b, timeout: b } }', '  b: { type: hangup }');
    expectOneError(source, pos(source, 4, '11s'), "node 'a': 11s is longer than the maximum of 10s");
  });

  it('given an http timeout of exactly 10s, when compiled, then it is accepted', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: http, url: "https://x", timeout: 10s, on: { ok: b, error: b, timeout: b } }', '  b: { type: hangup }');
    expect(errorsOf(source).errors).toEqual([]);
  });

  it('given a timezone that is not IANA, when compiled, then it is reported at the value', () => {
    const source = yaml('id: x', 'entry: a', 'timezone: Mars/Olympus', 'nodes:', '  a: { type: hangup }');
    expectOneError(source, pos(source, 3, 'Mars'), "'Mars/Olympus' is not an IANA time zone");
  });
});

describe('flow compiler: graph checks and fallbacks', () => {
  it('given a node nothing leads to, when compiled, then an unreachable warning (the flow still compiles)', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: hangup }', '  lost: { type: hangup }');
    const { result, warnings } = errorsOf(source);
    expect(result.flow).not.toBeNull();
    expect(warnings).toEqual([{ file: FILE, ...pos(source, 5, '{'), message: "node 'lost' is unreachable from entry 'a'", severity: 'warning' }]);
  });

  it('given set → switch → set with maxVisits 0 on both, when compiled, then the instant loop is an error', () => {
    const source = yaml(
      'id: x',
      'entry: a',
      'vars: { n: { type: number } }',
      'nodes:',
      '  a: { type: set, vars: { n: "{{vars.n + 1}}" }, next: s, maxVisits: 0 }',
      '  s:',
      '    type: switch',
      '    maxVisits: 0',
      '    cases: [{ when: "vars.n > 1000", next: b }]',
      '    default: a',
      '  b: { type: hangup }',
    );
    expectOneError(source, pos(source, 5, '{'), 'loop a → s → a never waits for the caller and has no maxVisits: it would spin until limits.maxSteps');
  });

  it('given the same instant loop with a visit limit, when compiled, then it is accepted', () => {
    const source = yaml('id: x', 'entry: a', 'vars: { n: { type: number } }', 'nodes:', '  a: { type: set, vars: { n: "{{vars.n + 1}}" }, next: s, maxVisits: 5, on: { loopExceeded: b } }', '  s: { type: switch, maxVisits: 0, cases: [{ when: "vars.n > 1000", next: b }], default: a }', '  b: { type: hangup }');
    expect(errorsOf(source).errors).toEqual([]);
  });

  it('given a waiting loop with maxVisits 0 everywhere, when compiled, then only a warning', () => {
    const source = yaml('id: x', 'entry: a', 'nodes:', '  a: { type: play, prompt: hello, next: c, maxVisits: 0, on: { error: b } }', '  c: { type: play, prompt: hello, next: a, maxVisits: 0, on: { error: b } }', '  b: { type: hangup }');
    const { result, warnings } = errorsOf(source);
    expect(result.flow).not.toBeNull();
    expect(warnings.map((w) => w.message)).toEqual(["loop a → c → a has maxVisits: 0 on every node; only limits.maxSteps ends it"]);
  });

  it('given outcomes left unwired, when compiled, then each gets a warning saying where it goes and the fallback list has every route', () => {
    const source = yaml(
      'id: x',
      'entry: a',
      'on: { error: b }',
      'defaults: { on: { timeout: b } }',
      'nodes:',
      '  a: { type: http, url: "https://x", on: { ok: m } }',
      '  m: { type: menu, greeting: hello, options: { "1": c } }',
      '  b: { type: hangup }',
      '  c: { type: play, prompt: hello }',
    );
    const { result, warnings } = errorsOf(source);
    expect(warnings).toEqual([
      { file: FILE, ...pos(source, 6, '{'), message: "node 'a': outcome 'timeout' is not wired; it goes to 'b' (defaults.on.timeout)", severity: 'warning' },
      { file: FILE, ...pos(source, 7, '{'), message: "node 'm': outcome 'exhausted' is not wired; it goes to 'b' (flow on.error)", severity: 'warning' },
    ]);
    expect(result.fallbacks).toEqual([
      { nodeId: 'a', outcome: 'error', target: 'b', via: 'flow-error' },
      { nodeId: 'a', outcome: 'timeout', target: 'b', via: 'defaults' },
      { nodeId: 'a', outcome: 'loopExceeded', target: 'b', via: 'flow-error' },
      { nodeId: 'm', outcome: 'exhausted', target: 'b', via: 'flow-error' },
      { nodeId: 'm', outcome: 'error', target: 'b', via: 'flow-error' },
      { nodeId: 'm', outcome: 'loopExceeded', target: 'b', via: 'flow-error' },
      { nodeId: 'c', outcome: 'error', target: 'b', via: 'flow-error' },
      { nodeId: 'c', outcome: 'loopExceeded', target: 'b', via: 'flow-error' },
    ]);
    // A single-exit node without next ends the flow: that is not a fallback.
    expect(result.flow?.nodes.c?.exits.next).toEqual({ target: null, via: 'implicit' });
  });

  it('given nothing routes an outcome, when compiled, then the warning says it goes to the dialplan fallback', () => {
    const source = yaml('id: x', 'entry: m', 'nodes:', '  m: { type: menu, greeting: hello, options: { "1": b } }', '  b: { type: hangup }');
    expect(errorsOf(source).warnings.map((w) => w.message)).toEqual(["node 'm': outcome 'exhausted' is not wired; it goes to the dialplan fallback (nothing routes it)"]);
  });
});

describe('flow compiler: one pass, every problem, in order', () => {
  it('given several problems of different passes, when compiled, then all are reported sorted by line and column', () => {
    const source = yaml('id: x', 'entry: zz', 'nodes:', '  a: { type: play, prompt: nope, next: ghost }', '  b: { type: hangup, colour: 1 }');
    const { errors } = errorsOf(source);
    const wanted: FlowProblem[] = [
      { file: FILE, ...pos(source, 2, 'zz'), message: "entry 'zz' is not a node of this flow" },
      { file: FILE, ...pos(source, 4, 'nope'), message: "node 'a': prompt 'nope' is missing for locale en (looked in prompts/en.yaml, prompts/default.yaml)" },
      { file: FILE, ...pos(source, 4, 'ghost'), message: "node 'a': next goes to 'ghost', which is not a node of this flow" },
      { file: FILE, ...pos(source, 5, 'colour'), message: "node 'b': unknown key 'colour'" },
    ];
    for (const w of wanted) expect(errors).toContainEqual(w);
    const order = errors.map((e) => e.line * 1000 + e.col);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('given a file with errors, when compiled, then flow is null but the id as written is returned (for the catalog)', () => {
    const { result } = errorsOf(yaml('id: keepme', 'entry: zz', 'nodes:', '  a: { type: hangup }'));
    expect(result).toMatchObject({ flow: null, id: 'keepme' });
  });
});

describe('flow compiler: JSON files and versions', () => {
  const source = yaml(
    'id: j',
    'entry: a',
    'vars: { n: { type: number } }',
    'nodes:',
    '  a: { type: play, prompt: hello, next: m }',
    '  m: { type: menu, greeting: menu.main, options: { "1": b }, on: { exhausted: b } }',
    '  b: { type: set, vars: { n: "{{ vars.n + 1 }}" }, next: c }',
    '  c: { type: hangup }',
  );
  const comparable = (flow: unknown) => JSON.stringify({ ...(flow as object), version: null, source: null });

  it('given the same flow as JSON, when compiled, then it compiles to the same flow as the YAML', () => {
    const fromYaml = compileFixture(source);
    const fromJson = compileFixture(JSON.stringify(parse(source), null, 2), { file: '/fixtures/flow.json' });
    expect(fromJson.problems).toEqual([]);
    expect(fromJson.flow?.source.file).toBe('/fixtures/flow.json');
    expect(comparable(fromJson.flow)).toBe(comparable(fromYaml.flow));
  });

  it('given a JSON file with a dangling next, when compiled, then the problem has the JSON line and column', () => {
    const json = JSON.stringify({ id: 'j', entry: 'a', nodes: { a: { type: 'play', prompt: 'hello', next: 'ghost' } } }, null, 2);
    const { errors } = errorsOf(json, { file: FILE });
    const line = json.split('\n').findIndex((l) => l.includes('"ghost"')) + 1;
    expect(errors).toEqual([{ file: FILE, ...pos(json, line, '"ghost"'), message: "node 'a': next goes to 'ghost', which is not a node of this flow" }]);
  });

  it('given the same inputs, when compiled twice, then the version is the same', () => {
    expect(compileFixture(source).flow?.version).toBe(compileFixture(source).flow?.version);
  });

  it('given a prompt the flow uses changes, when compiled, then the version changes', () => {
    const changed = { ...FIXTURE_PROMPTS, default: FIXTURE_PROMPTS.default!.replace('hello: sound:hello-world', 'hello: sound:hello-there') };
    expect(compileFixture(source, { prompts: changed }).flow?.version).not.toBe(compileFixture(source).flow?.version);
  });

  it('given a prompt the flow does not use changes, when compiled, then the version stays', () => {
    const changed = { ...FIXTURE_PROMPTS, default: FIXTURE_PROMPTS.default!.replace('goodbye: sound:vm-goodbye', 'goodbye: sound:bye-bye') };
    expect(compileFixture(source, { prompts: changed }).flow?.version).toBe(compileFixture(source).flow?.version);
  });

  it('given a calendar the flow uses changes, when compiled, then the version changes', () => {
    const hours = yaml('id: h', 'entry: a', 'nodes:', '  a: { type: hours, calendar: office, on: { open: b, closed: b } }', '  b: { type: hangup }');
    const changed = { office: FIXTURE_CALENDARS.office!.replace('09:00-17:00', '08:00-17:00') };
    expect(compileFixture(hours, { calendars: changed }).flow?.version).not.toBe(compileFixture(hours).flow?.version);
  });

  it('given the flow source changes (a comment), when compiled, then the version changes', () => {
    expect(compileFixture(`# edited\n${source}`).flow?.version).not.toBe(compileFixture(source).flow?.version);
  });

  it('given a compiled flow, when inspected, then uses lists the prompts, calendars and flows it depends on', () => {
    expect(compileFixture(source).uses).toEqual({ prompts: ['hello', 'menu.main'], calendars: [], flows: [] });
  });
});
