import type { Logger } from 'pino';
import type { AcdControl } from './acd-control.js';
import type { TodayCounters } from './stats-service.js';

export interface TodayFeedDeps {
  control: Pick<AcdControl, 'subscribe' | 'snapshots'>;
  today(queueId: string | null): TodayCounters[];
  logger: Logger;
  /** Counters of changed queues are pushed at most this often (default 1 s). */
  everyMs?: number;
  /** Every queue is pushed again this often, so a new day shows even on a quiet queue (default 60 s). */
  refreshMs?: number;
}

export type TodayListener = (counters: TodayCounters) => void;

// Today's offered / answered / abandoned / service level per queue, pushed on the live stream.
// Each queue change marks the queue; a tick recomputes marked queues from the stats projection, so
// a burst of events costs one query per queue per tick, not one per event.
export function createTodayFeed(deps: TodayFeedDeps) {
  const everyMs = deps.everyMs ?? 1_000;
  const refreshMs = deps.refreshMs ?? 60_000;
  const dirty = new Set<string>();
  const listeners = new Set<TodayListener>();
  const last = new Map<string, string>();

  const unsubscribe = deps.control.subscribe((e) => {
    if (e.type === 'queue') dirty.add(e.snapshot.queueId);
    else if (e.type === 'journal' && e.queueId) dirty.add(e.queueId);
  });

  const push = () => {
    if (listeners.size === 0 || dirty.size === 0) return;
    const queues = [...dirty];
    dirty.clear();
    for (const queueId of queues) {
      try {
        for (const counters of deps.today(queueId)) {
          // Unchanged counters are not sent again (most queue events are agent moves).
          const key = JSON.stringify({ ...counters, since: counters.since });
          if (last.get(queueId) === key) continue;
          last.set(queueId, key);
          for (const listener of listeners) listener(counters);
        }
      } catch (err) {
        deps.logger.warn({ err, queueId }, 'today feed: counters failed');
      }
    }
  };
  const tick = setInterval(push, everyMs);
  const refresh = setInterval(() => {
    for (const s of deps.control.snapshots()) dirty.add(s.queueId);
  }, refreshMs);
  tick.unref();
  refresh.unref();

  return {
    /** Today's counters now (every queue with null). */
    current: (queueId: string | null) => deps.today(queueId),
    subscribe(listener: TodayListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      clearInterval(tick);
      clearInterval(refresh);
      unsubscribe();
    },
  };
}

export type TodayFeed = ReturnType<typeof createTodayFeed>;
