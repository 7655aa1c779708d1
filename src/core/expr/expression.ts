import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { environmentFor } from './cel-env.js';
import { celTypeName, fromCel, ScopeDepthError, selectionOf, toCelSelected } from './scope-values.js';

// Flow expressions are CEL (https://github.com/google/cel-spec) evaluated by cel-js, which walks
// its own AST and never generates JS code, and CEL has no loops or recursion, so an admin-written
// expression can neither run arbitrary code nor hang (regular expressions in `matches` are the one
// place where a pathological pattern on a long input can still be slow).

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export type ExprScope = Record<string, unknown>;
export type Compiled<T> = { ok: true; value: T } | { ok: false; offset: number; message: string };
export interface ExprReference {
  path: string[];
  offset: number;
}

export interface CompiledExpression {
  source: string;
  /** Evaluates against a scope; throws ExpressionError (with a readable message) on runtime errors such as a missing key or a type mismatch. Results are plain JS: BigInt results become number, CEL maps become plain objects, lists arrays. */
  evaluate(scope: ExprScope): unknown;
  /** Dotted variable paths the expression reads, with the character offset of each, e.g. {path:['vars','account'], offset: 5}. Used by the flow validator to check that vars.X is declared. */
  references: ExprReference[];
}

export const EXPRESSION_ROOTS = ['caller', 'call', 'vars', 'input', 'response', 'http', 'queue', 'now'] as const;

/** Evaluates without converting the result, so callers can still tell CEL int from double. */
const rawEvaluators = new WeakMap<CompiledExpression, (scope: ExprScope) => unknown>();

/** Parse once at flow-compile time. Unknown root identifiers (anything not in `roots`, default EXPRESSION_ROOTS) are a compile error at their offset. Syntax errors give the offset (0-based char index in source) and a one-line message (no multi-line caret art). */
export function compileExpression(
  source: string,
  roots: readonly string[] = EXPRESSION_ROOTS,
): Compiled<CompiledExpression> {
  let program: ParseResult;
  const references: ExprReference[] = [];
  try {
    program = environmentFor(roots).parse(source);
    // Type-checking once here catches literal mistakes (`"a" * 3`) at flow-compile time, and
    // cel-js skips its per-evaluation check for an AST that has already been checked.
    const checked = program.check();
    if (!checked.valid) throw checked.error;
    collectReferences(program.ast, new Set(roots), new Set(), references);
  } catch (err) {
    const e = toExpressionError(err, source, roots);
    return { ok: false, offset: e.offset, message: e.message };
  }

  references.sort((a, b) => a.offset - b.offset);
  const selection = [...selectionOf(references.map((r) => r.path))];

  const raw = (scope: ExprScope): unknown => {
    const ctx: Record<string, unknown> = {};
    for (const [root, sel] of selection) {
      try {
        ctx[root] = Object.hasOwn(scope, root) ? toCelSelected(scope[root], sel) : null;
      } catch (err) {
        if (err instanceof ScopeDepthError) {
          throw new ExpressionError(`${root}: ${err.message}`, references.find((r) => r.path[0] === root)?.offset ?? 0);
        }
        throw err;
      }
    }
    try {
      return program(ctx);
    } catch (err) {
      throw toExpressionError(err, source, roots);
    }
  };
  const compiled: CompiledExpression = { source, references, evaluate: (scope) => fromCel(raw(scope)) };
  rawEvaluators.set(compiled, raw);
  return { ok: true, value: compiled };
}

/** Truthiness for conditions: only boolean true is true; a non-boolean result is an ExpressionError("condition must be true or false, got <type>"). */
export function evaluateCondition(expr: CompiledExpression, scope: ExprScope): boolean {
  const raw = rawEvaluators.get(expr);
  const value = raw ? raw(scope) : expr.evaluate(scope);
  if (typeof value !== 'boolean') {
    throw new ExpressionError(`condition must be true or false, got ${celTypeName(value)}`, 0);
  }
  return value;
}

interface CelErrorShape {
  code?: string;
  summary?: string;
  range?: { start: number; end: number };
}

function toExpressionError(err: unknown, source: string, roots: readonly string[]): ExpressionError {
  if (err instanceof ExpressionError) return err;
  // The node budget should prevent it, but a stack overflow must still surface as a flow error.
  if (err instanceof RangeError && /call stack/i.test(err.message)) return new ExpressionError('expression is too deeply nested', 0);
  if (!(err instanceof Error)) return new ExpressionError(String(err), 0);
  const cel = err as Error & CelErrorShape;
  const offset = cel.range?.start ?? 0;
  if (cel.code === 'unknown_variable' && cel.range) {
    const name = source.slice(cel.range.start, cel.range.end);
    return new ExpressionError(`unknown variable '${name}' (known: ${roots.join(', ')})`, offset);
  }
  return new ExpressionError(readable(cel.summary ?? err.message), offset);
}

/** cel-js messages carry a caret excerpt after the first line and name runtime types as dyn<T>; admins need neither. */
function readable(summary: string): string {
  let line = summary.split('\n', 1)[0]!.trim().replace(/\bEOF\b/, 'end of expression');
  for (let prev = ''; prev !== line; ) {
    prev = line;
    line = line.replace(/dyn<([^<>]*)>/g, '$1');
  }
  return line;
}

// Comprehension macros bind their first argument for the remaining ones; cel.bind(name, init, body)
// binds name in body only. A bound name shadows a root, so it is not a reference.
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function collectReferences(node: ASTNode, roots: Set<string>, bound: Set<string>, out: ExprReference[]): void {
  const path = pathOf(node);
  if (path) {
    if (roots.has(path.path[0]!) && !bound.has(path.path[0]!)) out.push(path);
    return;
  }
  const walk = (n: ASTNode, b = bound): void => collectReferences(n, roots, b, out);
  switch (node.op) {
    case 'value':
    case 'id':
      return;
    case '.':
    case '.?':
      return walk(node.args[0]);
    case '!_':
    case '-_':
      return walk(node.args);
    case 'call':
      return node.args[1].forEach((a) => walk(a));
    case 'rcall': {
      const [name, receiver, args] = node.args;
      walk(receiver);
      const [first, ...rest] = args;
      if (first?.op === 'id' && (COMPREHENSIONS.has(name) || (name === 'bind' && isCel(receiver)))) {
        const inner = new Set(bound).add(first.args);
        if (name === 'bind' && rest[0]) walk(rest.shift()!);
        return rest.forEach((a) => walk(a, inner));
      }
      return args.forEach((a) => walk(a));
    }
    case 'list':
      return node.args.forEach((a) => walk(a));
    case 'map':
      return node.args.forEach(([k, v]) => (walk(k), walk(v)));
    default:
      return node.args.forEach((a) => walk(a));
  }
}

function isCel(node: ASTNode): boolean {
  return node.op === 'id' && node.args === 'cel';
}

/** `a.b["c"]` as ['a', 'b', 'c'] with the offset of `a`; undefined when not a plain path. */
function pathOf(node: ASTNode): ExprReference | undefined {
  switch (node.op) {
    case 'id':
      return { path: [node.args], offset: node.pos };
    case '.': {
      const inner = pathOf(node.args[0]);
      inner?.path.push(node.args[1]);
      return inner;
    }
    case '[]': {
      const [obj, key] = node.args;
      if (key.op !== 'value' || typeof key.args !== 'string') return undefined;
      const inner = pathOf(obj);
      inner?.path.push(key.args);
      return inner;
    }
    default:
      return undefined;
  }
}
