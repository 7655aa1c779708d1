import type { TimerTask, Work } from './engine-state.js';

export function startTimer(w: Work, task: TimerTask, at: number, label: string): string {
  const timerId = `acd-${label}-${++w.s.timerSeq}`;
  w.s.timers.set(timerId, task);
  w.effects.push({ type: 'startTimer', timerId, at });
  return timerId;
}

/** Cancels a pending timer; one that already fired (or null) needs nothing. */
export function cancelTimer(w: Work, timerId: string | null): void {
  if (timerId === null || !w.s.timers.delete(timerId)) return;
  w.effects.push({ type: 'cancelTimer', timerId });
}
