import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';

export interface FlowProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** 'warning' problems (implicit fallbacks, say) are reported but do not reject the file. */
  severity?: 'error' | 'warning';
}

export class FlowError extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'FlowError';
  }
}

export function formatProblem(p: FlowProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

export type YamlPath = (string | number)[];

/** A parsed flow-format file (YAML strict subset, or JSON) that can point at any of its parts. */
export interface SourceFile {
  file: string;
  raw: unknown;
  /** Problems found while parsing; when any is an error, `raw` must not be trusted. */
  problems: FlowProblem[];
  /** Position of the value at `path` (the nearest existing parent when it is missing). */
  at(path: YamlPath): { line: number; col: number };
  /** Position of the key `key` inside the map at `path` (for unknown-key errors). */
  keyAt(path: YamlPath, key: string): { line: number; col: number };
  /** Position of a character offset inside the string value at `path` (for expression errors). */
  inside(path: YamlPath, offset: number): { line: number; col: number };
  /** Shorthand: an error problem at `path`. */
  problem(path: YamlPath, message: string, severity?: 'error' | 'warning'): FlowProblem;
}

/**
 * Parses with yaml@2 keeping positions. The format is a strict subset: anchors, aliases, merge
 * keys and custom tags make files hard to read and diff, so they are errors. JSON is YAML too.
 */
export function parseSource(file: string, source: string): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false, customTags: [] });
  const pos = (offset: number | undefined) => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, col: p.col };
  };
  const problems: FlowProblem[] = doc.errors.map((e) => ({ file, ...pos(e.pos[0]), message: firstLine(e.message) }));
  for (const w of doc.warnings) problems.push({ file, ...pos(w.pos[0]), message: firstLine(w.message) });
  for (const offset of strictViolations(doc)) problems.push({ file, ...pos(offset.at), message: offset.message });
  const raw: unknown = problems.length === 0 ? doc.toJS() : null;

  const nodeAt = (path: YamlPath) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return node;
    }
    return undefined;
  };
  const at = (path: YamlPath) => pos(nodeAt(path)?.range?.[0]);
  const keyAt = (path: YamlPath, key: string) => {
    const map = doc.getIn(path, true);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined;
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    return range ? pos(range[0]) : at(path);
  };
  const inside = (path: YamlPath, offset: number) => {
    const node = doc.getIn(path, true);
    if (!isScalar(node) || !node.range) return at(path);
    // Plain scalars start at the first character, quoted ones one later. Block scalars are rare in
    // expressions; their position is the start of the value.
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return pos(node.range[0]);
    return pos(node.range[0] + quoted + offset);
  };
  return {
    file,
    raw,
    problems,
    at,
    keyAt,
    inside,
    problem: (path, message, severity = 'error') => ({ file, ...at(path), message, ...(severity === 'warning' ? { severity } : {}) }),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function strictViolations(doc: Document): { at: number; message: string }[] {
  const found: { at: number; message: string }[] = [];
  visit(doc, {
    Alias(_key, node) {
      found.push({ at: node.range?.[0] ?? 0, message: 'anchors and aliases are not allowed in flow files' });
    },
    Node(_key, node) {
      if (node.anchor) found.push({ at: node.range?.[0] ?? 0, message: 'anchors and aliases are not allowed in flow files' });
      if (node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) found.push({ at: node.range?.[0] ?? 0, message: `custom tag '${node.tag}' is not allowed in flow files` });
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') {
        found.push({ at: (pair.key.range?.[0]) ?? 0, message: 'merge keys (<<) are not allowed in flow files' });
      }
    },
  });
  return found;
}
