import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorSchema } from '../../../src/adapters/flows/flow-schema.js';
import { createFlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import { loadFlowTests } from '../../../src/adapters/flows/flow-test-file.js';
import { defaultAsteriskSoundsDir, mediaChecker } from '../../../src/adapters/flows/media-files.js';
import { formatProblem } from '../../../src/adapters/flows/yaml-source.js';
import { runFlowTest } from '../../../src/services/flow-test-runner.js';

// Every flow directory we ship must validate, and every *.test.yaml scenario in it must pass: the
// same checks as `switchboard-cli flows validate` and `flows test`, inside npm test.
const ROOT = resolve(import.meta.dirname, '../../..');
const DIRS = ['ivr-flows', 'test/integration/flows', 'test/integration/flows-ivr', 'test/integration/flows-acd'].map((d) => join(ROOT, d));

describe.each(DIRS)('flow directory %s', (dir) => {
  const catalog = createFlowCatalog({ dir, defaultFlow: 'main', now: () => 0, mediaExists: mediaChecker(join(ROOT, 'sounds'), defaultAsteriskSoundsDir()) });
  const problems = catalog.reload();

  it('has no invalid flow, prompt, calendar or routes file', () => {
    expect(problems.filter((p) => p.severity !== 'warning').map(formatProblem)).toEqual([]);
    expect(catalog.list().every((s) => s.status === 'ok')).toBe(true);
  });

  const testFiles = readdirSync(dir).filter((n) => n.endsWith('.test.yaml'));
  for (const name of testFiles) {
    const file = join(dir, name);
    const { cases, problems: fileProblems } = loadFlowTests(file, readFileSync(file, 'utf8'));
    it(`${name} is a valid test file`, () => expect(fileProblems.map(formatProblem)).toEqual([]));
    for (const test of cases) {
      it(`${name}:${test.line} ${test.name}`, () => {
        const outcome = runFlowTest(catalog.library(), test);
        expect(outcome.failures).toEqual([]);
      });
    }
  }
});

describe('the editor JSON schema', () => {
  it('is committed and current (npm run flows:schema rewrites it)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'ivr-flows/schema/flow.v1.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(editorSchema())));
  });
});
