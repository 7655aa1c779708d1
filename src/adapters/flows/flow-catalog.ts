import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Flow } from '../../core/ivr/flow-types.js';
import { compileFlow, FlowError, type FlowProblem } from './flow-loader.js';

export interface FlowCatalog {
  get(id: string): Flow | undefined;
  list(): Flow[];
  /** Re-reads the directory; a broken file is reported and its last good version keeps serving. */
  reload(): FlowProblem[];
}

const FLOW_FILE = /\.(ya?ml|json)$/;

export function createFlowCatalog(dir: string): FlowCatalog {
  const byFile = new Map<string, Flow>();

  function reload(): FlowProblem[] {
    const problems: FlowProblem[] = [];
    let files: string[];
    try {
      files = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && FLOW_FILE.test(d.name)).map((d) => d.name).sort();
    } catch (err) {
      return [{ file: dir, line: 1, col: 1, message: (err as Error).message }];
    }
    // Forget removed files first, so a renamed file does not clash with its own old name.
    const present = new Set(files.map((name) => join(dir, name)));
    for (const file of [...byFile.keys()]) if (!present.has(file)) byFile.delete(file);
    for (const name of files) {
      const file = join(dir, name);
      try {
        const flow = compileFlow(file, readFileSync(file, 'utf8'));
        const clash = [...byFile.entries()].find(([f, other]) => f !== file && other.id === flow.id);
        if (clash) {
          problems.push({ file, line: 1, col: 1, message: `flow id '${flow.id}' is already used by ${clash[0]}` });
          continue;
        }
        byFile.set(file, flow);
      } catch (err) {
        if (err instanceof FlowError) problems.push(...err.problems);
        else problems.push({ file, line: 1, col: 1, message: (err as Error).message });
      }
    }
    return problems;
  }

  return {
    get: (id) => [...byFile.values()].find((f) => f.id === id),
    list: () => [...byFile.values()],
    reload,
  };
}
