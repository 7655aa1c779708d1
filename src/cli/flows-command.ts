import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createFlowCatalog, type FlowCatalog } from '../adapters/flows/flow-catalog.js';
import { loadFlowTests } from '../adapters/flows/flow-test-file.js';
import { defaultAsteriskSoundsDir, mediaChecker } from '../adapters/flows/media-files.js';
import { formatProblem, type FlowProblem } from '../adapters/flows/yaml-source.js';
import { runFlowTest } from '../services/flow-test-runner.js';

export interface FlowsCommandOptions {
  soundsDir: string;
  asteriskSoundsDir: string;
  defaultFlow: string;
  verbose: boolean;
  out: (line: string) => void;
}

/** `flows validate [paths]` and `flows test [paths]`; returns the process exit code. */
export function flowsCommand(action: string, paths: string[], options: FlowsCommandOptions): number {
  const targets = groupByDir(paths);
  let failed = 0;
  let passed = 0;
  for (const [dir, files] of targets) {
    const catalog = loadCatalog(dir, options);
    const problems = catalog.reload().filter((p) => files === null || files.has(resolve(p.file)));
    const errors = problems.filter((p) => p.severity !== 'warning');
    if (action === 'validate') {
      for (const p of problems) options.out(formatProblem(p));
      if (options.verbose) {
        for (const status of catalog.list()) {
          for (const f of status.fallbacks) options.out(`${status.file}: node '${f.nodeId}': ${f.outcome} → ${f.target ?? 'dialplan fallback'} (${f.via})`);
        }
      }
      const flows = catalog.list().filter((s) => files === null || files.has(resolve(s.file)));
      for (const s of flows) options.out(`${s.status === 'ok' ? 'ok  ' : 'FAIL'} ${s.id} (${s.file})${s.version ? ` version ${s.version}` : ''}`);
      failed += errors.length;
      passed += flows.filter((s) => s.status === 'ok').length;
      continue;
    }
    if (action !== 'test') throw new Error(`unknown action '${action}'`);
    for (const p of errors) options.out(formatProblem(p));
    failed += errors.length;
    for (const file of testFiles(dir, files)) {
      const { cases, problems } = loadFlowTests(file, readFileSync(file, 'utf8'));
      for (const p of problems) options.out(formatProblem(p));
      failed += problems.filter((p: FlowProblem) => p.severity !== 'warning').length;
      for (const test of cases) {
        const outcome = runFlowTest(catalog.library(), test);
        if (outcome.ok) {
          passed++;
          options.out(`ok   ${test.file}:${test.line}:${test.col} ${test.name}`);
        } else {
          failed++;
          options.out(`FAIL ${test.file}:${test.line}:${test.col} ${test.name}`);
          for (const f of outcome.failures) options.out(`       ${f}`);
        }
      }
    }
  }
  options.out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

function loadCatalog(dir: string, options: FlowsCommandOptions): FlowCatalog {
  return createFlowCatalog({
    dir,
    defaultFlow: options.defaultFlow,
    now: () => Date.now(),
    mediaExists: mediaChecker(options.soundsDir, options.asteriskSoundsDir || defaultAsteriskSoundsDir()),
  });
}

// A directory means everything in it; a file means that file, checked against its directory
// (its subflows, prompts and calendars live there).
function groupByDir(paths: string[]): Map<string, Set<string> | null> {
  const out = new Map<string, Set<string> | null>();
  for (const path of paths) {
    const full = resolve(path);
    if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      out.set(full, null);
      continue;
    }
    const dir = dirname(full);
    const existing = out.get(dir);
    if (existing === null) continue;
    const set = existing ?? new Set<string>();
    set.add(full);
    // A flow's tests come along with it.
    set.add(full.replace(/\.(ya?ml|json)$/, '.test.yaml'));
    out.set(dir, set);
  }
  return out;
}

function testFiles(dir: string, files: Set<string> | null): string[] {
  const all = readdirSync(dir)
    .filter((n) => /\.test\.ya?ml$/.test(n))
    .map((n) => join(dir, n))
    .sort();
  return files === null ? all : all.filter((f) => files.has(resolve(f)));
}
