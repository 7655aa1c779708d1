// `${env:FLOW_NAME}` written in a flow's own text becomes a marker that no caller data can
// produce (control characters are stripped from the values rendered into a request), so only the
// flow author decides where a secret goes. The shell swaps markers for values at the last moment.
const MARK = '\u0001';
const IN_SOURCE = /\$\{env:([A-Z][A-Z0-9_]*)\}/g;

export function markSecrets(source: string): string {
  return source.replace(IN_SOURCE, (_m, name: string) => secretRef(name));
}

export function secretRef(name: string): string {
  return `${MARK}${name}${MARK}`;
}

/** A deep copy with the marker character removed from every string. */
export function withoutMarks(value: unknown): unknown {
  if (typeof value === 'string') return value.includes(MARK) ? value.split(MARK).join('') : value;
  if (Array.isArray(value)) return value.map(withoutMarks);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutMarks(v)]));
  return value;
}
