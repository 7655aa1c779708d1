import type { AgentActivity } from '../core/stats/agent-metrics.js';
import type { QueueFact } from '../core/stats/queue-fact.js';
import type { QueueRollup } from '../core/stats/queue-rollup.js';
import type { JournalRow, Visit } from '../core/stats/stats-types.js';

/**
 * The stats projection: facts folded from the ACD journal, kept up to date as rows are appended.
 * Derived data only: the journal stays the truth and the projection can be rebuilt from it.
 */
export interface StatsStore {
  /** Folds one row just appended to the journal (the journal store calls it in the same transaction). Never throws. */
  apply(row: JournalRow): void;
  /** Folds journal rows the projection has not seen yet (all of them when it is empty). */
  catchUp(): { applied: number };
  /** The last journal seq folded in: the projection changes only when this does. */
  version(): number;
  /** Drops the projection and folds the whole journal again. */
  rebuild(): { rows: number };
  /** Visits that entered a queue (or this queue) in [from, to). */
  visits(filter: { from: number; to: number; queueId?: string }): Visit[];
  /** The same visits as queue metrics read them: far cheaper to load a month of. */
  queueFacts(filter: { from: number; to: number; queueId?: string }): QueueFact[];
  /** Per-queue 15-minute rollups of the visits, of the slots starting in [from, to) (core/stats/queue-rollup.ts). */
  queueRollups(filter: { from: number; to: number; queueId?: string }): QueueRollup[];
  /** Agent status spans, handled visits and misses overlapping [from, to), by agent. */
  agentActivity(filter: { from: number; to: number; agentId?: string }): Map<string, AgentActivity>;
}
