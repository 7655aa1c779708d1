import { parseSource, type FlowProblem } from './yaml-source.js';

// ivr-flows/routes.yaml: which flow answers which dialed number (DID).
//   default: main
//   numbers: { "5000": after-hours, "+15145550100": main }

export interface FlowRoutes {
  numbers: Map<string, string>;
  defaultFlow: string;
}

export function compileRoutes(file: string, source: string, defaultFlow: string): { routes: FlowRoutes; problems: FlowProblem[] } {
  const src = parseSource(file, source);
  const problems = [...src.problems];
  const routes: FlowRoutes = { numbers: new Map(), defaultFlow };
  if (problems.length > 0) return { routes, problems };
  const raw = (src.raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'default' && key !== 'numbers') problems.push({ file, ...src.keyAt([], key), message: `unknown key '${key}' (routes have default and numbers)` });
  }
  if (raw.default !== undefined) {
    if (typeof raw.default === 'string') routes.defaultFlow = raw.default;
    else problems.push(src.problem(['default'], 'default must be a flow id'));
  }
  const numbers = raw.numbers ?? {};
  if (typeof numbers !== 'object' || numbers === null || Array.isArray(numbers)) {
    problems.push(src.problem(['numbers'], 'numbers maps a dialed number to a flow id'));
    return { routes, problems };
  }
  for (const [number, flow] of Object.entries(numbers as Record<string, unknown>)) {
    if (!/^\+?[0-9*#]+$/.test(number)) problems.push({ file, ...src.keyAt(['numbers'], number), message: `'${number}' is not a dialed number (digits, optional leading +)` });
    else if (typeof flow !== 'string') problems.push(src.problem(['numbers', number], `number ${number}: the flow must be a flow id`));
    else routes.numbers.set(number, flow);
  }
  return { routes, problems };
}
