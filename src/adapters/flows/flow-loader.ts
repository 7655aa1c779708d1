import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { Flow, FlowNode } from '../../core/ivr/flow-types.js';

export interface FlowProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export class FlowError extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
    this.name = 'FlowError';
  }
}

const NodeId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$' });
const Prompt = Type.String({ pattern: '^(sound|file|recording|digits|number|tone):.+$' });
// One schema per kind: validating against the union would report every other kind's mismatch too.
const NODE_SCHEMAS = {
  play: Type.Object({ kind: Type.Literal('play'), prompts: Type.Array(Prompt, { minItems: 1 }), next: Type.Optional(NodeId) }, { additionalProperties: false }),
  pause: Type.Object({ kind: Type.Literal('pause'), seconds: Type.Number({ minimum: 0, maximum: 600 }), next: Type.Optional(NodeId) }, { additionalProperties: false }),
  hangup: Type.Object(
    { kind: Type.Literal('hangup'), reason: Type.Optional(Type.Union(['normal', 'busy', 'congestion', 'no_answer'].map((r) => Type.Literal(r)))) },
    { additionalProperties: false },
  ),
} satisfies Record<FlowNode['kind'], unknown>;
const FlowSchema = Type.Object(
  {
    id: NodeId,
    description: Type.Optional(Type.String()),
    entry: NodeId,
    nodes: Type.Record(Type.String(), Type.Object({ kind: Type.String() }, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
const KINDS = Object.keys(NODE_SCHEMAS);

/** Parses and validates one flow file; every problem carries file:line:col. */
export function compileFlow(file: string, source: string): Flow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, col: pos.col };
  };
  const problems: FlowProblem[] = doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: e.message.split('\n')[0] ?? e.message }));
  if (problems.length > 0) throw new FlowError(problems);
  for (const w of doc.warnings) problems.push({ file, ...at(w.pos[0]), message: w.message.split('\n')[0] ?? w.message });
  const anchorAt = findAnchorOrAlias(doc);
  if (anchorAt !== null) problems.push({ file, ...at(anchorAt), message: 'anchors and aliases are not allowed in flow files' });
  const raw: unknown = doc.toJS();
  const rangeOf = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return at(node?.range?.[0]);
  };
  const report = (path: (string | number)[], message: string) => problems.push({ file, ...rangeOf(path), message });
  // Unknown and misnamed keys are reported where the key is written, not at the enclosing map.
  const keyAt = (path: (string | number)[], key: string) => {
    const map = doc.getIn(path, true);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    return at((pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0]);
  };
  const reportExtra = (path: (string | number)[], params: unknown, prefix: string) => {
    for (const key of (params as { additionalProperties?: string[] }).additionalProperties ?? []) {
      problems.push({ file, ...keyAt(path, key), message: `${prefix}unknown key '${key}'` });
    }
  };

  if (!Value.Check(FlowSchema, raw)) {
    for (const e of Value.Errors(FlowSchema, raw)) {
      if (['boolean', 'const'].includes(e.keyword)) continue;
      const path = pointerToPath(e.instancePath);
      if (e.keyword === 'additionalProperties') reportExtra(path, e.params, path.length ? `${path.join('.')}: ` : '');
      else report(path, `${path.join('.') || 'flow'}: ${e.message}`);
    }
    // Go on to the nodes when their shape allows it, so one pass reports every problem.
    const nodesOk = Value.Check(Type.Pick(FlowSchema, ['nodes']), raw) && typeof (raw as { entry?: unknown }).entry === 'string';
    if (!nodesOk) throw new FlowError(problems);
  }
  const flowDoc = raw as { id: string; entry: string; nodes: Record<string, { kind: string; next?: string }> };
  for (const [id, node] of Object.entries(flowDoc.nodes)) {
    if (!Value.Check(NodeId, id)) problems.push({ file, ...keyAt(['nodes'], id), message: `node id '${id}' must start with a letter and use letters, digits, _ or -` });
    if (!KINDS.includes(node.kind)) {
      report(['nodes', id, 'kind'], `node '${id}': unknown kind '${node.kind}' (known: ${KINDS.join(', ')})`);
      continue;
    }
    const seen = new Set<string>();
    for (const e of Value.Errors(NODE_SCHEMAS[node.kind as FlowNode['kind']], node)) {
      if (e.keyword === 'boolean' || seen.has(e.instancePath)) continue;
      seen.add(e.instancePath);
      const sub = pointerToPath(e.instancePath);
      if (e.keyword === 'additionalProperties') reportExtra(['nodes', id, ...sub], e.params, `node '${id}': `);
      else if (e.keyword === 'pattern' && sub[0] === 'prompts') {
        report(['nodes', id, ...sub], `node '${id}': prompt '${String(doc.getIn(['nodes', id, ...sub]))}' must be sound:NAME, file:NAME, recording:NAME, digits:N, number:N or tone:NAME`);
      } else report(['nodes', id, ...sub], `node '${id}'${sub.length ? `.${sub.join('.')}` : ''}: ${e.message}`);
    }
    if (node.next !== undefined && !(node.next in flowDoc.nodes)) {
      report(['nodes', id, 'next'], `node '${id}': next '${node.next}' is not a node of this flow`);
    }
  }
  if (!(flowDoc.entry in flowDoc.nodes)) report(['entry'], `entry '${flowDoc.entry}' is not a node of this flow`);
  if (problems.length > 0) throw new FlowError(problems.sort((a, b) => a.line - b.line || a.col - b.col));

  const nodes: Record<string, FlowNode> = {};
  for (const [id, node] of Object.entries(flowDoc.nodes)) nodes[id] = toRuntimeNode(node as unknown as FlowNode);
  return {
    id: flowDoc.id,
    entry: flowDoc.entry,
    nodes,
    source: { file, sha256: createHash('sha256').update(source).digest('hex') },
  };
}

// "file:" prompts name files under sounds/ (installed into Asterisk's sounds dir as switchboard/);
// the rest are ARI media URIs as they are.
function toRuntimeNode(node: FlowNode): FlowNode {
  if (node.kind !== 'play') return node;
  return { ...node, prompts: node.prompts.map((p) => (p.startsWith('file:') ? `sound:switchboard/${p.slice(5)}` : p)) };
}

function pointerToPath(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}


// The flow format is a strict YAML subset: anchors and aliases make files hard to read and diff.
function findAnchorOrAlias(doc: Document): number | null {
  let offset: number | null = null;
  visit(doc, {
    Alias(_key, node) { offset = node.range?.[0] ?? 0; return visit.BREAK; },
    Node(_key, node) {
      if (node.anchor) { offset = node.range?.[0] ?? 0; return visit.BREAK; }
      return undefined;
    },
  });
  return offset;
}
