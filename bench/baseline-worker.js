// Bench-only Worker (never deployed): the runtime's own cost of what Gatehouse does, measured in the same run.
// B0 a trivial route, B1 one Durable Object RPC reading one row by key, B2 one RPC spending a single-use row
// in transactionSync (read + update), B2w one RPC making, in one transactionSync, only the writes a code step must
// make (B2's spend, then the replay step, a session, the user's sign-in time and an audit row, in tables indexed
// as Gatehouse's are), and /kdf: PBKDF2-SHA256 at the production round count.
import { DurableObject } from "cloudflare:workers";

const KDF_ROUNDS = 100_000;
/** Users of B2w's writes (round-robin). */
const WRITE_USERS = 5_000;

export class BaselineObject extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec("CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, value TEXT NOT NULL, used_at INTEGER) STRICT");
      // B2w's tables: the rows a code step writes besides the challenge, with the indexes Gatehouse keeps on them.
      this.sql.exec(`CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
        last_login_at INTEGER, locale TEXT) STRICT`);
      this.sql.exec(
        "CREATE TABLE IF NOT EXISTS secrets (user_id TEXT PRIMARY KEY, ciphertext TEXT NOT NULL, last_step INTEGER NOT NULL) STRICT",
      );
      this.sql.exec(`CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, ip TEXT, user_agent TEXT, public_id TEXT NOT NULL, amr TEXT) STRICT`);
      this.sql.exec("CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id)");
      this.sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_public_id ON sessions (public_id)");
      this.sql.exec(`CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL,
        actor_id TEXT, subject_id TEXT, ip TEXT, detail TEXT, class TEXT NOT NULL) STRICT`);
      this.sql.exec("CREATE INDEX IF NOT EXISTS audit_by_class ON audit (class, id)");
      this.sql.exec("CREATE INDEX IF NOT EXISTS audit_group ON audit (type, subject_id, at)");
    });
  }

  /** Inserts `count` unspent rows t0..t<count-1> (idempotent). */
  seed(count) {
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < count; i++) {
        this.sql.exec("INSERT OR IGNORE INTO tokens (id, value) VALUES (?, ?)", `t${i}`, `value-${i}-${"x".repeat(32)}`);
        if (i < WRITE_USERS) {
          this.sql.exec("INSERT OR IGNORE INTO users (id, email, created_at) VALUES (?, ?, ?)", `u${i}`, `user${i}@example.com`, i);
          this.sql.exec("INSERT OR IGNORE INTO secrets (user_id, ciphertext, last_step) VALUES (?, ?, 0)", `u${i}`, "x".repeat(60));
        }
      }
    });
    return this.sql.exec("SELECT COUNT(*) AS n FROM tokens").one().n;
  }

  read(id) {
    return this.sql.exec("SELECT value FROM tokens WHERE id = ?", id).toArray()[0]?.value ?? null;
  }

  /** B2's spend, then the other writes of a code step (one each), in the same transaction. */
  spendAndRecord(id, n) {
    return this.ctx.storage.transactionSync(() => {
      const row = this.sql.exec("SELECT used_at FROM tokens WHERE id = ?", id).toArray()[0];
      if (!row || row.used_at !== null) return false;
      const now = Date.now();
      const user = `u${n % WRITE_USERS}`;
      this.sql.exec("UPDATE tokens SET used_at = ? WHERE id = ?", now, id);
      this.sql.exec("UPDATE secrets SET last_step = ? WHERE user_id = ?", n, user);
      this.sql.exec(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent, public_id, amr) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        crypto.randomUUID(),
        user,
        now,
        now + 43_200_000,
        "127.0.0.1",
        "autocannon",
        crypto.randomUUID(),
        '["pwd","otp","mfa"]',
      );
      this.sql.exec("UPDATE users SET last_login_at = ?, locale = ? WHERE id = ?", now, "en", user);
      this.sql.exec(
        "INSERT INTO audit (at, type, actor_id, subject_id, ip, detail, class) VALUES (?, ?, ?, ?, ?, ?, ?)",
        now,
        "login.succeeded",
        user,
        user,
        "127.0.0.1",
        '{"method":"totp"}',
        "auth",
      );
      return true;
    });
  }

  spend(id) {
    return this.ctx.storage.transactionSync(() => {
      const row = this.sql.exec("SELECT used_at FROM tokens WHERE id = ?", id).toArray()[0];
      if (!row || row.used_at !== null) return false;
      this.sql.exec("UPDATE tokens SET used_at = ? WHERE id = ?", Date.now(), id);
      return true;
    });
  }
}

async function kdf() {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("correct horse battery staple"), "PBKDF2", false, [
    "deriveBits",
  ]);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: KDF_ROUNDS }, key, 256);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, route, arg] = url.pathname.split("/");
    const stub = () => env.BASE.getByName("baseline");
    switch (route) {
      case "b0":
        return Response.json({ ok: true });
      case "b1":
        return Response.json({ value: await stub().read(`t${arg ?? 0}`) });
      case "b2w":
        return (await stub().spendAndRecord(`t${arg ?? 0}`, Number(arg ?? 0)))
          ? Response.json({ ok: true })
          : Response.json({ ok: false }, { status: 409 });
      case "b2":
        return (await stub().spend(`t${arg ?? 0}`)) ? Response.json({ ok: true }) : Response.json({ ok: false }, { status: 409 });
      case "seed":
        return Response.json({ rows: await stub().seed(Number(arg)) });
      case "kdf":
        await kdf();
        return Response.json({ ok: true });
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
