-- One pace per Mixpanel project, shared by every worker, on the database's
-- clock (see SharedPace.ts).
CREATE TABLE mgdpr_pace (
  project text PRIMARY KEY,
  -- The earliest time the next request may be granted.
  next_at timestamptz NOT NULL,
  -- After a 429: nobody is granted before this.
  backoff_until timestamptz,
  consecutive_429 int NOT NULL DEFAULT 0,
  -- A submission is waiting for a grant until about this time: polls yield to it.
  waiting_submit_until timestamptz,
  updated_at timestamptz
);
