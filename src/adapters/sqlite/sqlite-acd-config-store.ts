import { CHANNELS, DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY, type AgentConfig, type Channel, type PauseReason, type QueueConfig } from '../../core/acd/acd-types.js';
import type { AcdConfigStore, SkillRecord } from '../../ports/acd-store.js';
import type { Db } from './database.js';

interface NamedRow { id: string; name: string; config: string }
interface ReasonRow { code: string; label: string; productive: number }

const asObject = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function parseObject(json: string): Record<string, unknown> {
  try {
    return asObject(JSON.parse(json));
  } catch {
    return {};
  }
}

const isChannel = (v: unknown): v is Channel => typeof v === 'string' && (CHANNELS as readonly string[]).includes(v);

// Rows are written whole from validated configs; reading fills only what a row written before a
// channel existed cannot hold, so adding a channel needs no data migration.
function toAgent(r: NamedRow): AgentConfig {
  const c = parseObject(r.config);
  const capacity = asObject(c.capacity);
  const busy = asObject(c.offerWhileBusy);
  const skills = asObject(c.skills);
  return {
    id: r.id,
    name: r.name,
    endpoints: Array.isArray(c.endpoints) ? c.endpoints.filter((e): e is string => typeof e === 'string') : [],
    skills: Object.fromEntries(Object.entries(skills).filter((e): e is [string, number] => typeof e[1] === 'number')),
    capacity: Object.fromEntries(CHANNELS.map((ch) => [ch, typeof capacity[ch] === 'number' ? capacity[ch] : DEFAULT_CAPACITY[ch]])) as Record<Channel, number>,
    offerWhileBusy: Object.fromEntries(
      CHANNELS.map((ch) => {
        const list = busy[ch];
        return [ch, Array.isArray(list) ? list.filter(isChannel) : [...DEFAULT_OFFER_WHILE_BUSY[ch]]];
      }),
    ) as Record<Channel, Channel[]>,
  };
}

const NO_RECORDING = { mode: 'never', consentPrompt: null, retentionDays: null } as const;
// A queue saved before recording existed is never recorded until an admin says otherwise.
const toQueue = (r: NamedRow): QueueConfig => {
  const config = parseObject(r.config) as Omit<QueueConfig, 'id' | 'name'>;
  return { ...config, recording: { ...NO_RECORDING, ...config.recording }, id: r.id, name: r.name };
};

export function createSqliteAcdConfigStore(db: Db, now: () => number): AcdConfigStore {
  const skills = db.prepare('SELECT id, description FROM acd_skills ORDER BY id');
  const upsertSkill = db.prepare('INSERT INTO acd_skills (id, description) VALUES (@id, @description) ON CONFLICT (id) DO UPDATE SET description = excluded.description');
  const removeSkill = db.prepare('DELETE FROM acd_skills WHERE id = ?');

  const agents = db.prepare('SELECT id, name, config FROM acd_agents ORDER BY id');
  const agent = db.prepare('SELECT id, name, config FROM acd_agents WHERE id = ?');
  const upsertAgent = db.prepare(`INSERT INTO acd_agents (id, name, config, created_at, updated_at) VALUES (@id, @name, @config, @at, @at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, updated_at = excluded.updated_at`);
  const removeAgent = db.prepare('DELETE FROM acd_agents WHERE id = ?');
  const removeAgentState = db.prepare('DELETE FROM acd_agent_state WHERE agent_id = ?');

  const queues = db.prepare('SELECT id, name, config FROM acd_queues ORDER BY id');
  const queue = db.prepare('SELECT id, name, config FROM acd_queues WHERE id = ?');
  const upsertQueue = db.prepare(`INSERT INTO acd_queues (id, name, config, created_at, updated_at) VALUES (@id, @name, @config, @at, @at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, updated_at = excluded.updated_at`);
  const removeQueue = db.prepare('DELETE FROM acd_queues WHERE id = ?');

  const reasons = db.prepare('SELECT code, label, productive FROM acd_pause_reasons ORDER BY code');
  const upsertReason = db.prepare(`INSERT INTO acd_pause_reasons (code, label, productive) VALUES (@code, @label, @productive)
    ON CONFLICT (code) DO UPDATE SET label = excluded.label, productive = excluded.productive`);
  const removeReason = db.prepare('DELETE FROM acd_pause_reasons WHERE code = ?');

  // A deleted agent's saved status would otherwise come back if an agent with the same id is created.
  const deleteAgent = db.transaction((id: string): boolean => {
    const removed = removeAgent.run(id).changes > 0;
    if (removed) removeAgentState.run(id);
    return removed;
  });

  return {
    listSkills: () => skills.all() as SkillRecord[],
    putSkill: (s) => void upsertSkill.run({ id: s.id, description: s.description }),
    deleteSkill: (id) => removeSkill.run(id).changes > 0,

    listAgents: () => (agents.all() as NamedRow[]).map(toAgent),
    getAgent: (id) => {
      const row = agent.get(id) as NamedRow | undefined;
      return row && toAgent(row);
    },
    putAgent: ({ id, name, endpoints, skills: agentSkills, capacity, offerWhileBusy }) =>
      void upsertAgent.run({ id, name, config: JSON.stringify({ endpoints, skills: agentSkills, capacity, offerWhileBusy }), at: now() }),
    deleteAgent: (id) => deleteAgent(id),

    listQueues: () => (queues.all() as NamedRow[]).map(toQueue),
    getQueue: (id) => {
      const row = queue.get(id) as NamedRow | undefined;
      return row && toQueue(row);
    },
    putQueue: ({ id, name, ...config }) => void upsertQueue.run({ id, name, config: JSON.stringify(config), at: now() }),
    deleteQueue: (id) => removeQueue.run(id).changes > 0,

    listPauseReasons: () => (reasons.all() as ReasonRow[]).map((r): PauseReason => ({ code: r.code, label: r.label, productive: r.productive === 1 })),
    putPauseReason: (r) => void upsertReason.run({ code: r.code, label: r.label, productive: r.productive ? 1 : 0 }),
    deletePauseReason: (code) => removeReason.run(code).changes > 0,
  };
}
