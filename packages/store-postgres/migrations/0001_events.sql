-- The event log: every change the workflow makes is one row, in the order
-- `seq` gives (appends are serialised, so seq order is commit order). It is
-- the truth and the audit trail; everything else is a projection of it.
CREATE TABLE mgdpr_events (
  seq bigserial PRIMARY KEY,
  -- The record's own time (its `at`), as the workflow stamped it.
  at timestamptz NOT NULL,
  -- When the database stored it, on the database's clock.
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  type text NOT NULL,
  job_id text,
  request_id text,
  record jsonb NOT NULL
);

CREATE INDEX mgdpr_events_job_id ON mgdpr_events (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX mgdpr_events_request_id ON mgdpr_events (request_id) WHERE request_id IS NOT NULL;
