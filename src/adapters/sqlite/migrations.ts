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
  {
    version: 2,
    name: 'flow version, node path and tags on calls; journal index for node stats; calendar overrides',
    sql: `
      -- Existing rows keep the defaults: migration 1 journals never named a flow version, and
      -- rebuilding paths from old journals is not worth a migration that could fail half-way.
      ALTER TABLE calls ADD COLUMN flow_version TEXT;
      ALTER TABLE calls ADD COLUMN last_node TEXT;
      ALTER TABLE calls ADD COLUMN node_path TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE calls ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      CREATE INDEX calls_flow ON calls (flow_id, started_at);

      -- Node stats scan one event type over a time range.
      CREATE INDEX call_events_type_at ON call_events (type, at);

      -- At most one supervisor override per calendar; the log below keeps the history.
      CREATE TABLE calendar_overrides (
        calendar_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        until INTEGER,
        reason TEXT,
        set_by TEXT,
        set_at INTEGER NOT NULL
      );

      CREATE TABLE calendar_override_log (
        id INTEGER PRIMARY KEY,
        calendar_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('set', 'cleared')),
        state TEXT NOT NULL,
        until INTEGER,
        reason TEXT,
        set_by TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX calendar_override_log_calendar ON calendar_override_log (calendar_id, id);
      CREATE TRIGGER calendar_override_log_no_update BEFORE UPDATE ON calendar_override_log
        BEGIN SELECT RAISE(ABORT, 'calendar_override_log is append-only'); END;
      CREATE TRIGGER calendar_override_log_no_delete BEFORE DELETE ON calendar_override_log
        BEGIN SELECT RAISE(ABORT, 'calendar_override_log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'ACD: skills, agents, queues, pause reasons, live state, journal; api keys tied to an agent; softphones',
    sql: `
      CREATE TABLE acd_skills (
        id TEXT PRIMARY KEY,
        description TEXT NOT NULL DEFAULT ''
      );

      -- Agent and queue settings as one JSON document each: they are read whole into the engine on
      -- every reload and never queried by field, and a new field needs no migration.
      CREATE TABLE acd_agents (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE acd_queues (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE acd_pause_reasons (
        code TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        productive INTEGER NOT NULL DEFAULT 0 CHECK (productive IN (0, 1))
      );
      INSERT INTO acd_pause_reasons (code, label, productive) VALUES
        ('break', 'Break', 0),
        ('lunch', 'Lunch', 0),
        ('training', 'Training', 1),
        ('back-office', 'Back office', 1),
        ('no-answer', 'No answer', 0);

      -- What an agent was doing when the server stopped; no foreign key to acd_agents: the ACD
      -- writes it on every change and must not fail because an admin deleted the agent meanwhile.
      CREATE TABLE acd_agent_state (
        agent_id TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('loggedOut', 'available', 'paused')),
        pause_reason TEXT,
        status_since INTEGER NOT NULL,
        idle_since INTEGER NOT NULL,
        wrap_up_until INTEGER,
        handled INTEGER NOT NULL DEFAULT 0,
        talk_ms INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE acd_waiting (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        call_id TEXT,
        enqueued_at INTEGER NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        skills TEXT NOT NULL DEFAULT '[]',
        -- Set while the caller talks to an agent: what a restart needs to re-adopt the conversation.
        connected TEXT,
        -- Who to call back ({number, name, attempt}) for a callback that keeps the caller's place.
        caller TEXT
      );

      -- The ACD's append-only journal (offers, answers, misses, pauses, wrap-ups); agent timelines
      -- and queue stats derive from it. call_id has no foreign key: chat and email have no call row.
      CREATE TABLE acd_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        interaction_id TEXT,
        agent_id TEXT,
        queue_id TEXT,
        call_id TEXT,
        data TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX acd_events_at ON acd_events (at);
      CREATE INDEX acd_events_agent_at ON acd_events (agent_id, at);
      CREATE INDEX acd_events_queue_at ON acd_events (queue_id, at);
      CREATE INDEX acd_events_interaction ON acd_events (interaction_id);
      CREATE INDEX acd_events_type_at ON acd_events (type, at);
      -- The preferred-agent lookup starts from the caller's calls (calls_caller) and needs their answers.
      CREATE INDEX acd_events_call ON acd_events (call_id);
      CREATE TRIGGER acd_events_no_update BEFORE UPDATE ON acd_events
        BEGIN SELECT RAISE(ABORT, 'acd_events is append-only'); END;
      CREATE TRIGGER acd_events_no_delete BEFORE DELETE ON acd_events
        BEGIN SELECT RAISE(ABORT, 'acd_events is append-only'); END;

      -- An agent-role key may act only for its agent. Deleting the agent unties the key rather than
      -- letting a later agent created with the same id inherit it.
      ALTER TABLE api_keys ADD COLUMN agent_id TEXT REFERENCES acd_agents (id) ON DELETE SET NULL;

      -- Agents' softphones, pushed to Asterisk (PJSIP endpoint, AOR and auth) on every ARI connect.
      -- No password: secret is Asterisk's password_digest, 'MD5:' + md5(id:realm:password), and the
      -- realm is pushed with it, so REGISTERs are challenged with the realm the digest was made for.
      CREATE TABLE softphones (
        id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^A-Za-z0-9_.-]*'),
        caller_id TEXT NOT NULL,
        realm TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'call recordings (one row per segment) and their audit trail',
    sql: `
      -- One row per recorded segment: a conversation with one agent (or a number the call was
      -- transferred to). A transfer starts a new segment of the same call; none replaces another.
      -- id is ours (never caller input) and is also the Asterisk recording name.
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^A-Za-z0-9_-]*'),
        call_id TEXT NOT NULL REFERENCES calls (id),
        segment INTEGER NOT NULL,
        interaction_id TEXT,
        queue_id TEXT,
        agent_id TEXT,
        -- The number a blind transfer dialled, for a segment with no agent.
        peer TEXT,
        caller_number TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('recording', 'paused', 'complete', 'failed')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        duration_ms INTEGER,
        -- Relative to <dataDir>/recordings; built from id and the date only.
        file TEXT,
        size_bytes INTEGER,
        sha256 TEXT,
        failure TEXT,
        -- [{at, until, by, reason}] in call time: where the file has a gap.
        pauses TEXT NOT NULL DEFAULT '[]',
        legal_hold INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
        -- null: kept until deleted by hand.
        retain_until INTEGER,
        deleted_at INTEGER,
        UNIQUE (call_id, segment)
      );
      CREATE INDEX recordings_started ON recordings (started_at);
      CREATE INDEX recordings_agent ON recordings (agent_id, started_at);
      CREATE INDEX recordings_queue ON recordings (queue_id, started_at);
      CREATE INDEX recordings_call ON recordings (call_id);
      CREATE INDEX recordings_retention ON recordings (retain_until) WHERE deleted_at IS NULL AND legal_hold = 0;

      -- Who paused, resumed, held, released, deleted or purged which recording, and why.
      CREATE TABLE recording_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        recording_id TEXT NOT NULL,
        call_id TEXT,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX recording_audit_recording ON recording_audit (recording_id, seq);
      CREATE TRIGGER recording_audit_no_update BEFORE UPDATE ON recording_audit
        BEGIN SELECT RAISE(ABORT, 'recording_audit is append-only'); END;
      CREATE TRIGGER recording_audit_no_delete BEFORE DELETE ON recording_audit
        BEGIN SELECT RAISE(ABORT, 'recording_audit is append-only'); END;
    `,
  },
  {
    version: 5,
    name: 'stats projection: queue visits, agent status spans and misses folded from acd_events',
    sql: `
      -- Derived from acd_events (src/core/stats/journal-projection.ts), updated in the transaction
      -- that appends each journal row; rebuilt from the journal when empty. Never a source of truth.
      CREATE TABLE stats_visits (
        interaction_id TEXT NOT NULL,
        visit INTEGER NOT NULL,
        queue_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        call_id TEXT,
        entered_at INTEGER NOT NULL,
        wait_start INTEGER NOT NULL,
        ewt_sec REAL,
        ewt_at INTEGER,
        overflow_in INTEGER NOT NULL,
        transfer_in INTEGER NOT NULL,
        outcome TEXT,
        outcome_at INTEGER,
        agent_id TEXT,
        answered_at INTEGER,
        ended_at INTEGER,
        wrap_start INTEGER,
        wrap_end INTEGER,
        wrap_final INTEGER NOT NULL,
        misses INTEGER NOT NULL,
        transfer_out INTEGER NOT NULL,
        callback_result TEXT,
        -- End of the agent's work on it (wrap-up end, else the conversation's end; null while talking).
        handle_end INTEGER,
        -- What queue metrics read, as one short JSON array (src/core/stats/queue-fact.ts): a month
        -- of visits comes back as one group_concat instead of 20 columns a row.
        fact TEXT NOT NULL,
        PRIMARY KEY (interaction_id, visit)
      ) WITHOUT ROWID;
      CREATE INDEX stats_visits_entered ON stats_visits (entered_at);
      CREATE INDEX stats_visits_queue_entered ON stats_visits (queue_id, entered_at);
      CREATE INDEX stats_visits_agent_handle ON stats_visits (agent_id, handle_end) WHERE agent_id IS NOT NULL;
      CREATE INDEX stats_visits_handle ON stats_visits (handle_end) WHERE agent_id IS NOT NULL;
      CREATE INDEX stats_visits_open_wrap ON stats_visits (agent_id) WHERE wrap_start IS NOT NULL AND wrap_final = 0;

      CREATE TABLE stats_agent_spans (
        agent_id TEXT NOT NULL,
        opened_seq INTEGER NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER,
        status TEXT NOT NULL,
        reason TEXT,
        productive INTEGER NOT NULL,
        PRIMARY KEY (agent_id, opened_seq)
      );
      CREATE INDEX stats_agent_spans_end ON stats_agent_spans (end_at);
      CREATE INDEX stats_agent_spans_open ON stats_agent_spans (agent_id) WHERE end_at IS NULL;

      CREATE TABLE stats_misses (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        queue_id TEXT,
        interaction_id TEXT
      );
      CREATE INDEX stats_misses_at ON stats_misses (at);
      CREATE INDEX stats_misses_agent_at ON stats_misses (agent_id, at);

      -- The last journal seq folded in: catching up after a crash or a failed fold starts after it.
      CREATE TABLE stats_projection (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_seq INTEGER NOT NULL
      );
      INSERT INTO stats_projection (id, last_seq) VALUES (1, 0);
    `,
  },
  {
    version: 6,
    name: 'stats rollups: per-queue 15-minute UTC sums of the visits in stats_visits',
    sql: `
      -- Derived from stats_visits (src/core/stats/queue-rollup.ts), updated in the same fold; a
      -- month over every queue reads these instead of every visit. One row per queue, 15-minute UTC
      -- slot of entered_at, and whether the visits overflowed out (the total over all queues leaves
      -- those out); agg is the rollup as one JSON array, read with one group_concat.
      CREATE TABLE stats_queue_rollups (
        slot INTEGER NOT NULL,
        queue_id TEXT NOT NULL,
        overflow INTEGER NOT NULL,
        agg TEXT NOT NULL,
        PRIMARY KEY (slot, queue_id, overflow)
      ) WITHOUT ROWID;
      CREATE INDEX stats_queue_rollups_queue ON stats_queue_rollups (queue_id, slot);
      -- 0 until the rollups hold every visit: the store fills them from stats_visits at its next
      -- catch-up (an existing projection is not folded again from the journal).
      ALTER TABLE stats_projection ADD COLUMN rollups_ready INTEGER NOT NULL DEFAULT 0;

      -- Agent time reads every handled visit of the range (a month is ~140,000): with every column
      -- it reads in the index, SQLite no longer looks each one up in the table (bench/stats-query.ts:
      -- that read went from ~350 to ~160 ms). Same key and filter as the index it replaces.
      DROP INDEX stats_visits_handle;
      CREATE INDEX stats_visits_handle_covering ON stats_visits (handle_end, agent_id, answered_at, ended_at, wrap_start, wrap_end, wrap_final) WHERE agent_id IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'contacts with identifiers and an audited merge; conversations with an append-only event journal',
    sql: `
      -- A contact merged away keeps its row and points at the survivor (merged_into), so ids held
      -- elsewhere (a widget session, an old link) still find the history.
      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        merged_into TEXT REFERENCES contacts (id),
        merged_at INTEGER,
        CHECK (merged_into IS NULL OR merged_into <> id)
      );

      -- value is normalized (E.164, lowercased email, ...). A trusted identifier belongs to one
      -- contact at most: that is what auto-linking relies on. Untrusted ones (typed into a chat
      -- form) may sit on several contacts and only ever suggest a merge.
      CREATE TABLE contact_identifiers (
        id INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts (id),
        kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'chat', 'external')),
        value TEXT NOT NULL CHECK (length(value) > 0),
        trusted INTEGER NOT NULL CHECK (trusted IN (0, 1)),
        source TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        UNIQUE (contact_id, kind, value)
      );
      CREATE UNIQUE INDEX contact_identifiers_trusted ON contact_identifiers (kind, value) WHERE trusted = 1;
      CREATE INDEX contact_identifiers_value ON contact_identifiers (kind, value);

      -- Who merged which contact into which, why, and what moved (identifiers, conversation ids).
      CREATE TABLE contact_merges (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        survivor_id TEXT NOT NULL,
        merged_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX contact_merges_survivor ON contact_merges (survivor_id, seq);
      CREATE INDEX contact_merges_merged ON contact_merges (merged_id, seq);
      CREATE TRIGGER contact_merges_no_update BEFORE UPDATE ON contact_merges
        BEGIN SELECT RAISE(ABORT, 'contact_merges is append-only'); END;
      CREATE TRIGGER contact_merges_no_delete BEFORE DELETE ON contact_merges
        BEGIN SELECT RAISE(ABORT, 'contact_merges is append-only'); END;

      -- Every call, chat, email thread and callback. contact_id is null only for a withheld caller.
      -- call_id has no foreign key: a callback conversation exists before its call does.
      -- last_seq is the journal's counter, bumped by the statement that reserves the next seq.
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        contact_id TEXT REFERENCES contacts (id),
        channel TEXT NOT NULL CHECK (channel IN ('voice', 'chat', 'email', 'callback')),
        status TEXT NOT NULL CHECK (status IN ('open', 'waiting', 'assigned', 'closed')),
        subject TEXT NOT NULL DEFAULT '',
        queue_id TEXT,
        agent_id TEXT,
        call_id TEXT,
        refs TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        closed_at INTEGER,
        last_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX conversations_contact ON conversations (contact_id, created_at);
      CREATE INDEX conversations_call ON conversations (call_id) WHERE call_id IS NOT NULL;
      CREATE INDEX conversations_open ON conversations (status, updated_at) WHERE status <> 'closed';

      -- The conversation's append-only journal: chat messages, emails (data points at the stored
      -- message), status changes, transfers. seq counts per conversation from 1 with no gaps; the
      -- chat protocol acks it and a reconnect replays after it. client_msg_id makes a retried send
      -- land once (NULLs never collide in a UNIQUE).
      CREATE TABLE conversation_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
        author_id TEXT,
        client_msg_id TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        UNIQUE (conversation_id, seq),
        UNIQUE (conversation_id, client_msg_id)
      );
      CREATE INDEX conversation_events_type_at ON conversation_events (type, at);
      CREATE TRIGGER conversation_events_no_update BEFORE UPDATE ON conversation_events
        BEGIN SELECT RAISE(ABORT, 'conversation_events is append-only'); END;
      CREATE TRIGGER conversation_events_no_delete BEFORE DELETE ON conversation_events
        BEGIN SELECT RAISE(ABORT, 'conversation_events is append-only'); END;
    `,
  },
  {
    version: 8,
    name: 'chat on the conversation journal: idempotency per author, message bodies, read marks per participant',
    sql: `
      -- Migration 7 made client_msg_id unique per conversation; the chat protocol makes it unique per
      -- (conversation, author), as two senders pick their ids independently. SQLite cannot drop a
      -- table constraint, so the journal is rebuilt with the same rows. body holds a chat message's
      -- text (data stays the kind-specific details). DROP TABLE fires no triggers, so the append-only
      -- triggers do not stop it; they are created again on the new table.
      CREATE TABLE conversation_events_v8 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
        author_id TEXT,
        client_msg_id TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        body TEXT,
        UNIQUE (conversation_id, seq),
        UNIQUE (conversation_id, author_kind, author_id, client_msg_id)
      );
      INSERT INTO conversation_events_v8 (id, conversation_id, seq, at, type, author_kind, author_id, client_msg_id, data)
        SELECT id, conversation_id, seq, at, type, author_kind, author_id, client_msg_id, data FROM conversation_events;
      DROP TABLE conversation_events;
      ALTER TABLE conversation_events_v8 RENAME TO conversation_events;
      CREATE INDEX conversation_events_type_at ON conversation_events (type, at);
      CREATE TRIGGER conversation_events_no_update BEFORE UPDATE ON conversation_events
        BEGIN SELECT RAISE(ABORT, 'conversation_events is append-only'); END;
      CREATE TRIGGER conversation_events_no_delete BEFORE DELETE ON conversation_events
        BEGIN SELECT RAISE(ABORT, 'conversation_events is append-only'); END;

      -- How far each participant has read, one row per (conversation, participant); only ever raised.
      CREATE TABLE conversation_read_marks (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        participant_role TEXT NOT NULL CHECK (participant_role IN ('customer', 'agent', 'system')),
        participant_id TEXT NOT NULL,
        up_to_seq INTEGER NOT NULL CHECK (up_to_seq >= 0),
        PRIMARY KEY (conversation_id, participant_role, participant_id)
      ) WITHOUT ROWID;
    `,
  },
];
