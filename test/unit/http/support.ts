import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createFlowCatalog, type FlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from '../../../src/adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteCalendarOverrideStore } from '../../../src/adapters/sqlite/sqlite-calendar-override-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { buildApp } from '../../../src/http/build-app.js';
import type { HealthDeps } from '../../../src/http/routes/health/index.js';
import type { AcdConfigStore, AcdStateStore } from '../../../src/ports/acd-store.js';
import type { CallStore } from '../../../src/ports/call-store.js';
import { createApiKeyService, type ApiKeyService } from '../../../src/services/api-key-service.js';
import { createCalendarOverrideService, type CalendarOverrideService } from '../../../src/services/calendar-override-service.js';
import { FakeAcdControl } from '../support/fake-acd-control.js';
import { silentLogger, tempDir } from '../support/helpers.js';
import type { AcdDeps } from '../../../src/http/build-app.js';

export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

/** Health dependencies the test flips by hand. */
export interface FakeHealth extends HealthDeps {
  ari: boolean;
  db: boolean;
  active: number;
}

export function fakeHealth(now: () => number): FakeHealth {
  const h: FakeHealth = {
    ari: true,
    db: true,
    active: 0,
    ariConnected: () => h.ari,
    dbOk: () => h.db,
    activeCalls: () => h.active,
    version: '0.1.0-test',
    startedAt: T0,
    now,
  };
  return h;
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  calls: CallStore;
  keys: ApiKeyService;
  health: FakeHealth;
  clock: { now: number };
  /** An empty flows directory (created) the test writes files into, then reloads. */
  flowsDir: string;
  flows: FlowCatalog;
  /** How often the reload endpoint asked for a reload. */
  reloads: { count: number };
  overrides: CalendarOverrideService;
  /** The ACD: real SQLite config and state stores, a fake live side. */
  acd: { control: FakeAcdControl; config: AcdConfigStore; state: AcdStateStore };
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Called with the (empty) flows directory before the catalog first loads, to write files. */
  seedFlows?: (flowsDir: string) => void;
  /** Build the app without its ACD dependencies (the routes are then absent). */
  withoutAcd?: boolean;
  /** The event stream's heartbeat period. */
  heartbeatMs?: number;
  /** Today's counters per queue for the live routes and the stream. */
  today?: AcdDeps['today'];
}

/** The real app over real SQLite stores in a temp dir, a silent logger and fake health deps. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { dir, cleanup } = tempDir();
  const db = openDatabase(join(dir, 'switchboard.db'));
  const calls = createSqliteCallStore(db);
  const keys = createApiKeyService(createSqliteApiKeyStore(db));
  const clock = { now: T0 + 90_000 };
  const now = () => clock.now;
  const health = fakeHealth(now);
  const flowsDir = join(dir, 'ivr-flows');
  mkdirSync(flowsDir);
  options.seedFlows?.(flowsDir);
  const flows = createFlowCatalog({ dir: flowsDir, defaultFlow: 'main', now });
  flows.reload();
  const reloads = { count: 0 };
  const reload = () => {
    reloads.count++;
    flows.reload();
  };
  const overrides = createCalendarOverrideService(createSqliteCalendarOverrideStore(db));
  const acdConfig = createSqliteAcdConfigStore(db, now);
  const acd = { control: new FakeAcdControl(acdConfig, now), config: acdConfig, state: createSqliteAcdStateStore(db) };
  const app = await buildApp({
    logger: silentLogger(), calls, keys, health, now, flows: { catalog: flows, reload }, calendarOverrides: overrides,
    ...(options.withoutAcd ? {} : { acd: { control: acd.control, config: acd.config, journal: acd.state, heartbeatMs: options.heartbeatMs, ...(options.today ? { today: options.today } : {}) } }),
  });
  await app.ready();
  return {
    app, db, calls, keys, health, clock, flowsDir, flows, reloads, overrides, acd,
    close: async () => {
      await app.close();
      db.close();
      cleanup();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
