import type { Exit, Flow, FlowNode } from '../core/ivr/flow-types.js';

// A compiled flow as a diagram, for GET /flows/:id/graph. Mermaid text is the main format: GitHub,
// GitLab and VS Code render it, and there is no Mermaid renderer offline. The SVG is a plain
// layered drawing (BFS layers from the entry, boxes, straight lines) for a quick look without one.
//
// Edges: one per exit, labelled with the outcome. Solid when the node wires it (or it is the
// implicit `next` of a single-exit node); dotted when it comes from a fallback route (defaults.on,
// the flow's on.error) or leads nowhere. Two shared pseudo-nodes: `fallback` (no route: the caller
// goes to the dialplan fallback) and `flow_end` (a single-exit node without `next`: the flow ends,
// returning to its caller or hanging up). Neither can clash with a node, whose ids all start `n_`.

const FALLBACK_ID = 'fallback';
const END_ID = 'flow_end';

interface Edge {
  from: string;
  to: string;
  label: string;
  dotted: boolean;
}

/** Nodes in a stable order: the entry first, then as written in the file. */
function orderedNodes(flow: Flow): FlowNode[] {
  const entry = flow.nodes[flow.entry];
  return [...(entry ? [entry] : []), ...Object.values(flow.nodes).filter((n) => n.id !== flow.entry)];
}

const isDotted = (exit: Exit) => exit.via === 'defaults' || exit.via === 'flow-error' || exit.via === 'none';
const exitTarget = (exit: Exit) => exit.target ?? (exit.via === 'implicit' ? END_ID : FALLBACK_ID);

function edgesOf(nodes: FlowNode[]): Edge[] {
  return nodes.flatMap((n) =>
    Object.entries(n.exits).map(([outcome, exit]) => ({ from: n.id, to: exitTarget(exit), label: outcome, dotted: isDotted(exit) })),
  );
}

/** Mermaid ids: `n_` + the id with anything but letters, digits and _ replaced, made unique. */
function mermaidIds(nodes: FlowNode[]): Map<string, string> {
  const ids = new Map<string, string>([[FALLBACK_ID, FALLBACK_ID], [END_ID, END_ID]]);
  const used = new Set(ids.values());
  for (const n of nodes) {
    const base = `n_${n.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(n.id, id);
  }
  return ids;
}

/** Text inside a quoted Mermaid label: quotes, angle brackets and # as entity codes. */
const mermaidText = (text: string) => text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);

const kindLabel = (n: FlowNode) => (n.kind === 'subflow' ? `subflow: ${n.flow}` : n.kind);

export function flowToMermaid(flow: Flow): string {
  const nodes = orderedNodes(flow);
  const ids = mermaidIds(nodes);
  const edges = edgesOf(nodes);
  const lines = ['flowchart TD'];
  for (const n of nodes) {
    const id = ids.get(n.id) as string;
    const label = `"${mermaidText(n.id)}<br/>${mermaidText(kindLabel(n))}"`;
    if (n.kind === 'menu' || n.kind === 'collect') lines.push(`  ${id}{${label}}`);
    else if (n.kind === 'hangup') lines.push(`  ${id}([${label}])`);
    else lines.push(`  ${id}[${label}]`);
  }
  if (edges.some((e) => e.to === FALLBACK_ID)) lines.push(`  ${FALLBACK_ID}[[dialplan fallback]]`);
  if (edges.some((e) => e.to === END_ID)) lines.push(`  ${END_ID}(["end of flow"])`);
  for (const e of edges) {
    const from = ids.get(e.from) as string;
    const to = ids.get(e.to) ?? FALLBACK_ID;
    const label = `"${mermaidText(e.label)}"`;
    lines.push(e.dotted ? `  ${from} -. ${label} .-> ${to}` : `  ${from} -- ${label} --> ${to}`);
  }
  if (ids.has(flow.entry)) lines.push(`  style ${ids.get(flow.entry) as string} stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}

const xml = (text: string) => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

const BOX_W = 170;
const BOX_H = 44;
const GAP_X = 40;
const GAP_Y = 90;
const MARGIN = 20;

/** Layer of each node: BFS distance from the entry; unreachable nodes, then the pseudo-nodes, below. */
function layers(flow: Flow, nodes: FlowNode[], edges: Edge[]): string[][] {
  const depth = new Map<string, number>();
  const queue: string[] = [];
  if (flow.nodes[flow.entry]) {
    depth.set(flow.entry, 0);
    queue.push(flow.entry);
  }
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const e of edges) {
      if (e.from !== id || !flow.nodes[e.to] || depth.has(e.to)) continue;
      depth.set(e.to, (depth.get(id) ?? 0) + 1);
      queue.push(e.to);
    }
  }
  const rows: string[][] = [];
  const put = (id: string, row: number) => (rows[row] ??= []).push(id);
  for (const n of nodes) if (depth.has(n.id)) put(n.id, depth.get(n.id) as number);
  const unreachable = nodes.filter((n) => !depth.has(n.id)).map((n) => n.id);
  if (unreachable.length > 0) rows.push(unreachable);
  const pseudo = [FALLBACK_ID, END_ID].filter((id) => edges.some((e) => e.to === id));
  if (pseudo.length > 0) rows.push(pseudo);
  return rows;
}

export function flowToSvg(flow: Flow): string {
  const nodes = orderedNodes(flow);
  const edges = edgesOf(nodes);
  const rows = layers(flow, nodes, edges);
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X;
  const height = MARGIN * 2 + rows.length * BOX_H + Math.max(0, rows.length - 1) * GAP_Y;
  const pos = new Map<string, { x: number; y: number }>();
  rows.forEach((row, r) => {
    const rowWidth = row.length * BOX_W + (row.length - 1) * GAP_X;
    row.forEach((id, i) => pos.set(id, { x: (width - rowWidth) / 2 + i * (BOX_W + GAP_X), y: MARGIN + r * (BOX_H + GAP_Y) }));
  });
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(`${flow.id} (${flow.version})`)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  ];
  // Straight lines between the same two boxes would overlap: one line, the outcomes joined.
  const merged = new Map<string, Edge>();
  for (const e of edges) {
    const key = `${e.from}\n${e.to}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, label: `${seen.label}, ${e.label}`, dotted: seen.dotted && e.dotted } : e);
  }
  for (const e of merged.values()) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const dash = e.dotted ? ' stroke-dasharray="4 3"' : '';
    if (e.from === e.to) {
      // A loop back into the same node: a bow on its right side.
      const [x, y1, y2] = [a.x + BOX_W, a.y + 10, a.y + BOX_H - 10];
      out.push(`<path d="M${x},${y1} C${x + 28},${y1} ${x + 28},${y2} ${x},${y2}" fill="none" stroke="#555"${dash} marker-end="url(#arrow)"/>`);
      out.push(`<text x="${x + 26}" y="${a.y + BOX_H / 2 + 4}" fill="#245" font-size="10">${xml(e.label)}</text>`);
      continue;
    }
    const down = b.y > a.y;
    const [x1, y1, x2, y2] = [a.x + BOX_W / 2, down ? a.y + BOX_H : a.y, b.x + BOX_W / 2, down ? b.y : b.y + BOX_H];
    out.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#555"${dash} marker-end="url(#arrow)"/>`);
    out.push(`<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2}" text-anchor="middle" fill="#245" font-size="10">${xml(e.label)}</text>`);
  }
  for (const [id, p] of pos) {
    const node = flow.nodes[id];
    const [title, sub] = node ? [node.id, kindLabel(node)] : [id === FALLBACK_ID ? 'dialplan fallback' : 'end of flow', ''];
    const style = `fill="${node ? (id === flow.entry ? '#dfe' : '#eef') : '#fed'}" stroke="#335"${node ? '' : ' stroke-dasharray="4 3"'}`;
    if (node?.kind === 'menu' || node?.kind === 'collect') {
      // A hexagon: the decision shape.
      const [l, r, t, m, b] = [p.x, p.x + BOX_W, p.y, p.y + BOX_H / 2, p.y + BOX_H];
      out.push(`<polygon points="${l},${m} ${l + 12},${t} ${r - 12},${t} ${r},${m} ${r - 12},${b} ${l + 12},${b}" ${style}/>`);
    } else {
      const rx = node?.kind === 'hangup' || id === END_ID ? BOX_H / 2 : 3;
      out.push(`<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="${rx}" ${style}/>`);
    }
    out.push(`<text x="${p.x + BOX_W / 2}" y="${p.y + (sub ? 18 : 26)}" text-anchor="middle" font-weight="bold">${xml(title)}</text>`);
    if (sub) out.push(`<text x="${p.x + BOX_W / 2}" y="${p.y + 34}" text-anchor="middle" fill="#555">${xml(sub)}</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
