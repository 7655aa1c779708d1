import { OPEN_TALK_CAP_MS, type AgentActivity } from '../../core/stats/agent-metrics.js';
import { contextNeeds, project, ROWS_WITH_DATA, type ProjectionChange } from '../../core/stats/journal-projection.js';
import { createReplay } from '../../core/stats/journal-replay.js';
import { decodeQueueFacts, encodeQueueFact, type QueueFact } from '../../core/stats/queue-fact.js';
import { applyVisit, decodeRollups, emptyRollup, encodeRollup, maxWaitLost, rollupKeyOf, rollupKeyText, rollupsOf, SLOT_MS, type QueueRollup, type RollupKey } from '../../core/stats/queue-rollup.js';
import type { AgentSpan, CallbackResult, JournalRow, Miss, Visit, VisitOutcome } from '../../core/stats/stats-types.js';
import type { StatsStore } from '../../ports/stats-store.js';
import type { Db } from './database.js';

// The stats projection in SQLite (migrations 5 and 6). The fold itself is core's; this only reads
// the context a row needs, writes what the fold returns (and the rollups it changes), and
// remembers the last journal seq folded.

export interface SqliteStatsStoreOptions {
  /** A fold that failed (a bug): the journal row is kept, the projection catches up later. */
  onError?: (err: unknown, seq: number) => void;
}

const VISIT_COLUMNS = 'interaction_id, visit, queue_id, channel, call_id, entered_at, wait_start, ewt_sec, ewt_at, overflow_in, transfer_in, outcome, outcome_at, agent_id, answered_at, ended_at, wrap_start, wrap_end, wrap_final, misses, transfer_out, callback_result';
type VisitRaw = [string, number, string, string, string | null, number, number, number | null, number | null, number, number, string | null, number | null, string | null, number | null, number | null, number | null, number | null, number, number, number, string | null];
type SpanRaw = [string, number, number, number | null, string, string | null, number];
type HandledRaw = [string, number | null, number | null, number | null, number | null, number];
type MissRaw = [number, number, string, string | null, string | null];
type EventRaw = [number, number, string, string | null, string | null, string | null, string | null, string];

const toVisit = (r: VisitRaw): Visit => ({
  interactionId: r[0], visit: r[1], queueId: r[2], channel: r[3] === 'callback' ? 'callback' : 'voice', callId: r[4], enteredAt: r[5], waitStart: r[6],
  ewtSec: r[7], ewtAt: r[8], overflowIn: r[9] === 1, transferIn: r[10] === 1, outcome: r[11] as VisitOutcome | null, outcomeAt: r[12], agentId: r[13],
  answeredAt: r[14], endedAt: r[15], wrapStart: r[16], wrapEnd: r[17], wrapFinal: r[18] === 1, misses: r[19], transferOut: r[20] === 1,
  callbackResult: r[21] as CallbackResult | null,
});
const toSpan = (r: SpanRaw): AgentSpan => ({ agentId: r[0], openedSeq: r[1], start: r[2], end: r[3], status: r[4] === 'paused' ? 'paused' : 'available', reason: r[5], productive: r[6] === 1 });
const visitKey = (v: Visit) => `${v.interactionId}\u0000${v.visit}`;
const toMiss = (r: MissRaw): Miss => ({ seq: r[0], at: r[1], agentId: r[2], queueId: r[3], interactionId: r[4] });

function parseData(type: string, json: string): Record<string, unknown> {
  if (!ROWS_WITH_DATA.has(type)) return {};
  try {
    const data = JSON.parse(json) as unknown;
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
const toRow = (r: EventRaw): JournalRow => ({ seq: r[0], at: r[1], type: r[2], interactionId: r[3], agentId: r[4], queueId: r[5], callId: r[6], data: parseData(r[2], r[7]) });

const visitParams = (v: Visit) => [
  v.interactionId, v.visit, v.queueId, v.channel, v.callId, v.enteredAt, v.waitStart, v.ewtSec, v.ewtAt, v.overflowIn ? 1 : 0, v.transferIn ? 1 : 0,
  v.outcome, v.outcomeAt, v.agentId, v.answeredAt, v.endedAt, v.wrapStart, v.wrapEnd, v.wrapFinal ? 1 : 0, v.misses, v.transferOut ? 1 : 0, v.callbackResult,
  v.answeredAt === null ? null : (v.wrapEnd ?? v.endedAt),
  encodeQueueFact(v),
];

/**
 * Keeps stats_queue_rollups equal to the rollups of stats_visits: a changed visit's old version is
 * taken out of its rollup and the new one put in (the two may be different rollups: a `full`
 * visit that then overflows moves to the overflow rollup).
 */
function createRollupWriter(db: Db) {
  const get = db.prepare("SELECT agg FROM stats_queue_rollups WHERE slot = ? AND queue_id = ? AND overflow = ?").pluck();
  const put = db.prepare('INSERT INTO stats_queue_rollups (slot, queue_id, overflow, agg) VALUES (?, ?, ?, ?)');
  // An existing rollup only changes its agg: an UPDATE leaves the keys and the index alone.
  const set = db.prepare('UPDATE stats_queue_rollups SET agg = ? WHERE slot = ? AND queue_id = ? AND overflow = ?');
  const drop = db.prepare('DELETE FROM stats_queue_rollups WHERE slot = ? AND queue_id = ? AND overflow = ?');
  const slotFacts = db.prepare("SELECT '[' || coalesce(group_concat(fact, ','), '') || ']' FROM stats_visits WHERE queue_id = ? AND entered_at >= ? AND entered_at < ?").pluck();
  const ready = db.prepare('UPDATE stats_projection SET rollups_ready = 1 WHERE id = 1');

  const save = (r: QueueRollup, existed: boolean) => {
    const overflow = r.overflow ? 1 : 0;
    if (r.visits === 0) drop.run(r.slot, r.queueId, overflow);
    else if (existed) set.run(encodeRollup(r), r.slot, r.queueId, overflow);
    else put.run(r.slot, r.queueId, overflow, encodeRollup(r));
  };
  const load = (k: RollupKey): QueueRollup | null => {
    const json = get.get(k.slot, k.queueId, k.overflow ? 1 : 0) as string | undefined;
    return json === undefined ? null : decodeRollups(`[${json}]`)[0]!;
  };
  /** From the slot's visits, as they are now written. */
  const recount = (k: RollupKey): QueueRollup => {
    const facts = decodeQueueFacts(slotFacts.get(k.queueId, k.slot, k.slot + SLOT_MS) as string);
    return rollupsOf(facts).get(rollupKeyText(k)) ?? emptyRollup(k.queueId, k.slot, k.overflow);
  };

  return {
    /** After the visits are written: `before` are the old versions of those that existed. */
    update(before: QueueFact[], after: QueueFact[]): void {
      const touched = new Map<string, { key: RollupKey; adds: QueueFact[]; removes: QueueFact[] }>();
      const at = (v: QueueFact) => {
        const key = rollupKeyOf(v);
        const text = rollupKeyText(key);
        return touched.get(text) ?? touched.set(text, { key, adds: [], removes: [] }).get(text)!;
      };
      for (const v of after) at(v).adds.push(v);
      for (const v of before) at(v).removes.push(v);
      for (const { key, adds, removes } of touched.values()) {
        const stored = load(key);
        const r = stored ?? emptyRollup(key.queueId, key.slot, key.overflow);
        // Adding first: a visit whose wait is unchanged never takes the maximum away.
        for (const v of adds) applyVisit(r, v, 1);
        for (const v of removes) applyVisit(r, v, -1);
        save(maxWaitLost(r) ? recount(key) : r, stored !== null);
      }
    },
    rebuild(visits: Iterable<QueueFact>): void {
      db.exec('DELETE FROM stats_queue_rollups');
      for (const r of rollupsOf(visits).values()) save(r, false);
      ready.run();
    },
  };
}

export function createSqliteStatsStore(db: Db, options: SqliteStatsStoreOptions = {}): StatsStore {
  const putVisit = db.prepare(`INSERT OR REPLACE INTO stats_visits (${VISIT_COLUMNS}, handle_end, fact) VALUES (${'?, '.repeat(23)}?)`);
  const putSpan = db.prepare('INSERT OR REPLACE INTO stats_agent_spans (agent_id, opened_seq, start_at, end_at, status, reason, productive) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const putMiss = db.prepare('INSERT OR IGNORE INTO stats_misses (seq, at, agent_id, queue_id, interaction_id) VALUES (?, ?, ?, ?, ?)');
  const visitsOf = db.prepare(`SELECT ${VISIT_COLUMNS} FROM stats_visits WHERE interaction_id = ? ORDER BY visit`).raw();
  const openSpanOf = db.prepare('SELECT agent_id, opened_seq, start_at, end_at, status, reason, productive FROM stats_agent_spans WHERE agent_id = ? AND end_at IS NULL ORDER BY opened_seq DESC LIMIT 1').raw();
  const openWrapsOf = db.prepare(`SELECT ${VISIT_COLUMNS} FROM stats_visits WHERE agent_id = ? AND wrap_start IS NOT NULL AND wrap_final = 0`).raw();
  const state = db.prepare('SELECT last_seq, rollups_ready FROM stats_projection WHERE id = 1').raw();
  const lastSeq = () => (state.get() as [number, number])[0];
  const rollupsReady = () => (state.get() as [number, number])[1] === 1;
  const setLastSeq = db.prepare('UPDATE stats_projection SET last_seq = ? WHERE id = 1');
  const factOf = db.prepare('SELECT fact FROM stats_visits WHERE interaction_id = ? AND visit = ?').pluck();
  const rollups = createRollupWriter(db);
  const journalSeq = db.prepare('SELECT seq FROM acd_events ORDER BY seq DESC LIMIT 1').pluck();
  const journalAfter = db.prepare('SELECT seq, at, type, interaction_id, agent_id, queue_id, call_id, data FROM acd_events WHERE seq > ? ORDER BY seq').raw();
  const visitsIn = db.prepare(`SELECT ${VISIT_COLUMNS} FROM stats_visits WHERE entered_at >= ? AND entered_at < ?`).raw();
  const queueVisitsIn = db.prepare(`SELECT ${VISIT_COLUMNS} FROM stats_visits WHERE queue_id = ? AND entered_at >= ? AND entered_at < ?`).raw();
  const factsIn = db.prepare("SELECT '[' || coalesce(group_concat(fact, ','), '') || ']' FROM stats_visits WHERE entered_at >= ? AND entered_at < ?").pluck();
  const queueFactsIn = db.prepare("SELECT '[' || coalesce(group_concat(fact, ','), '') || ']' FROM stats_visits WHERE queue_id = ? AND entered_at >= ? AND entered_at < ?").pluck();
  const rollupsIn = db.prepare("SELECT '[' || coalesce(group_concat(agg, ','), '') || ']' FROM stats_queue_rollups WHERE slot >= ? AND slot < ?").pluck();
  const queueRollupsIn = db.prepare("SELECT '[' || coalesce(group_concat(agg, ','), '') || ']' FROM stats_queue_rollups WHERE queue_id = ? AND slot >= ? AND slot < ?").pluck();
  // Two index ranges, not one OR (which scans the table): work that ended in the range (bounded
  // above, so a day mid-month does not read every later visit; work on one interaction lasting over
  // a day is past OPEN_TALK_CAP_MS anyway), and conversations with no end yet.
  const handledCols = 'agent_id, answered_at, ended_at, wrap_start, wrap_end, wrap_final';
  const handledSql = (agent: string) => `SELECT ${handledCols} FROM stats_visits WHERE agent_id IS NOT NULL ${agent} AND handle_end >= @from AND handle_end < @to + 86400000 AND answered_at < @to
    UNION ALL SELECT ${handledCols} FROM stats_visits WHERE agent_id IS NOT NULL ${agent} AND handle_end IS NULL AND answered_at >= @from - ${OPEN_TALK_CAP_MS} AND answered_at < @to`;
  const handledIn = db.prepare(handledSql('')).raw();
  const agentHandledIn = db.prepare(handledSql('AND agent_id = @agent')).raw();
  const spanCols = 'agent_id, opened_seq, start_at, end_at, status, reason, productive';
  const spansIn = db.prepare(`SELECT ${spanCols} FROM stats_agent_spans WHERE start_at < @to AND (end_at > @from OR end_at IS NULL)`).raw();
  const agentSpansIn = db.prepare(`SELECT ${spanCols} FROM stats_agent_spans WHERE agent_id = @agent AND start_at < @to AND (end_at > @from OR end_at IS NULL)`).raw();
  const missesIn = db.prepare('SELECT seq, at, agent_id, queue_id, interaction_id FROM stats_misses WHERE at >= @from AND at < @to').raw();
  const agentMissesIn = db.prepare('SELECT seq, at, agent_id, queue_id, interaction_id FROM stats_misses WHERE agent_id = @agent AND at >= @from AND at < @to').raw();

  const write = (change: ProjectionChange) => {
    for (const v of change.visits) putVisit.run(visitParams(v));
    for (const s of change.spans) putSpan.run(s.agentId, s.openedSeq, s.start, s.end, s.status, s.reason, s.productive ? 1 : 0);
    for (const m of change.misses) putMiss.run(m.seq, m.at, m.agentId, m.queueId, m.interactionId);
  };

  const foldOne = (row: JournalRow) => {
    const needs = contextNeeds(row);
    const openSpan = needs.openSpan ? (openSpanOf.get(row.agentId) as SpanRaw | undefined) : undefined;
    const ctx = {
      visits: needs.visits ? (visitsOf.all(row.interactionId) as VisitRaw[]).map(toVisit) : [],
      openSpan: openSpan ? toSpan(openSpan) : null,
      openWrapUps: needs.openWrapUps ? (openWrapsOf.all(row.agentId) as VisitRaw[]).map(toVisit) : [],
    };
    const change = project(row, ctx);
    // What each changed visit was before: its rollup loses that and gains the new version. The
    // context holds it (with every visit of the interaction loaded, one not there is new).
    const known = new Map([...ctx.visits, ...ctx.openWrapUps].map((v) => [visitKey(v), v]));
    const before: QueueFact[] = [];
    for (const v of change.visits) {
      const old = known.get(visitKey(v)) ?? (needs.visits && v.interactionId === row.interactionId ? undefined : (factOf.get(v.interactionId, v.visit) as string | undefined));
      if (old !== undefined) before.push(typeof old === 'string' ? decodeQueueFacts(`[${old}]`)[0]! : old);
    }
    write(change);
    rollups.update(before, change.visits);
    setLastSeq.run(row.seq);
  };

  /** Every journal row folded in memory, then written at once: far faster than a query per row. */
  const replayAll = (): number => {
    const replay = createReplay();
    let rows = 0;
    let last = 0;
    for (const raw of journalAfter.iterate(0) as Iterable<EventRaw>) {
      replay.apply(toRow(raw));
      last = raw[0];
      rows++;
    }
    const facts = replay.facts();
    write(facts);
    rollups.rebuild(facts.visits);
    setLastSeq.run(last);
    return rows;
  };

  const clear = () =>
    db.exec('DELETE FROM stats_visits; DELETE FROM stats_agent_spans; DELETE FROM stats_misses; DELETE FROM stats_queue_rollups; UPDATE stats_projection SET last_seq = 0, rollups_ready = 0;');

  const catchUp = db.transaction((): number => {
    const from = lastSeq();
    const to = (journalSeq.get() as number | undefined) ?? 0;
    // A projection from before migration 6: its rollups come from its visits, not the journal.
    if (!rollupsReady()) rollups.rebuild(decodeQueueFacts(factsIn.get(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) as string));
    if (to <= from) return 0;
    if (from === 0) {
      clear();
      return replayAll();
    }
    const rows = (journalAfter.all(from) as EventRaw[]).map(toRow);
    for (const row of rows) foldOne(row);
    return rows.length;
  });

  // Nested in the journal insert's transaction this is a savepoint: a failed fold rolls back
  // alone, and the journal row it was about still commits.
  const applyOne = db.transaction((row: JournalRow) => {
    if (row.seq === lastSeq() + 1 && rollupsReady()) foldOne(row);
    else catchUp();
  });

  // After a failed fold, appends stop folding (each would retry the whole backlog); the next
  // catchUp, which every query runs, tries again.
  let stale = false;

  return {
    apply(row) {
      if (stale) return;
      try {
        applyOne(row);
      } catch (err) {
        stale = true;
        options.onError?.(err, row.seq);
      }
    },
    catchUp() {
      const applied = catchUp();
      stale = false;
      return { applied };
    },
    version: () => lastSeq(),
    rebuild: db.transaction(() => {
      clear();
      return { rows: replayAll() };
    }),
    visits: ({ from, to, queueId }) =>
      ((queueId === undefined ? visitsIn.all(from, to) : queueVisitsIn.all(queueId, from, to)) as VisitRaw[]).map(toVisit),
    queueFacts: ({ from, to, queueId }) => decodeQueueFacts((queueId === undefined ? factsIn.get(from, to) : queueFactsIn.get(queueId, from, to)) as string),
    queueRollups: ({ from, to, queueId }) => decodeRollups((queueId === undefined ? rollupsIn.get(from, to) : queueRollupsIn.get(queueId, from, to)) as string),
    agentActivity({ from, to, agentId }) {
      const params = agentId === undefined ? { from, to } : { from, to, agent: agentId };
      const pick = <T>(all: T, one: T) => (agentId === undefined ? all : one);
      const spans = (pick(spansIn, agentSpansIn).all(params) as SpanRaw[]).map(toSpan);
      const visits = pick(handledIn, agentHandledIn).all(params) as HandledRaw[];
      const misses = (pick(missesIn, agentMissesIn).all(params) as MissRaw[]).map(toMiss);
      const byAgent = new Map<string, AgentActivity>();
      const of = (id: string) => byAgent.get(id) ?? byAgent.set(id, { spans: [], visits: [], misses: [] }).get(id)!;
      for (const s of spans) of(s.agentId).spans.push(s);
      for (const [agent, answeredAt, endedAt, wrapStart, wrapEnd, wrapFinal] of visits) of(agent).visits.push({ answeredAt, endedAt, wrapStart, wrapEnd, wrapFinal: wrapFinal === 1 });
      for (const m of misses) of(m.agentId).misses.push(m);
      return byAgent;
    },
  };
}
