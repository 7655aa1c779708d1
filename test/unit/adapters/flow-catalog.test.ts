import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import { tempDir } from '../support/helpers.js';

const flowYaml = (id: string, prompt = 'sound:hello-world') =>
  `id: ${id}\nentry: start\nnodes:\n  start:\n    kind: play\n    prompts: [${prompt}]\n    next: bye\n  bye:\n    kind: hangup\n`;

describe('flow catalog over a directory', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const write = (name: string, content: string) => writeFileSync(join(dir, name), content);

  it('given a directory of flow files, when loaded, then every flow is served by id and other files are ignored', () => {
    write('main.yaml', flowYaml('main'));
    write('sales.yml', flowYaml('sales'));
    write('support.json', JSON.stringify({ id: 'support', entry: 'x', nodes: { x: { kind: 'hangup' } } }));
    write('README.md', '# not a flow');
    const catalog = createFlowCatalog(dir);
    expect(catalog.reload()).toEqual([]);
    expect(catalog.list().map((f) => f.id).sort()).toEqual(['main', 'sales', 'support']);
    expect(catalog.get('main')?.source.file).toBe(join(dir, 'main.yaml'));
    expect(catalog.get('nope')).toBeUndefined();
  });

  it('given a loaded flow, when its file is broken and reloaded, then the problem is reported and the last good version keeps serving', () => {
    write('main.yaml', flowYaml('main', 'sound:first'));
    const catalog = createFlowCatalog(dir);
    expect(catalog.reload()).toEqual([]);
    write('main.yaml', 'id: main\nentry: start\nnodes:\n  start:\n    kind: dance\n');
    const problems = catalog.reload();
    expect(problems).toEqual([
      { file: join(dir, 'main.yaml'), line: 5, col: 11, message: "node 'start': unknown kind 'dance' (known: play, pause, hangup)" },
    ]);
    expect(catalog.get('main')?.nodes.start).toEqual({ kind: 'play', prompts: ['sound:first'], next: 'bye' });
  });

  it('given a broken flow was fixed, when reloaded, then the new version is served', () => {
    write('main.yaml', flowYaml('main', 'sound:first'));
    const catalog = createFlowCatalog(dir);
    catalog.reload();
    write('main.yaml', flowYaml('main', 'sound:second'));
    expect(catalog.reload()).toEqual([]);
    expect(catalog.get('main')?.nodes.start).toMatchObject({ prompts: ['sound:second'] });
  });

  it('given a loaded flow, when its file is deleted and reloaded, then it disappears', () => {
    write('main.yaml', flowYaml('main'));
    write('sales.yaml', flowYaml('sales'));
    const catalog = createFlowCatalog(dir);
    catalog.reload();
    rmSync(join(dir, 'sales.yaml'));
    expect(catalog.reload()).toEqual([]);
    expect(catalog.get('sales')).toBeUndefined();
    expect(catalog.list().map((f) => f.id)).toEqual(['main']);
  });

  it('given two files with the same flow id, when loaded, then the second file is reported and the first one serves', () => {
    write('a.yaml', flowYaml('main', 'sound:from-a'));
    write('b.yaml', flowYaml('main', 'sound:from-b'));
    const catalog = createFlowCatalog(dir);
    const problems = catalog.reload();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: join(dir, 'b.yaml'), line: 1, col: 1 });
    expect(problems[0]?.message).toContain("flow id 'main' is already used by");
    expect(problems[0]?.message).toContain('a.yaml');
    expect(catalog.list()).toHaveLength(1);
    expect(catalog.get('main')?.nodes.start).toMatchObject({ prompts: ['sound:from-a'] });
  });

  it('given a missing directory, when loaded, then one problem names the directory', () => {
    const catalog = createFlowCatalog(join(dir, 'absent'));
    const problems = catalog.reload();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(join(dir, 'absent'));
    expect(catalog.list()).toEqual([]);
  });

  // Renaming a flow file (git mv main.yaml inbound.yaml, then SIGHUP) must keep the flow served.
  it('given a loaded flow, when its file is renamed and reloaded, then the flow is still served from the new file without a problem', () => {
    write('a.yaml', flowYaml('main'));
    const catalog = createFlowCatalog(dir);
    catalog.reload();
    renameSync(join(dir, 'a.yaml'), join(dir, 'b.yaml'));
    expect(catalog.reload()).toEqual([]);
    expect(catalog.get('main')?.source.file).toBe(join(dir, 'b.yaml'));
  });
});
