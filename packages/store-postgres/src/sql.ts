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
  ) SELECT array_agg(seq::text ORDER BY seq) AS seqs FROM inserted`,
  /**
   * Keyset pagination by seq: no cursor held open between pages. The seq is
   * read as text (a bigint may pass 2^53); ORDER BY names the table's column,
   * or it would sort by that text ('10' before '9').
   */
  eventsAfter: 'SELECT e.seq::text AS seq, e.record FROM mgdpr_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2',
  eventAt: 'SELECT e.record FROM mgdpr_events e WHERE e.seq = $1',
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
  lockPace: `SELECT extract(epoch FROM greatest(next_at, backoff_until, in_flight_until,
      CASE WHEN $2 = 'poll' THEN waiting_submit_until END) - clock_timestamp()) * 1000 AS wait_ms,
      coalesce(in_flight_until > clock_timestamp(), false) AS in_flight,
      coalesce(waiting_submit_until > clock_timestamp(), false) AS submit_waiting
    FROM mgdpr_pace WHERE project = $1 FOR UPDATE`,
  /**
   * $2: interval in ms. $3: the `waiting_submit_until` this submission
   * wrote (epoch µs), cleared if no later submission has written since (NULL
   * for polls). Times cross as integer microseconds: exact, unlike text
   * (session DateStyle) or a double of epoch seconds.
   * $5: how far ahead of now the slot is, in ms (0, or a grant made ahead).
   * Returns the grant time as epoch microseconds (exact in a double).
   */
  grantPace: `UPDATE mgdpr_pace SET next_at = g.t + $2 * interval '1 millisecond', updated_at = clock_timestamp(),
      in_flight_until = g.t + $4 * interval '1 millisecond',
      in_flight_grant_us = (extract(epoch FROM g.t) * 1000000)::bigint,
      waiting_submit_until = CASE WHEN waiting_submit_until <= timestamptz 'epoch' + $3::bigint * interval '1 microsecond'
        THEN NULL ELSE waiting_submit_until END
    FROM (SELECT clock_timestamp() + $5 * interval '1 millisecond' AS t) g
    WHERE project = $1
    RETURNING (extract(epoch FROM g.t) * 1000000)::bigint::text AS granted_us`,
  /**
   * The request of grant $2 (epoch µs) still waits for its answer: it holds
   * the pace $3 ms more (never less than it already did).
   */
  holdPace: `UPDATE mgdpr_pace SET in_flight_until = greatest(in_flight_until, clock_timestamp() + $3 * interval '1 millisecond')
    WHERE project = $1 AND in_flight_grant_us = $2::bigint`,
  /**
   * A grant made ahead of its slot whose request will not be sent (its
   * caller gave up while waiting for the slot): the slot is free again.
   */
  releasePace: `UPDATE mgdpr_pace SET in_flight_until = NULL, in_flight_grant_us = NULL,
      next_at = least(next_at, timestamptz 'epoch' + $2::bigint * interval '1 microsecond')
    WHERE project = $1 AND in_flight_grant_us = $2::bigint`,
  /**
   * A submission that must wait says so until $2 ms from now. Returns its own
   * time (epoch µs), not the row's: a later one written by another submission
   * must survive this one's grant.
   */
  declareSubmit: `UPDATE mgdpr_pace SET waiting_submit_until = greatest(waiting_submit_until, m.t)
    FROM (SELECT clock_timestamp() + $2 * interval '1 millisecond' AS t) m
    WHERE project = $1
    RETURNING (extract(epoch FROM m.t) * 1000000)::bigint::text AS until_us`,
  /**
   * The answer to the request of grant $2 (epoch µs) came: the next may be
   * granted $3 ms from now (the interval less its worker's round-trip
   * floor: with steady round trips about one interval between sends).
   * A late answer, after another grant, changes nothing.
   */
  answerPace: `UPDATE mgdpr_pace SET in_flight_until = NULL, in_flight_grant_us = NULL,
      next_at = greatest(next_at, clock_timestamp() + $3 * interval '1 millisecond')
    WHERE project = $1 AND in_flight_grant_us = $2::bigint`,
  lockPaceRow: 'SELECT consecutive_429 FROM mgdpr_pace WHERE project = $1 FOR UPDATE',
  /** $2: the wait in ms, $3: the 429s in a row, this one included. */
  backoffPace: `UPDATE mgdpr_pace SET consecutive_429 = $3,
      backoff_until = greatest(backoff_until, clock_timestamp() + $2 * interval '1 millisecond'),
      updated_at = clock_timestamp()
    WHERE project = $1`,
  resetPace: 'UPDATE mgdpr_pace SET consecutive_429 = 0, updated_at = clock_timestamp() WHERE project = $1',

  /**
   * $1 resource, $2 owner, $3 lease in ms. Takes the lease if nobody holds
   * it or its holder's has expired, on the database's clock; the conflicting
   * row is locked before `clock_timestamp()` is read, so of two claimants
   * exactly one sees it free. No row: someone holds it (this owner included).
   * Times cross as epoch µs (exact), like the pace's.
   */
  claimLease: `INSERT INTO mgdpr_leases AS l (resource, owner, expires_at, acquired_at)
    SELECT $1, $2, c.t + $3 * interval '1 millisecond', c.t FROM (SELECT clock_timestamp() AS t) c
    ON CONFLICT (resource) DO UPDATE
      SET owner = excluded.owner, expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
      WHERE l.expires_at < clock_timestamp()
    RETURNING (extract(epoch FROM l.expires_at) * 1000000)::bigint::text AS expires_us,
      (extract(epoch FROM l.acquired_at) * 1000000)::bigint::text AS acquired_us`,
  /**
   * $1 resource, $2 owner, $3 the claim's acquired_at (epoch µs), $4 lease
   * in ms. Only the same claim is renewed: a lease lost and taken again,
   * even by this owner, is another claim.
   */
  renewLease: `UPDATE mgdpr_leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
    WHERE resource = $1 AND owner = $2 AND acquired_at = timestamptz 'epoch' + $3::bigint * interval '1 microsecond'
    RETURNING (extract(epoch FROM expires_at) * 1000000)::bigint::text AS expires_us`,
  releaseLease: `DELETE FROM mgdpr_leases
    WHERE resource = $1 AND owner = $2 AND acquired_at = timestamptz 'epoch' + $3::bigint * interval '1 microsecond'`,
  /** Every lease row (of owner $1 when given), with whether it has expired on the database's clock. */
  listLeases: `SELECT resource, owner, (extract(epoch FROM expires_at) * 1000000)::bigint::text AS expires_us,
      (extract(epoch FROM acquired_at) * 1000000)::bigint::text AS acquired_us,
      expires_at < clock_timestamp() AS expired
    FROM mgdpr_leases WHERE $1::text IS NULL OR owner = $1 ORDER BY resource`,
  /**
   * The fence of an append: the leases its records need ($1), locked FOR
   * SHARE until the append commits, so nobody can take one over between
   * this check and the commit (a claimant's UPDATE waits for us). A row
   * that is missing is a lease nobody holds.
   */
  fenceLeases: `SELECT resource, owner, expires_at >= clock_timestamp() AS live,
      (extract(epoch FROM expires_at) * 1000000)::bigint::text AS expires_us
    FROM mgdpr_leases WHERE resource = ANY($1::text[]) ORDER BY resource FOR SHARE`,
  /** The newest event's seq, if any (ORDER BY the column, not the text: '9' sorts after '24'). */
  lastEvent: 'SELECT e.seq::text AS seq FROM mgdpr_events e ORDER BY e.seq DESC LIMIT 1',
} as const;
