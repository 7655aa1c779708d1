import { Environment } from '@marcbachmann/cel-js';

// One cel-js Environment per set of root names. Building one registers the whole standard library,
// so it is done once per distinct `roots` list and shared by every expression compiled against it.

type Arith = (a: number, b: number) => number;
const ARITH: Record<string, Arith> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

function createBase(): Environment {
  const env = new Environment({
    // Mixed list/map literals (`[1, "a"]`) are legal in JSON-shaped flow data, so CEL's homogeneity rule would only surprise admins.
    homogeneousAggregateLiterals: false,
    // A chain like `1 + 1 + ...` is not depth-limited by the parser, and every pass over the AST
    // (type check, evaluation, reference collection) recurses; a node budget far above any real
    // flow condition keeps that recursion well inside the stack.
    limits: { maxAstNodes: 1000 },
  });
  // Scope numbers become ints when integral and stay doubles otherwise (see scope-values.ts), so a
  // price of 2.5 times 2 mixes the two. CEL refuses that; we promote the int to a double instead.
  // Comparisons across int and double are already defined by CEL; `%` stays int-only as in CEL.
  for (const [op, fn] of Object.entries(ARITH)) {
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => fn(Number(a), b));
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => fn(a, Number(b)));
  }
  return env;
}

let base: Environment | undefined;
const byRoots = new Map<string, Environment>();

export function environmentFor(roots: readonly string[]): Environment {
  const key = roots.join('\0');
  let env = byRoots.get(key);
  if (!env) {
    base ??= createBase();
    env = base.clone();
    for (const root of roots) env.registerVariable(root, 'dyn');
    byRoots.set(key, env);
  }
  return env;
}
