import type pg from 'pg';

/** By shape, not `instanceof`: a caller's pool may come from another copy of `pg`. */
export function isPool(db: pg.Pool | pg.ClientBase): db is pg.Pool {
  return 'totalCount' in db && 'idleCount' in db;
}
