import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyStore, Role } from '../ports/api-key-store.js';
import { ROLES } from '../ports/api-key-store.js';

const KEY_PREFIX = 'sbk_';
const TOUCH_EVERY_MS = 60_000;

// Keys are 256 random bits; a plain SHA-256 is enough to store them (no password stretching is
// needed for high-entropy secrets), and lets a lookup go by hash instead of scanning every key.
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface ApiKeyService {
  /** agentId ties an agent-role key to one agent; the caller checks that the agent exists. */
  create(name: string, role: Role, now: number, agentId?: string | null): { key: string; record: ApiKeyRecord };
  verify(presented: string, now: number): ApiKeyRecord | undefined;
  list(): ApiKeyRecord[];
  revoke(id: string, now: number): boolean;
}

export function createApiKeyService(store: ApiKeyStore): ApiKeyService {
  const lastTouched = new Map<string, number>();
  return {
    create(name, role, now, agentId = null) {
      if (agentId !== null && role !== 'agent') throw new Error(`only an agent key can be tied to an agent (role ${role})`);
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const record: ApiKeyRecord = { id: randomUUID(), name, role, prefix: key.slice(0, 10), createdAt: now, lastUsedAt: null, revokedAt: null, agentId };
      store.insert({ ...record, hash: hashKey(key) });
      return { key, record };
    },
    verify(presented, now) {
      if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return undefined;
      // Looked up by hash: timing reveals at most the hash's prefix, which does not help forge a key.
      const record = store.findByHash(hashKey(presented));
      if (!record) return undefined;
      if (now - (lastTouched.get(record.id) ?? 0) > TOUCH_EVERY_MS) {
        lastTouched.set(record.id, now);
        store.touch(record.id, now);
      }
      return record;
    },
    list: () => store.list(),
    revoke: (id, now) => store.revoke(id, now),
  };
}
