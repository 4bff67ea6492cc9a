/**
 * Every statement the store runs, named after what it does, so the SQL can
 * be read (and reviewed against the migrations) in one place.
 *
 * Advisory lock keys are two int4s: 'mgdp' (0x6d676470), then what is locked.
 * Advisory locks are per database, so stores in other databases of the same
 * server never wait on each other.
 */
export const sql = {
  /** Held until the migration's transaction ends: one migrator at a time. */
  lockMigrations: 'SELECT pg_advisory_xact_lock(1835492464, 1)',
  createMigrationsTable: `CREATE TABLE IF NOT EXISTS mgdpr_schema_migrations (
    version int PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`,
  appliedMigrations: 'SELECT version, name, checksum FROM mgdpr_schema_migrations ORDER BY version',
  recordMigration: 'INSERT INTO mgdpr_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',

  /**
   * Held until the append's transaction ends. Appends are serialised so that
   * `seq` order is commit order: without it, a reader could see seq 11
   * committed while 10 is still in flight, move past 10, and never see it.
   */
  lockEvents: 'SELECT pg_advisory_xact_lock(1835492464, 2)',
  /** $1: a JSON array of records; one row each, seq in array order. */
  appendEvents: `WITH inserted AS (
    INSERT INTO mgdpr_events (at, type, job_id, request_id, record)
    SELECT to_timestamp((r->>'at')::double precision / 1000), r->>'type', r->>'jobId', r->>'requestId', r
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(r, n)
    ORDER BY n
    RETURNING seq
  ) SELECT max(seq)::text AS last FROM inserted`,
  /**
   * Keyset pagination by seq: no cursor held open between pages. The seq is
   * read as text (a bigint may pass 2^53); ORDER BY names the table's column,
   * or it would sort by that text ('10' before '9').
   */
  eventsAfter: 'SELECT e.seq::text AS seq, e.record FROM mgdpr_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2',
  /** Delivered at commit, and only if it commits. Payload: the last seq. */
  notifyEvents: "SELECT pg_notify('mgdpr_events', $1)",
  listenEvents: 'LISTEN mgdpr_events',

  /** A new project may be granted at once. */
  ensurePace:
    'INSERT INTO mgdpr_pace (project, next_at) VALUES ($1, clock_timestamp()) ON CONFLICT (project) DO NOTHING',
  /**
   * How long until this caller may be granted, in ms (≤ 0: now), on the
   * database's clock. A poll also waits out a waiting submission ($2).
   */
  lockPace: `SELECT extract(epoch FROM greatest(next_at, backoff_until,
      CASE WHEN $2 = 'poll' THEN waiting_submit_until END) - clock_timestamp()) * 1000 AS wait_ms
    FROM mgdpr_pace WHERE project = $1 FOR UPDATE`,
  /**
   * $2: interval in ms. $3: the `waiting_submit_until` this submission
   * wrote (epoch µs), cleared if no later submission has written since (NULL
   * for polls). Times cross as integer microseconds: exact, unlike text
   * (session DateStyle) or a double of epoch seconds.
   * Returns the grant time as epoch microseconds (exact in a double).
   */
  grantPace: `UPDATE mgdpr_pace SET next_at = g.t + $2 * interval '1 millisecond', updated_at = g.t,
      waiting_submit_until = CASE WHEN waiting_submit_until <= timestamptz 'epoch' + $3::bigint * interval '1 microsecond'
        THEN NULL ELSE waiting_submit_until END
    FROM (SELECT clock_timestamp() AS t) g
    WHERE project = $1
    RETURNING (extract(epoch FROM g.t) * 1000000)::bigint::text AS granted_us`,
  /**
   * A submission that must wait says so until $2 ms from now. Returns its own
   * time (epoch µs), not the row's: a later one written by another submission
   * must survive this one's grant.
   */
  declareSubmit: `UPDATE mgdpr_pace SET waiting_submit_until = greatest(waiting_submit_until, m.t)
    FROM (SELECT clock_timestamp() + $2 * interval '1 millisecond' AS t) m
    WHERE project = $1
    RETURNING (extract(epoch FROM m.t) * 1000000)::bigint::text AS until_us`,
  lockPaceRow: 'SELECT consecutive_429 FROM mgdpr_pace WHERE project = $1 FOR UPDATE',
  /** $2: the wait in ms, $3: the 429s in a row, this one included. */
  backoffPace: `UPDATE mgdpr_pace SET consecutive_429 = $3,
      backoff_until = greatest(backoff_until, clock_timestamp() + $2 * interval '1 millisecond'),
      updated_at = clock_timestamp()
    WHERE project = $1`,
  resetPace: 'UPDATE mgdpr_pace SET consecutive_429 = 0, updated_at = clock_timestamp() WHERE project = $1',
} as const;
