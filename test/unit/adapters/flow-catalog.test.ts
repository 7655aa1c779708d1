import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowCatalog, type FlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import { FIXTURE_CALENDARS, FIXTURE_PROMPTS, yaml } from '../support/flow-fixtures.js';
import { fakeClock, tempDir } from '../support/helpers.js';

// The catalog over a directory: flows (YAML and JSON), prompt catalogs, calendars and routes;
// broken edits keep the last good version serving (stale), and library() snapshots never change.

const MAIN = yaml(
  'id: main',
  'entry: hours',
  'nodes:',
  '  hours: { type: hours, calendar: office, on: { open: hello, closed: bye } }',
  '  hello: { type: play, prompt: hello, next: bye }',
  '  bye: { type: hangup }',
);
const SALES = JSON.stringify({ id: 'sales', entry: 'a', nodes: { a: { type: 'play', prompt: 'goodbye', next: 'b' }, b: { type: 'hangup' } } }, null, 2);
const ROUTES = yaml('default: main', 'numbers:', '  "200": sales', '  "+15145550100": main');

describe('flow catalog over a directory', () => {
  let dir: string;
  let cleanup: () => void;
  let clock: ReturnType<typeof fakeClock>;
  let catalog: FlowCatalog;

  const write = (name: string, content: string) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  };

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    clock = fakeClock();
    write('prompts/default.yaml', FIXTURE_PROMPTS.default!);
    write('calendars/office.yaml', FIXTURE_CALENDARS.office!);
    write('routes.yaml', ROUTES);
    write('main.yaml', MAIN);
    write('sales.json', SALES);
    write('README.md', '# not a flow');
    write('main.test.yaml', 'name: a flow test, not a flow');
    catalog = createFlowCatalog({ dir, defaultFlow: 'fallback-flow', now: clock.now });
  });
  afterEach(() => cleanup());

  describe('loading', () => {
    it('given flows, prompts, calendars and routes, when loaded, then every flow serves with status ok and nothing else is taken for a flow', () => {
      expect(catalog.reload()).toEqual([]);
      expect(catalog.list()).toEqual([
        { id: 'main', file: join(dir, 'main.yaml'), status: 'ok', version: expect.stringMatching(/^[0-9a-f]{16}$/), loadedAt: clock.now(), problems: [], fallbacks: expect.arrayContaining([{ nodeId: 'hello', outcome: 'error', target: null, via: 'none' }]) },
        { id: 'sales', file: join(dir, 'sales.json'), status: 'ok', version: expect.stringMatching(/^[0-9a-f]{16}$/), loadedAt: clock.now(), problems: [], fallbacks: expect.any(Array) },
      ]);
      expect(catalog.get('main')?.nodes.hours).toMatchObject({ kind: 'hours', calendar: { id: 'office', timezone: 'UTC' } });
      expect(catalog.calendar('office')?.id).toBe('office');
      expect(catalog.calendars().map((c) => c.id)).toEqual(['office']);
      expect(catalog.sharedProblems()).toEqual([]);
    });

    it('given routes.yaml, when routing, then dialed numbers map to their flow and anything else to the default', () => {
      catalog.reload();
      expect(catalog.route('200')).toBe('sales');
      expect(catalog.route('+15145550100')).toBe('main');
      expect(catalog.route('999')).toBe('main');
    });

    it('given no routes.yaml, when routing, then every number goes to the configured default flow', () => {
      rmSync(join(dir, 'routes.yaml'));
      catalog.reload();
      expect(catalog.route('200')).toBe('fallback-flow');
    });

    it('given a flow broken on its first load, when loaded, then its status is error with the problems and nothing serves it', () => {
      write('broken.yaml', yaml('id: broken', 'entry: a', 'nodes:', '  a: { type: play, prompt: hello, next: ghost }'));
      const problems = catalog.reload();
      expect(problems).toEqual([{ file: join(dir, 'broken.yaml'), line: 4, col: 41, message: "node 'a': next goes to 'ghost', which is not a node of this flow" }]);
      expect(catalog.status('broken')).toMatchObject({ status: 'error', version: null, loadedAt: null, problems });
      expect(catalog.get('broken')).toBeUndefined();
    });

    it('given two files with the same flow id, when loaded, then the second is reported and the first serves', () => {
      write('zz-copy.yaml', MAIN.replace('prompt: hello', 'prompt: goodbye'));
      const problems = catalog.reload();
      expect(problems).toEqual([{ file: join(dir, 'zz-copy.yaml'), line: 1, col: 1, message: `flow id 'main' is already used by ${join(dir, 'main.yaml')}` }]);
      expect(catalog.get('main')?.source.file).toBe(join(dir, 'main.yaml'));
    });

    it('given a broken prompt catalog, when loaded, then its problems are shared problems', () => {
      write('prompts/fr.yaml', yaml('hello: not-media'));
      const problems = catalog.reload();
      expect(catalog.sharedProblems()).toEqual([{ file: join(dir, 'prompts/fr.yaml'), line: 1, col: 8, message: expect.stringContaining("'not-media' is not media") }]);
      expect(problems).toEqual(catalog.sharedProblems());
    });

    it('given a media checker, when a prompt\'s sound is missing, then the flow using it is rejected', () => {
      const checked = createFlowCatalog({ dir, defaultFlow: 'main', now: clock.now, mediaExists: (uri) => uri !== 'sound:vm-goodbye' });
      checked.reload();
      expect(checked.status('sales')?.status).toBe('error');
      expect(checked.status('main')?.status).toBe('ok');
    });
  });

  describe('hot reload', () => {
    it('given a good flow, when a broken edit is reloaded, then the last good version keeps serving as stale with the problems listed', () => {
      catalog.reload();
      const good = catalog.get('main');
      const version = catalog.status('main')?.version;
      clock.advance(60_000);
      write('main.yaml', MAIN.replace('next: bye }', 'next: nowhere }'));
      const problems = catalog.reload();
      expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'main.yaml'), line: 5, message: "node 'hello': next goes to 'nowhere', which is not a node of this flow" })]);
      expect(catalog.status('main')).toMatchObject({ status: 'stale', version, loadedAt: clock.now() - 60_000, problems });
      expect(catalog.get('main')).toBe(good);
    });

    it('given a stale flow, when the fix is reloaded, then it is ok again with a new version', () => {
      catalog.reload();
      const first = catalog.status('main')?.version;
      write('main.yaml', 'id: main\nentry: [broken\n');
      catalog.reload();
      expect(catalog.status('main')?.status).toBe('stale');
      clock.advance(5_000);
      write('main.yaml', MAIN.replace('prompt: hello', 'prompt: welcome'));
      expect(catalog.reload()).toEqual([]);
      const status = catalog.status('main');
      expect(status).toMatchObject({ status: 'ok', problems: [], loadedAt: clock.now() });
      expect(status?.version).not.toBe(first);
      expect(catalog.get('main')?.version).toBe(status?.version);
    });

    it('given a file that no longer parses, when reloaded, then its stale status keeps its id (from the file name)', () => {
      catalog.reload();
      write('sales.json', '{ "id": "sales", ');
      catalog.reload();
      expect(catalog.status('sales')).toMatchObject({ status: 'stale', file: join(dir, 'sales.json') });
      expect(catalog.get('sales')).toBeDefined();
    });

    it('given a prompt catalog that loses a prompt a flow uses, when reloaded, then that flow goes stale and the other stays ok', () => {
      catalog.reload();
      write('prompts/default.yaml', FIXTURE_PROMPTS.default!.replace('hello: sound:hello-world\n', ''));
      const problems = catalog.reload();
      expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'main.yaml'), message: expect.stringContaining("prompt 'hello' is missing for locale en") })]);
      expect(catalog.status('main')?.status).toBe('stale');
      expect(catalog.status('sales')?.status).toBe('ok');
    });

    it('given an unchanged directory, when reloaded, then the same flow objects serve and loadedAt does not move', () => {
      catalog.reload();
      const before = catalog.get('main');
      clock.advance(1_000);
      catalog.reload();
      expect(catalog.get('main')).toBe(before);
      expect(catalog.status('main')?.loadedAt).toBe(clock.now() - 1_000);
    });

    it('given a flow file deleted, when reloaded, then the flow is gone', () => {
      catalog.reload();
      rmSync(join(dir, 'sales.json'));
      catalog.reload();
      expect(catalog.get('sales')).toBeUndefined();
      expect(catalog.list().map((f) => f.id)).toEqual(['main']);
    });
  });

  describe('library snapshots', () => {
    it('given a call took library(), when a reload changes its flow, then the call\'s snapshot still has the old flow and new calls get the new one', () => {
      catalog.reload();
      const snapshot = catalog.library();
      const old = snapshot.get('main');
      write('main.yaml', MAIN.replace('prompt: hello', 'prompt: welcome'));
      catalog.reload();
      expect(snapshot.get('main')).toBe(old);
      expect(catalog.library()).not.toBe(snapshot);
      expect(catalog.library().get('main')?.version).not.toBe(old?.version);
      expect(catalog.library().get('main')?.nodes.hello).toMatchObject({ prompts: [{ key: 'welcome' }] });
    });

    it('given a call took library(), when a flow is deleted, then the snapshot still resolves it', () => {
      catalog.reload();
      const snapshot = catalog.library();
      rmSync(join(dir, 'sales.json'));
      catalog.reload();
      expect(snapshot.get('sales')?.id).toBe('sales');
      expect(catalog.library().get('sales')).toBeUndefined();
    });
  });
});
