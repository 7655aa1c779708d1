import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  EXPRESSION_ROOTS,
  evaluateCondition,
  ExpressionError,
  type CompiledExpression,
  type ExprScope,
} from '../../../../src/core/expr/expression.js';

function compile(source: string, roots?: readonly string[]): CompiledExpression {
  const c = compileExpression(source, roots);
  if (!c.ok) throw new Error(`${source}: ${c.message} at ${c.offset}`);
  return c.value;
}

function evalError(source: string, scope: ExprScope): ExpressionError {
  try {
    compile(source).evaluate(scope);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`${source} did not fail`);
}

const scope: ExprScope = {
  vars: { n: 5, price: 2.5, lang: 'fr', count: 0, items: [{ a: 1 }, { a: 2 }], nested: [[1, 2], [3]], x: null },
  input: { digits: '912346' },
  response: { body: { tier: 'gold', points: 1200 } },
  caller: { number: '+33612345678' },
};

describe('compileExpression / evaluate', () => {
  it.each<[string, unknown]>([
    ['vars.n + 1', 6],
    ['vars.count + 1', 1],
    ['vars.price * 2', 5],
    ['2 * vars.price', 5],
    ['vars.price - 1', 1.5],
    ['vars.n / 2.0', 2.5],
    ['vars.n / 2', 2], // CEL int division truncates
    ['vars.n + 0.5 > vars.n', true],
    ['vars.n > 1.5', true],
    ['vars.n == 5.0', true],
    ['int(input.digits) % 2 == 0', true],
    ['size(input.digits) >= 6', true],
    ['input.digits.matches("^9[0-9]+$")', true],
    ['caller.number.startsWith("+33")', true],
    ['response.body.tier == "gold"', true],
    ['response.body.points >= 1000 && response.body.tier != "silver"', true],
    ['has(vars.x)', true],
    ['has(vars.y)', false],
    ['"count: " + string(vars.n)', 'count: 5'],
    ['vars.lang in ["fr", "en"]', true],
    ['vars.lang in ["de"]', false],
    ['vars.n > 3 ? "big" : "small"', 'big'],
    ['vars.n > 9 ? "big" : "small"', 'small'],
    ['vars.items.map(i, i.a * 10)', [10, 20]],
    ['vars.items.exists(i, i.a == 2)', true],
    ['vars.nested[0][1]', 2],
    ['vars["lang"]', 'fr'],
    ['{"n": vars.n, "l": [1, 2.5, "x"]}', { n: 5, l: [1, 2.5, 'x'] }],
    ['vars.x', null],
    ['cel.bind(t, vars.n * 2, t + 1)', 11],
    ['1 + 1.5', 2.5],
  ])('%s', (source, expected) => {
    expect(compile(source).evaluate(scope)).toEqual(expected);
  });

  it('returns plain JS values: numbers, plain objects, arrays, ISO strings', () => {
    const value = compile('{"a": [1, 2], "b": {"c": 3}, "t": timestamp("2024-01-01T00:00:00Z")}').evaluate({});
    expect(value).toEqual({ a: [1, 2], b: { c: 3 }, t: '2024-01-01T00:00:00.000Z' });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(typeof (value as { a: unknown[] }).a[0]).toBe('number');
    expect(compile('vars.obj').evaluate({ vars: { obj: { deep: [{ k: 7 }] } } })).toEqual({ deep: [{ k: 7 }] });
  });

  it('converts scope values: undefined as null, Dates as ISO strings, unsafe integers as doubles', () => {
    const s = { vars: { u: undefined, d: new Date(Date.UTC(2024, 0, 2)), big: 2 ** 60, m: new Map([['k', 1]]) } };
    expect(compile('vars.u == null').evaluate(s)).toBe(true);
    expect(compile('has(vars.u)').evaluate(s)).toBe(true);
    expect(compile('vars.d').evaluate(s)).toBe('2024-01-02T00:00:00.000Z');
    expect(compile('vars.d.startsWith("2024")').evaluate(s)).toBe(true);
    expect(compile('vars.big + 1.0').evaluate(s)).toBe(2 ** 60);
    expect(compile('vars.m.k + 1').evaluate(s)).toBe(2);
  });

  it('treats a root missing from the scope as null', () => {
    expect(compile('vars == null').evaluate({})).toBe(true);
  });

  it('does not modify the scope', () => {
    const s = { vars: { n: 1, list: [1, 2] } };
    compile('vars.n + size(vars.list)').evaluate(s);
    expect(s).toEqual({ vars: { n: 1, list: [1, 2] } });
    expect(typeof s.vars.n).toBe('number');
  });

  it('reads only the referenced parts of the scope', () => {
    const body = { tier: 'gold' };
    Object.defineProperty(body, 'huge', { enumerable: true, get: () => { throw new Error('huge was read'); } });
    expect(compile('response.body.tier == "gold"').evaluate({ response: { body }, vars: { n: 1 } })).toBe(true);
    expect(() => compile('size(response.body) > 0').evaluate({ response: { body } })).toThrow('huge was read');
  });

  it('accepts other root sets', () => {
    expect(compile('item.price * 2', ['item']).evaluate({ item: { price: 3 } })).toBe(6);
    expect(compileExpression('vars.a', ['item'])).toEqual({
      ok: false,
      offset: 0,
      message: "unknown variable 'vars' (known: item)",
    });
  });
});

describe('compile errors', () => {
  const known = EXPRESSION_ROOTS.join(', ');
  it.each<[string, number, string | RegExp]>([
    ['foo.bar', 0, `unknown variable 'foo' (known: ${known})`],
    ['vars.a + foo', 9, `unknown variable 'foo' (known: ${known})`],
    ['vars.items.map(i, j)', 18, /unknown variable 'j'/],
    ['vars.a &&', 9, 'Unexpected token: end of expression'],
    ['vars.a + + 1', 9, /Unexpected token/],
    ['', 0, /Unexpected token/],
    ['vars.a ==', 9, /Unexpected token/],
    ['"unterminated', 0, /nterminated|string/i],
    ['"a" * 1000000', 0, 'no such overload: string * int'],
    ['"a" + 1', 0, 'no such overload: string + int'],
    ['size(1)', 0, /no matching overload/],
    ['nosuch(vars.a)', 0, /nosuch/],
    ['vars.a.\nb +', 11, /Unexpected token/],
    ['vars.n % 2.0 == 1', 0, /no such overload/], // CEL defines % on ints only
  ])('%j → offset %i', (source, offset, message) => {
    const c = compileExpression(source);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.offset).toBe(offset);
    expect(c.message).toMatch(message);
    expect(c.message).not.toContain('\n');
  });
});

describe('runtime errors', () => {
  it.each<[string, ExprScope, number, string | RegExp]>([
    ['vars.missing', scope, 5, 'No such key: missing'],
    ['response.body.nope == 1', scope, 14, 'No such key: nope'],
    ['vars.lang * 2', scope, 0, 'no such overload: string * int'],
    ['vars.lang + 1', scope, 0, 'no such overload: string + int'],
    ['int(vars.lang) > 1', scope, 0, /cannot convert to int/],
    ['vars.n / 0', scope, 0, 'division by zero'],
    ['input.digits.matches("(")', scope, 0, /Invalid regular expression/],
    ['vars.items[5]', scope, 0, /out of bounds/],
  ])('%s → offset %i', (source, s, offset, message) => {
    const err = evalError(source, s);
    expect(err.offset).toBe(offset);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n|dyn</);
  });

  it('reports a cyclic or absurdly deep scope value instead of overflowing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const err = evalError('  vars.c', { vars: { c: cyclic } });
    expect(err.message).toMatch(/nested deeper/);
    expect(err.offset).toBe(2);
  });
});

describe('evaluateCondition', () => {
  it.each<[string, boolean]>([
    ['vars.n == 5', true],
    ['vars.n != 5', false],
    ['has(vars.lang) && vars.lang == "fr"', true],
  ])('%s → %s', (source, expected) => {
    expect(evaluateCondition(compile(source), scope)).toBe(expected);
  });

  it.each<[string, string]>([
    ['vars.n', 'int'],
    ['vars.price', 'double'],
    ['vars.lang', 'string'],
    ['vars.x', 'null'],
    ['vars.items', 'list'],
    ['response.body', 'map'],
  ])('%s is not a condition (%s)', (source, type) => {
    expect(() => evaluateCondition(compile(source), scope)).toThrow(
      new ExpressionError(`condition must be true or false, got ${type}`, 0),
    );
  });
});

describe('references', () => {
  it.each<[string, [string[], number][]]>([
    ['vars.a + vars.b.c', [[['vars', 'a'], 0], [['vars', 'b', 'c'], 9]]],
    ['has(vars.x) ? input.digits : ""', [[['vars', 'x'], 4], [['input', 'digits'], 14]]],
    ['vars["a"].b', [[['vars', 'a', 'b'], 0]]],
    ['vars.m[input.key]', [[['vars', 'm'], 0], [['input', 'key'], 7]]],
    ['vars.list[0].name', [[['vars', 'list'], 0]]],
    ['size(vars)', [[['vars'], 5]]],
    ['vars.items.map(i, i.a + vars.n)', [[['vars', 'items'], 0], [['vars', 'n'], 24]]],
    ['vars.items.map(vars, vars.a)', [[['vars', 'items'], 0]]],
    ['cel.bind(t, vars.a, t.b + call.id)', [[['vars', 'a'], 12], [['call', 'id'], 26]]],
    ['input.digits.size() > 3', [[['input', 'digits'], 0]]],
    ['1 + 2', []],
  ])('%s', (source, expected) => {
    expect(compile(source).references).toEqual(expected.map(([path, offset]) => ({ path, offset })));
  });
});

describe('hostile expressions', () => {
  it('rejects deep nesting and huge expressions at compile time', () => {
    const nested = compileExpression('('.repeat(5000) + '1' + ')'.repeat(5000));
    expect(nested).toMatchObject({ ok: false, message: expect.stringMatching(/maxDepth/) });
    const long = compileExpression('1' + ' + 1'.repeat(5000));
    expect(long).toMatchObject({ ok: false, message: expect.stringMatching(/maxAstNodes/) });
  });

  it('cannot reach JS prototypes or constructors', () => {
    expect(evalError('vars.constructor', { vars: {} }).message).toMatch(/No such key/);
    expect(compile('has(vars.constructor)').evaluate({ vars: {} })).toBe(false);
    const fromJson = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    compile('vars').evaluate({ vars: fromJson });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('evaluates nested comprehensions over large lists in bounded time', () => {
    const list = Array.from({ length: 300 }, (_, i) => i);
    const expr = compile('vars.l.map(a, vars.l.filter(b, b < a).size()).size()');
    expect(expr.evaluate({ vars: { l: list } })).toBe(300);
  });

  it('runs on a library that never generates code', () => {
    const lib = dirname(createRequire(import.meta.url).resolve('@marcbachmann/cel-js'));
    for (const file of readdirSync(lib).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(lib, file), 'utf8');
      expect(text, file).not.toMatch(/\beval\s*\(|new\s+Function\b|\bFunction\s*\(/);
    }
  });
});

describe('speed', () => {
  it('compiles hundreds of expressions and evaluates reused ones quickly', () => {
    const started = performance.now();
    const compiled = Array.from({ length: 500 }, (_, i) => compile(`vars.n + ${i} > 3 && input.digits.matches("^9")`));
    for (let i = 0; i < 20_000; i++) compiled[i % 500]!.evaluate(scope);
    // Generous bound: catches re-parsing per evaluation or whole-scope copies, not machine jitter.
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
