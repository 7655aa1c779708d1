import type { ApiKeyRecord, ApiKeyStore, Role } from '../../ports/api-key-store.js';
import type { Db } from './database.js';

interface KeyRow { id: string; name: string; role: string; prefix: string; created_at: number; last_used_at: number | null; revoked_at: number | null; agent_id: string | null }

const toRecord = (r: KeyRow): ApiKeyRecord => ({
  id: r.id, name: r.name, role: r.role as Role, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, agentId: r.agent_id,
});

export function createSqliteApiKeyStore(db: Db): ApiKeyStore {
  const insert = db.prepare('INSERT INTO api_keys (id, name, role, prefix, hash, created_at, agent_id) VALUES (@id, @name, @role, @prefix, @hash, @createdAt, @agentId)');
  const byHash = db.prepare('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL');
  // Throttled in the caller; a write per request would make every GET a write transaction.
  const touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  const all = db.prepare('SELECT * FROM api_keys ORDER BY created_at');
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const count = db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL');
  return {
    insert: (k) => void insert.run(k),
    findByHash: (hash) => {
      const row = byHash.get(hash) as KeyRow | undefined;
      return row && toRecord(row);
    },
    touch: (id, at) => void touch.run(at, id),
    list: () => (all.all() as KeyRow[]).map(toRecord),
    revoke: (id, at) => revoke.run(at, id).changes > 0,
    count: () => (count.get() as { n: number }).n,
  };
}
