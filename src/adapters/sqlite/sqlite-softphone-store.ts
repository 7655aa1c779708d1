import type { SoftphoneRecord, SoftphoneStore } from '../../ports/softphone-store.js';
import type { Db } from './database.js';

interface Row { id: string; caller_id: string; realm: string; secret: string; created_at: number; updated_at: number }

const toRecord = (r: Row): SoftphoneRecord => ({
  id: r.id, callerId: r.caller_id, realm: r.realm, secret: r.secret, createdAt: r.created_at, updatedAt: r.updated_at,
});

export function createSqliteSoftphoneStore(db: Db): SoftphoneStore {
  const all = db.prepare('SELECT * FROM softphones ORDER BY id');
  const one = db.prepare('SELECT * FROM softphones WHERE id = ?');
  const upsert = db.prepare(`INSERT INTO softphones (id, caller_id, realm, secret, created_at, updated_at)
    VALUES (@id, @callerId, @realm, @secret, @at, @at)
    ON CONFLICT (id) DO UPDATE SET caller_id = excluded.caller_id, realm = excluded.realm, secret = excluded.secret, updated_at = excluded.updated_at
    RETURNING *`);
  const remove = db.prepare('DELETE FROM softphones WHERE id = ?');

  return {
    list: () => (all.all() as Row[]).map(toRecord),
    get: (id) => {
      const row = one.get(id) as Row | undefined;
      return row ? toRecord(row) : null;
    },
    put: (s, at) => toRecord(upsert.get({ id: s.id, callerId: s.callerId, realm: s.realm, secret: s.secret, at }) as Row),
    delete: (id) => remove.run(id).changes > 0,
  };
}
