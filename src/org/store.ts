// What every table module and action receives: the object's SQL, a transaction, its env and the time.
import type { Env } from "../env";

export interface Store {
  sql: SqlStorage;
  env: Env;
  /** Runs fn atomically: all of its writes land, or none (DurableObjectStorage.transactionSync). */
  tx<T>(fn: () => T): T;
}

type Row = Record<string, SqlStorageValue>;

export function first<T extends Row>(sql: SqlStorage, query: string, ...params: SqlStorageValue[]): T | undefined {
  return sql.exec<T>(query, ...params).toArray()[0];
}

export function all<T extends Row>(sql: SqlStorage, query: string, ...params: SqlStorageValue[]): T[] {
  return sql.exec<T>(query, ...params).toArray();
}
