-- Arrival spacing across workers (see SharedPace.ts): one request of a
-- project in flight at a time; the next is granted once it has its answer
-- (or once this time has passed: its worker died or hangs).
ALTER TABLE mgdpr_pace ADD COLUMN in_flight_until timestamptz;
-- The grant the request in flight came from (epoch µs): only its answer clears it.
ALTER TABLE mgdpr_pace ADD COLUMN in_flight_grant_us bigint;
