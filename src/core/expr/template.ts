import {
  compileExpression,
  EXPRESSION_ROOTS,
  ExpressionError,
  type Compiled,
  type CompiledExpression,
  type ExprReference,
  type ExprScope,
} from './expression.js';
import { stringify } from './scope-values.js';

// Templates are strings with `{{ expr }}` holes, each hole a CEL expression (see expression.ts).
// `\{{` writes a literal `{{` (the backslash is dropped); no other escapes exist, so a backslash
// anywhere else is kept as written. `}}` outside a hole is plain text.

export interface CompiledTemplate {
  source: string;
  /** True when the string has no {{ }} at all. */
  isConstant: boolean;
  /** Renders to a string: each {{ expr }} evaluated and stringified (numbers plain, booleans true/false, null -> '', objects JSON). Throws ExpressionError. */
  render(scope: ExprScope): string;
  /** When the whole string is exactly one {{ expr }} (whitespace around allowed), returns the typed value (bool/number/object); otherwise the rendered string; a constant returns the source as is. */
  value(scope: ExprScope): unknown;
  references: ExprReference[]; // offsets relative to the template source string
}

/** A hole's expression and where its source (just after `{{`) starts in the template. */
type Part = string | { expr: CompiledExpression; start: number };

export function compileTemplate(
  source: string,
  roots: readonly string[] = EXPRESSION_ROOTS,
): Compiled<CompiledTemplate> {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  for (let open = source.indexOf('{{'); open >= 0; open = source.indexOf('{{', i)) {
    if (source[open - 1] === '\\') {
      text += source.slice(i, open - 1) + '{{';
      i = open + 2;
      continue;
    }
    text += source.slice(i, open);
    const start = open + 2;
    const close = findClose(source, start);
    if (close < 0) return { ok: false, offset: open, message: "'{{' without a closing '}}'" };
    const inner = source.slice(start, close);
    if (inner.trim() === '') return { ok: false, offset: open, message: "empty '{{ }}'" };
    const compiled = compileExpression(inner, roots);
    if (!compiled.ok) return { ok: false, offset: start + compiled.offset, message: compiled.message };
    if (text) parts.push(text);
    text = '';
    parts.push({ expr: compiled.value, start });
    i = close + 2;
  }
  text += source.slice(i);
  if (text) parts.push(text);
  return { ok: true, value: build(source, parts) };
}

function build(source: string, parts: Part[]): CompiledTemplate {
  const holes = parts.filter((p) => typeof p !== 'string');
  const references = holes.flatMap((h) => h.expr.references.map((r) => ({ path: r.path, offset: h.start + r.offset })));
  const evaluate = (hole: { expr: CompiledExpression; start: number }, scope: ExprScope): unknown => {
    try {
      return hole.expr.evaluate(scope);
    } catch (err) {
      if (err instanceof ExpressionError) throw new ExpressionError(err.message, hole.start + err.offset);
      throw err;
    }
  };
  const render = (scope: ExprScope): string => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : stringify(evaluate(p, scope));
    return out;
  };
  // Whitespace around a lone hole is YAML layout, not content: `"{{ vars.n }}"` should stay a number.
  const lone = holes.length === 1 && parts.every((p) => typeof p !== 'string' || p.trim() === '') ? holes[0] : undefined;
  const constant = holes.length === 0 ? parts.join('') : undefined;
  return {
    source,
    isConstant: constant !== undefined,
    references,
    render: constant !== undefined ? () => constant : render,
    value: constant !== undefined ? () => constant : lone ? (scope) => evaluate(lone, scope) : render,
  };
}

/**
 * Index of the `}}` closing a hole whose expression starts at `from`, or -1. Braces of CEL map
 * literals and string literals are skipped so `{{ {"a": "}}"} }}` closes at the last `}}`.
 */
function findClose(s: string, from: number): number {
  let depth = 0;
  for (let k = from; k < s.length; k++) {
    const c = s[k];
    if (c === '"' || c === "'") {
      const end = skipString(s, k);
      // An unterminated string: close at the next `}}` and let the CEL parser name the real problem.
      if (end < 0) return s.indexOf('}}', k);
      k = end;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0 && s[k + 1] === '}') return k;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

/**
 * Index of the last quote of the CEL string literal opening at `k`, or -1. Like the cel-js lexer, a
 * backslash always skips the next character, even in raw strings, so both agree where a string ends.
 */
function skipString(s: string, k: number): number {
  const q = s[k]!;
  const delim = s.startsWith(q.repeat(3), k) ? q.repeat(3) : q;
  for (let j = k + delim.length; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s.startsWith(delim, j)) return j + delim.length - 1;
  }
  return -1;
}
