import type { Channel, SkillRequirement } from './acd-types.js';
import type { AcdState, Interaction, Work } from './engine-state.js';
import { compareKeys, SortedList } from './sorted-list.js';

// Waiting interactions, each in its queue's list and in one bucket keyed by channel and "anchor"
// (its required skill held by the fewest agents; '' when it requires nothing). An agent able to
// take an interaction holds its anchor, so an agent looks only at the buckets of its own skills.

export function bucketKey(channel: Channel, anchor: string): string {
  return `${channel}|${anchor}`;
}

function anchorOf(s: AcdState, requirements: SkillRequirement[]): string {
  let anchor = '';
  let fewest = Infinity;
  for (const r of requirements) {
    const n = s.agentsBySkill.get(r.skill)?.length ?? 0;
    if (n < fewest) {
      fewest = n;
      anchor = r.skill;
    }
  }
  return anchor;
}

export function addWaiting(w: Work, i: Interaction): void {
  const key = bucketKey(i.channel, anchorOf(w.s, i.requirements));
  let list = w.s.waiting.get(key);
  if (!list) w.s.waiting.set(key, (list = new SortedList<Interaction>(compareKeys)));
  list.insert(i);
  i.bucket = key;
  i.queue.waiting.insert(i);
  w.queuesChanged.add(i.queue.id);
}

export function removeWaiting(w: Work, i: Interaction): void {
  if (i.bucket === null) return;
  w.s.waiting.get(i.bucket)?.remove(i);
  i.bucket = null;
  i.queue.waiting.remove(i);
  w.queuesChanged.add(i.queue.id);
}

/** Changes what orders or indexes a waiting interaction (requirements, queue, priority) in place. */
export function rekey(w: Work, i: Interaction, change: () => void): void {
  const indexed = i.bucket !== null;
  if (indexed) removeWaiting(w, i);
  change();
  if (indexed) addWaiting(w, i);
}

/**
 * Visits the waiting interactions of these buckets in routing order until `visit` returns false.
 * Each step resumes after the last key seen, so `visit` may offer (remove) the one it is given.
 */
export function walkWaiting(s: AcdState, keys: Iterable<string>, visit: (i: Interaction) => boolean): void {
  const lists: SortedList<Interaction>[] = [];
  for (const key of keys) {
    const list = s.waiting.get(key);
    if (list && list.size > 0) lists.push(list);
  }
  let last: Interaction | null = null;
  for (;;) {
    let best: Interaction | undefined;
    for (const list of lists) {
      const head = list.after(last);
      if (head && (!best || compareKeys(head, best) < 0)) best = head;
    }
    if (!best) return;
    last = best;
    if (!visit(best)) return;
  }
}
