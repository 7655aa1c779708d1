// Bridges plain JS values and cel-js values. Flow data arrives as JSON, where every number is a JS
// number; cel-js treats JS numbers as CEL doubles and only BigInts as ints, so `vars.count + 1`
// would fail with "no such overload: double + int". Integral numbers therefore become BigInts on the
// way in and every BigInt becomes a number on the way out, so callers never see CEL's representation.

/** Deeper than any flow data we expect; a cycle or a pathological HTTP body ends here instead of overflowing the stack. */
const MAX_DEPTH = 64;

export class ScopeDepthError extends Error {}

export function toCel(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) throw new ScopeDepthError(`value nested deeper than ${MAX_DEPTH} levels`);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, depth + 1));
  if (value instanceof Map) {
    return new Map(Array.from(value, ([k, v]) => [toCel(k, depth + 1), toCel(v, depth + 1)]));
  }
  // Any other object (plain, class instance, null-prototype) is read as a map of its own
  // enumerable fields; fromEntries defines keys, so a JSON "__proto__" key cannot reach a prototype.
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toCel(v, depth + 1)]));
}

/**
 * The parts of a value an expression can read: `full` where the expression uses the whole value
 * (a bare path, a macro receiver, an index that is not a string literal), otherwise only the named
 * fields. Converting just these keeps a condition on `response.body.tier` from copying a large body.
 */
export interface Selection {
  full: boolean;
  fields: Map<string, Selection>;
}

/** One Selection per root from the dotted paths (root first) an expression references. */
export function selectionOf(paths: readonly (readonly string[])[]): Map<string, Selection> {
  const roots = new Map<string, Selection>();
  for (const [root, ...rest] of paths) {
    let sel = roots.get(root!) ?? { full: false, fields: new Map() };
    roots.set(root!, sel);
    for (const key of rest) {
      let next = sel.fields.get(key);
      if (!next) sel.fields.set(key, (next = { full: false, fields: new Map() }));
      sel = next;
    }
    sel.full = true;
  }
  return roots;
}

/** toCel restricted to a Selection. A field the value lacks stays absent, so `has()` and "no such key" behave as on the whole value. */
export function toCelSelected(value: unknown, sel: Selection, depth = 0): unknown {
  if (sel.full || value === null || typeof value !== 'object') return toCel(value, depth);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return toCel(value, depth);
  if (depth >= MAX_DEPTH) throw new ScopeDepthError(`value nested deeper than ${MAX_DEPTH} levels`);
  const out: [string, unknown][] = [];
  for (const [key, child] of sel.fields) {
    if (Object.hasOwn(value, key)) out.push([key, toCelSelected((value as Record<string, unknown>)[key], child, depth + 1)]);
  }
  return Object.fromEntries(out);
}

export function fromCel(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries(Array.from(value, ([k, v]) => [String(fromCel(k)), fromCel(v)]));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
  }
  // CEL-only values (uint, duration, type): their own string form is the readable one.
  const prim: unknown = (value as { valueOf(): unknown }).valueOf();
  return typeof prim === 'bigint' ? Number(prim) : String(value);
}

/** The CEL type name of a raw cel-js value, for error messages. */
export function celTypeName(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'timestamp';
  const proto: unknown = Object.getPrototypeOf(value);
  if (value instanceof Map || proto === Object.prototype || proto === null) return 'map';
  return (value as object).constructor.name.toLowerCase();
}

/** Template text for one value: numbers plain, null empty, containers as JSON. */
export function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return JSON.stringify(value);
}
