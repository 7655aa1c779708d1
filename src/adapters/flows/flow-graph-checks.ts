import type { FlowNode, NodeKind } from '../../core/ivr/flow-types.js';
import type { FlowProblem } from './yaml-source.js';

// Node kinds that pass control on at once, without waiting for the caller, a timer or the network.
const INSTANT: ReadonlySet<NodeKind> = new Set(['set', 'switch', 'tag', 'hours']);

type Report = (nodeId: string, message: string, severity: 'error' | 'warning') => FlowProblem;

/** Unreachable nodes (warning), loops that never wait (error), loops with no visit limit (warning). */
export function checkGraph(nodes: Record<string, FlowNode>, entry: string, report: Report): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const edges = new Map<string, string[]>(
    Object.values(nodes).map((n) => [n.id, [...new Set(Object.values(n.exits).map((e) => e.target).filter((t): t is string => t !== null && t in nodes))]]),
  );
  const reached = new Set<string>([entry]);
  const todo = [entry];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    for (const next of edges.get(id) ?? []) if (!reached.has(next)) reached.add(next), todo.push(next);
  }
  for (const id of Object.keys(nodes)) if (!reached.has(id)) problems.push(report(id, `node '${id}' is unreachable from entry '${entry}'`, 'warning'));

  for (const cycle of stronglyConnected(edges)) {
    const first = cycle[0] as string;
    const loops = cycle.length > 1 || (edges.get(first) ?? []).includes(first);
    if (!loops) continue;
    const path = `${cycle.join(' → ')} → ${first}`;
    const guarded = cycle.some((id) => (nodes[id]?.maxVisits ?? 0) > 0);
    if (cycle.every((id) => INSTANT.has(nodes[id]?.kind as NodeKind)) && !guarded) {
      problems.push(report(first, `loop ${path} never waits for the caller and has no maxVisits: it would spin until limits.maxSteps`, 'error'));
    } else if (!guarded) {
      problems.push(report(first, `loop ${path} has maxVisits: 0 on every node; only limits.maxSteps ends it`, 'warning'));
    }
  }
  return problems;
}

// Tarjan's algorithm, iterative enough for flows of a few hundred nodes.
function stronglyConnected(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, indexOf.get(w) as number));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.reverse());
    }
  };
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return out;
}
