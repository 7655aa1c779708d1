import type { AcdSettings } from './acd-types.js';
import { countStaffed } from './agent-index.js';
import type { AcdState, Interaction, QueueState } from './engine-state.js';

// Estimated wait by the position heuristic (research 2.3, method 3): k × AHT / N. It reacts to
// staffing at once; AHT is the plain mean of the queue's recent handle times (talk + wrap-up).

export function recordHandleTime(q: QueueState, ms: number, settings: AcdSettings): void {
  q.handleTimes.push(ms);
  if (q.handleTimes.length > settings.ahtWindow) q.handleTimes.splice(0, q.handleTimes.length - settings.ahtWindow);
}

export function averageHandleSec(q: QueueState, settings: AcdSettings): number {
  const times = q.handleTimes.slice(-settings.ahtWindow);
  if (times.length === 0) return settings.defaultAhtSec;
  return times.reduce((sum, t) => sum + t, 0) / times.length / 1000;
}

export function estimateWaitSec(position: number, ahtSec: number, staffed: number): number | null {
  return staffed > 0 ? Math.round((position * ahtSec) / staffed) : null;
}

/** 1-based place among the queue's waiting interactions (null when not waiting). */
export function positionOf(i: Interaction): number | null {
  if (i.phase !== 'waiting') return null;
  const k = i.queue.waiting.indexOf(i);
  return k < 0 ? null : k + 1;
}

export function staffedFor(s: AcdState, i: Interaction): number {
  return countStaffed(s.staffed, i.requirements);
}

export function ewtOf(s: AcdState, i: Interaction): { position: number | null; ewtSec: number | null } {
  const position = positionOf(i);
  if (position === null) return { position, ewtSec: null };
  return { position, ewtSec: estimateWaitSec(position, averageHandleSec(i.queue, s.settings), staffedFor(s, i)) };
}
