// Versioned schema migrations, applied in order inside one transaction each; PRAGMA user_version
// records the last one applied. Append new migrations; never edit one that has shipped.
export const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'calls, call journal, api keys',
    sql: `
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        caller_number TEXT NOT NULL DEFAULT '',
        caller_name TEXT NOT NULL DEFAULT '',
        dialed TEXT NOT NULL DEFAULT '',
        flow_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER,
        duration_ms INTEGER,
        talk_ms INTEGER,
        hangup_cause INTEGER,
        hangup_cause_text TEXT,
        end_reason TEXT
      );
      CREATE INDEX calls_started_at ON calls (started_at);
      CREATE INDEX calls_status ON calls (status) WHERE status = 'active';
      CREATE INDEX calls_channel ON calls (channel_id);
      CREATE INDEX calls_caller ON calls (caller_number);
      CREATE INDEX calls_dialed ON calls (dialed);

      -- The append-only journal: every state change of every call, the source later stats derive from.
      CREATE TABLE call_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        call_id TEXT NOT NULL REFERENCES calls (id),
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX call_events_call ON call_events (call_id, seq);
      CREATE TRIGGER call_events_no_update BEFORE UPDATE ON call_events
        BEGIN SELECT RAISE(ABORT, 'call_events is append-only'); END;
      CREATE TRIGGER call_events_no_delete BEFORE DELETE ON call_events
        BEGIN SELECT RAISE(ABORT, 'call_events is append-only'); END;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
    `,
  },
];
