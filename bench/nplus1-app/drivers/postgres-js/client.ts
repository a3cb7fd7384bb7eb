// packages/db/src/client.ts when bench/nplus1-app.sh runs with
// --driver postgres-js: the same exports over postgres.js instead of a
// node-postgres Pool. postgres.js opens up to `max` connections and gives
// each query the next idle one (a request's statements land on different
// backends), pipelining onto a busy one when none is idle; the app's code
// is unchanged.
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import * as schema from "./schema";

const max = Number(process.env.DB_POOL_MAX ?? 12);

const sql = postgres(process.env.DATABASE_URL ?? "", {
  max,
  idle_timeout: 30,
  connection: { application_name: process.env.DB_APP_NAME ?? "flowdesk-api" },
});

// What the driver (bench/nplus1-app/run.ts) reads of node-postgres' Pool.
export const pool = { options: { max }, end: () => sql.end() };

export const db = drizzle(sql, { schema });

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
// What repository functions take: the client or an open transaction.
export type Executor = Database | Transaction;
