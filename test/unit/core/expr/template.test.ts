import { describe, expect, it } from 'vitest';
import { ExpressionError, type ExprScope } from '../../../../src/core/expr/expression.js';
import { compileTemplate, type CompiledTemplate } from '../../../../src/core/expr/template.js';

function compile(source: string, roots?: readonly string[]): CompiledTemplate {
  const c = compileTemplate(source, roots);
  if (!c.ok) throw new Error(`${source}: ${c.message} at ${c.offset}`);
  return c.value;
}

const scope: ExprScope = {
  vars: { n: 5, price: 2.5, name: 'Ada', ok: true, none: null, obj: { a: 1, b: [true, 'x'] }, list: [1, 2] },
  input: { digits: '42' },
};

describe('render', () => {
  it.each<[string, string]>([
    ['Hello {{ vars.name }}!', 'Hello Ada!'],
    ['{{vars.n}} items at {{ vars.price }}', '5 items at 2.5'],
    ['total {{ vars.n * vars.price }}', 'total 12.5'],
    ['{{ vars.n + 1 }}', '6'],
    ['flag={{ vars.ok }}', 'flag=true'],
    ['[{{ vars.none }}]', '[]'],
    ['{{ vars.obj }}', '{"a":1,"b":[true,"x"]}'],
    ['{{ vars.list }}', '[1,2]'],
    ['{{ vars.name }}{{ input.digits }}', 'Ada42'],
    ['{{ {"k": "}}"}.k }}', '}}'],
    ['{{ {"a": {"b": 1}}.a.b }}', '1'],
    ['{{ "{{" + vars.name }}', '{{Ada'],
    ["{{ 'it\\'s }}' + vars.name }}", "it's }}Ada"],
    ['{{ """a "}}" b""" }}', 'a "}}" b'],
    ['a }} b', 'a }} b'],
    ['literal \\{{ vars.name }}', 'literal {{ vars.name }}'],
    ['\\{{ {{ vars.name }}', '{{ Ada'],
    ['back\\slash {{ vars.n }}', 'back\\slash 5'],
    ['{{ vars.n > 3 ? "many" : "few" }}', 'many'],
    ['', ''],
  ])('%j → %j', (source, expected) => {
    expect(compile(source).render(scope)).toBe(expected);
  });
});

describe('value', () => {
  it.each<[string, unknown]>([
    ['{{ vars.n }}', 5],
    ['  {{ vars.ok }}\n', true],
    ['{{ vars.price * 2 }}', 5],
    ['{{ vars.obj }}', { a: 1, b: [true, 'x'] }],
    ['{{ vars.none }}', null],
    ['{{ vars.n }} ', 5],
    ['n={{ vars.n }}', 'n=5'],
    ['{{ vars.n }}{{ vars.n }}', '55'],
    ['plain text', 'plain text'],
    ['\\{{ x }}', '{{ x }}'],
  ])('%j → %j', (source, expected) => {
    expect(compile(source).value(scope)).toEqual(expected);
  });

  it('marks strings without holes as constant', () => {
    expect(compile('plain').isConstant).toBe(true);
    expect(compile('a }} b').isConstant).toBe(true);
    expect(compile('\\{{ escaped }}').isConstant).toBe(true);
    expect(compile('{{ vars.n }}').isConstant).toBe(false);
    expect(compile('plain').value({})).toBe('plain');
  });
});

describe('compile errors', () => {
  it.each<[string, number, string | RegExp]>([
    ['Hi {{ vars.name', 3, "'{{' without a closing '}}'"],
    ['Hi {{ vars.name }} and {{ more', 23, "'{{' without a closing '}}'"],
    ['x {{ }}', 2, "empty '{{ }}'"],
    ['x {{}}', 2, "empty '{{ }}'"],
    ['Hi {{ foo.bar }}', 6, /^unknown variable 'foo' \(known: caller, call, vars/],
    ['Hi {{ vars.a && }}', 16, /Unexpected token/],
    ['ok {{ vars.a }} then {{ "a" * 2 }}', 24, 'no such overload: string * int'],
    ['{{ "open }}', 3, /string|quote/i],
  ])('%j → offset %i', (source, offset, message) => {
    const c = compileTemplate(source);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.offset).toBe(offset);
    expect(c.message).toMatch(message);
    expect(c.message).not.toContain('\n');
  });

  it('passes custom roots through', () => {
    expect(compile('{{ item.n }}', ['item']).value({ item: { n: 2 } })).toBe(2);
    expect(compileTemplate('{{ vars.n }}', ['item'])).toMatchObject({ ok: false, offset: 3 });
  });
});

describe('runtime errors', () => {
  it.each<[string, number, string | RegExp]>([
    ['Hi {{ vars.missing }}', 11, 'No such key: missing'],
    ['{{ vars.n }} and {{ vars.name * 2 }}', 20, 'no such overload: string * int'],
    ['  {{ vars.nope }}', 10, 'No such key: nope'],
  ])('%j → offset %i', (source, offset, message) => {
    const t = compile(source);
    for (const run of [() => t.render(scope), () => t.value(scope)]) {
      let caught: unknown;
      try {
        run();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ExpressionError);
      expect((caught as ExpressionError).offset).toBe(offset);
      expect((caught as ExpressionError).message).toMatch(message);
    }
  });
});

describe('references', () => {
  it.each<[string, [string[], number][]]>([
    ['Hi {{ vars.name }}, {{ input.digits.size() }} digits', [[['vars', 'name'], 6], [['input', 'digits'], 23]]],
    ['{{vars.a + vars.b.c}}', [[['vars', 'a'], 2], [['vars', 'b', 'c'], 11]]],
    ['no holes', []],
  ])('%j', (source, expected) => {
    expect(compile(source).references).toEqual(expected.map(([path, offset]) => ({ path, offset })));
  });
});
