import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from '../../../src/adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY, type AgentConfig, type QueueConfig } from '../../../src/core/acd/acd-types.js';
import type { AcdConfigStore } from '../../../src/ports/acd-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

const agent = (id: string, over: Partial<AgentConfig> = {}): AgentConfig => ({
  id, name: `Agent ${id}`, endpoints: [`PJSIP/${id}`], skills: { billing: 3 }, capacity: { ...DEFAULT_CAPACITY }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY }, ...over,
});

const queue = (id: string, over: Partial<QueueConfig> = {}): QueueConfig => ({
  id, name: `Queue ${id}`, skills: [{ skill: 'billing', minProficiency: 2 }], priority: 0, strategy: 'longest-idle', ringTimeoutSec: 15, wrapUpSec: 10,
  maxWaitSec: null, maxLength: null, joinWhenEmpty: true, leaveWhenEmpty: false, serviceLevelSec: 20,
  hold: { moh: 'default', announceEverySec: 60, announcePosition: true, announceWait: true }, overflowQueue: null,
  steps: [{ afterSec: 30, relaxProficiencyBy: 1 }], ronaMaxMisses: 1, preferredAgentSec: 0,
  recording: { mode: 'never', consentPrompt: null, retentionDays: null }, ...over,
});

describe('SQLite ACD config store', () => {
  let cleanup: () => void;
  let db: Db;
  let clock: number;
  let store: AcdConfigStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    clock = T0;
    store = createSqliteAcdConfigStore(db, () => clock);
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  it('given a fresh database, when the pause reasons are read, then the five seeded reasons come back by code', () => {
    expect(store.listPauseReasons()).toEqual([
      { code: 'back-office', label: 'Back office', productive: true },
      { code: 'break', label: 'Break', productive: false },
      { code: 'lunch', label: 'Lunch', productive: false },
      { code: 'no-answer', label: 'No answer', productive: false },
      { code: 'training', label: 'Training', productive: true },
    ]);
    expect(store.listSkills()).toEqual([]);
    expect(store.listAgents()).toEqual([]);
    expect(store.listQueues()).toEqual([]);
  });

  it('given skills put twice, when listed, then the second description wins and delete reports whether it removed one', () => {
    store.putSkill({ id: 'lang:fr', description: 'French' });
    store.putSkill({ id: 'billing', description: 'Bills' });
    store.putSkill({ id: 'billing', description: 'Invoices and refunds' });
    expect(store.listSkills()).toEqual([{ id: 'billing', description: 'Invoices and refunds' }, { id: 'lang:fr', description: 'French' }]);
    expect(store.deleteSkill('billing')).toBe(true);
    expect(store.deleteSkill('billing')).toBe(false);
    expect(store.listSkills().map((s) => s.id)).toEqual(['lang:fr']);
  });

  it('given an agent put then replaced, when read, then the last version comes back whole, with created and updated times kept apart', () => {
    store.putAgent(agent('alice'));
    clock = T0 + 5000;
    const replaced = agent('alice', { name: 'Alice B', endpoints: ['PJSIP/1001', 'PJSIP/1002'], skills: { billing: 5, 'lang:fr': 2 }, capacity: { voice: 1, chat: 0, email: 2, callback: 1 } });
    store.putAgent(replaced);
    expect(store.getAgent('alice')).toEqual(replaced);
    expect(store.listAgents()).toEqual([replaced]);
    expect(db.prepare('SELECT created_at, updated_at FROM acd_agents').get()).toEqual({ created_at: T0, updated_at: T0 + 5000 });
    expect(store.getAgent('bob')).toBeUndefined();
  });

  it('given an agent row written before a channel existed, when read, then the missing channel takes its default', () => {
    db.prepare("INSERT INTO acd_agents (id, name, config, created_at, updated_at) VALUES ('old', 'Old', ?, 0, 0)").run(
      JSON.stringify({ endpoints: ['PJSIP/9'], skills: { billing: 2 }, capacity: { voice: 2 }, offerWhileBusy: { voice: ['chat'] } }),
    );
    expect(store.getAgent('old')).toEqual({
      id: 'old', name: 'Old', endpoints: ['PJSIP/9'], skills: { billing: 2 },
      capacity: { ...DEFAULT_CAPACITY, voice: 2 }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY, voice: ['chat'] },
    });
  });

  it('given a deleted agent, when an agent with the same id is created, then its saved state and keys do not come back', () => {
    store.putAgent(agent('alice'));
    const state = createSqliteAcdStateStore(db);
    state.saveAgentState({ agentId: 'alice', status: 'paused', pauseReason: 'lunch', statusSince: T0, idleSince: T0, wrapUpUntil: null, handled: 3, talkMs: 1000 });
    createSqliteApiKeyStore(db).insert({ id: 'k1', name: 'alice desk', role: 'agent', prefix: 'sbk_x', hash: 'h1', createdAt: T0, lastUsedAt: null, revokedAt: null, agentId: 'alice' });
    expect(store.deleteAgent('alice')).toBe(true);
    expect(store.deleteAgent('alice')).toBe(false);
    expect(state.loadAgentStates()).toEqual([]);
    expect(createSqliteApiKeyStore(db).list()[0]?.agentId).toBeNull();
  });

  it('given queues put, when read, then every field comes back as written, ordered by id', () => {
    const support = queue('support', { overflowQueue: 'sales', maxWaitSec: 300, steps: [{ afterSec: 20, skills: [{ skill: 'billing', minProficiency: 1 }], dropSkills: ['*'] }, { afterSec: 60, overflowQueue: 'sales' }] });
    store.putQueue(support);
    store.putQueue(queue('sales', { strategy: 'ring-all', preferredAgentSec: 30 }));
    expect(store.listQueues().map((q) => q.id)).toEqual(['sales', 'support']);
    expect(store.getQueue('support')).toEqual(support);
    store.putQueue({ ...support, name: 'Support desk' });
    expect(store.getQueue('support')?.name).toBe('Support desk');
    expect(store.deleteQueue('support')).toBe(true);
    expect(store.getQueue('support')).toBeUndefined();
    expect(store.deleteQueue('support')).toBe(false);
  });

  it('given pause reasons put and deleted, when listed, then they reflect the changes', () => {
    store.putPauseReason({ code: 'coaching', label: 'Coaching', productive: true });
    store.putPauseReason({ code: 'break', label: 'Short break', productive: false });
    expect(store.listPauseReasons()).toContainEqual({ code: 'coaching', label: 'Coaching', productive: true });
    expect(store.listPauseReasons()).toContainEqual({ code: 'break', label: 'Short break', productive: false });
    expect(store.deletePauseReason('coaching')).toBe(true);
    expect(store.deletePauseReason('coaching')).toBe(false);
    expect(store.listPauseReasons().map((r) => r.code)).not.toContain('coaching');
  });

  it('given the store reopened on the same file, when read, then the configuration survived', () => {
    store.putSkill({ id: 'billing', description: '' });
    store.putAgent(agent('alice'));
    store.putQueue(queue('support'));
    const file = db.name;
    db.close();
    db = openDatabase(file);
    const reopened = createSqliteAcdConfigStore(db, () => clock);
    expect(reopened.getAgent('alice')).toEqual(agent('alice'));
    expect(reopened.getQueue('support')).toEqual(queue('support'));
    expect(reopened.listSkills()).toEqual([{ id: 'billing', description: '' }]);
  });
});
