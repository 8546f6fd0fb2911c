// Peer for `npm run bench`: Better Auth with its two-factor plugin on Node's http server and SQLite
// (node:sqlite, in memory), default settings. PEER_FAST_HASH=1 swaps the password hash for a cheap one, a
// bench-only setting used only to create users and challenges quickly; the sign-in figure uses the default.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { twoFactor } from "better-auth/plugins";

const fast = process.env.PEER_FAST_HASH === "1";
const sha = (s) => createHash("sha256").update(s).digest("hex");
const fastPassword = {
  hash: async (password) => `bench-sha256:${sha(password)}`,
  verify: async ({ hash, password }) => timingSafeEqual(Buffer.from(hash), Buffer.from(`bench-sha256:${sha(password)}`)),
};

let handler = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => handler(req, res));
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  const auth = betterAuth({
    baseURL: `http://127.0.0.1:${port}`,
    secret: "bench-only-better-auth-secret-0123456789abcdef",
    database: new DatabaseSync(":memory:"),
    emailAndPassword: { enabled: true, ...(fast ? { password: fastPassword } : {}) },
    plugins: [twoFactor()],
    telemetry: { enabled: false },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  handler = toNodeHandler(auth);
  process.stdout.write(`READY ${port}\n`);
});
