// Peer for `npm run bench`: Better Auth with its two-factor plugin on Node's http server and SQLite
// (node:sqlite, in memory), default settings. PEER_FAST_HASH=1 swaps the password hash for a cheap one, a
// bench-only setting used only to create users and challenges quickly; the sign-in figure uses the default.
// PEER_DB_DELAY_MS=50 puts the database that far away (every query waits that long, the common "app at the edge,
// database in one region" setup) and each answer says how many queries it made (x-peer-queries).
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { twoFactor } from "better-auth/plugins";
// Better Auth's own dialect for node:sqlite (a dependency of better-auth), wrapped below to add the distance.
import { NodeSqliteDialect } from "@better-auth/kysely-adapter/node-sqlite-dialect";

const fast = process.env.PEER_FAST_HASH === "1";
const sha = (s) => createHash("sha256").update(s).digest("hex");
const fastPassword = {
  hash: async (password) => `bench-sha256:${sha(password)}`,
  verify: async ({ hash, password }) => timingSafeEqual(Buffer.from(hash), Buffer.from(`bench-sha256:${sha(password)}`)),
};

const delayMs = Number(process.env.PEER_DB_DELAY_MS) || 0;
const perRequest = new AsyncLocalStorage();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The node:sqlite dialect with every query (transaction statements included) `delayMs` away, and counted. */
function distantDatabase(database) {
  const inner = new NodeSqliteDialect({ database });
  const connection = (c) => ({
    executeQuery: async (query) => {
      const tally = perRequest.getStore();
      if (tally) tally.queries++;
      await sleep(delayMs);
      return c.executeQuery(query);
    },
    streamQuery: (...args) => c.streamQuery(...args),
  });
  const driver = (d) => ({
    init: () => d.init(),
    acquireConnection: async () => connection(await d.acquireConnection()),
    beginTransaction: (c, settings) => d.beginTransaction(c, settings),
    commitTransaction: (c) => d.commitTransaction(c),
    rollbackTransaction: (c) => d.rollbackTransaction(c),
    releaseConnection: (c) => d.releaseConnection(c),
    destroy: () => d.destroy(),
  });
  return {
    dialect: {
      createAdapter: () => inner.createAdapter(),
      createDriver: () => driver(inner.createDriver()),
      createQueryCompiler: () => inner.createQueryCompiler(),
      createIntrospector: (db) => inner.createIntrospector(db),
    },
    type: "sqlite",
  };
}

let handler = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => {
  const tally = { queries: 0 };
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    if (!this.headersSent) this.setHeader("x-peer-queries", String(tally.queries));
    return writeHead.apply(this, args);
  };
  perRequest.run(tally, () => handler(req, res));
});
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  const auth = betterAuth({
    baseURL: `http://127.0.0.1:${port}`,
    secret: "bench-only-better-auth-secret-0123456789abcdef",
    database: delayMs ? distantDatabase(new DatabaseSync(":memory:")) : new DatabaseSync(":memory:"),
    emailAndPassword: { enabled: true, ...(fast ? { password: fastPassword } : {}) },
    plugins: [twoFactor()],
    telemetry: { enabled: false },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  handler = toNodeHandler(auth);
  process.stdout.write(`READY ${port}\n`);
});
