-- Who holds a piece of work (a batch to send, a task to poll), until when.
-- A worker that dies stops renewing, and its lease expires.
CREATE TABLE mgdpr_leases (
  resource text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL
);

CREATE INDEX mgdpr_leases_expires_at ON mgdpr_leases (expires_at);
