import type { Contact, ContactIdentifier } from './contact-types.js';

export type MergeRefusal = 'same_contact' | 'already_merged';

export interface MergePlan {
  survivorId: string;
  mergedId: string;
  /** Identifiers of the merged contact that move to the survivor as they are. */
  move: ContactIdentifier[];
  /** Identifiers of the merged contact the survivor already has: dropped (the audit keeps them). */
  drop: ContactIdentifier[];
  /** The survivor's untrusted copies that become trusted because the merged contact had them trusted. */
  upgrade: ContactIdentifier[];
  /** What the audit row records: enough to see, and later undo, what moved. */
  audit: {
    survivor: { id: string; name: string };
    merged: { id: string; name: string };
    identifiers: { kind: string; value: string; trusted: boolean; source: string; outcome: 'moved' | 'dropped' | 'upgraded' }[];
    conversationIds: string[];
  };
}

const keyOf = (i: { kind: string; value: string }) => `${i.kind}\u0000${i.value}`;

/**
 * Folds `merged` into `survivor`. Pure: the store applies the plan in one transaction, deleting the
 * dropped rows before the upgrades so the one-trusted-owner index never sees two at once.
 */
export function planMerge(
  survivor: Contact,
  merged: Contact,
  survivorIdentifiers: readonly ContactIdentifier[],
  mergedIdentifiers: readonly ContactIdentifier[],
  conversationIds: readonly string[],
): { ok: true; plan: MergePlan } | { ok: false; code: MergeRefusal; message: string } {
  if (survivor.id === merged.id) return { ok: false, code: 'same_contact', message: 'a contact cannot be merged into itself' };
  for (const c of [survivor, merged]) {
    if (c.mergedInto !== null) return { ok: false, code: 'already_merged', message: `contact '${c.id}' was already merged into '${c.mergedInto}'` };
  }
  const own = new Map(survivorIdentifiers.map((i) => [keyOf(i), i]));
  const plan: MergePlan = {
    survivorId: survivor.id,
    mergedId: merged.id,
    move: [],
    drop: [],
    upgrade: [],
    audit: { survivor: { id: survivor.id, name: survivor.name }, merged: { id: merged.id, name: merged.name }, identifiers: [], conversationIds: [...conversationIds] },
  };
  for (const i of mergedIdentifiers) {
    const existing = own.get(keyOf(i));
    const entry = { kind: i.kind, value: i.value, trusted: i.trusted, source: i.source };
    if (!existing) {
      plan.move.push(i);
      plan.audit.identifiers.push({ ...entry, outcome: 'moved' });
      continue;
    }
    plan.drop.push(i);
    if (i.trusted && !existing.trusted) {
      plan.upgrade.push({ ...existing, trusted: true, source: i.source });
      plan.audit.identifiers.push({ ...entry, outcome: 'upgraded' });
    } else {
      plan.audit.identifiers.push({ ...entry, outcome: 'dropped' });
    }
  }
  return { ok: true, plan };
}

/**
 * Follows merged_into links to the contact that holds the history now. A chain (a into b, later b
 * into c) is followed to its end; a cycle, which merges refuse to create, ends the walk rather
 * than looping.
 */
export function resolveMerged(id: string, mergedInto: (id: string) => string | null | undefined): string | undefined {
  const seen = new Set<string>();
  let current = id;
  for (;;) {
    if (seen.has(current)) return undefined;
    seen.add(current);
    const next = mergedInto(current);
    if (next === undefined) return undefined;
    if (next === null) return current;
    current = next;
  }
}
