// Bench-only Worker (never deployed): the runtime's own cost of what Gatehouse does, measured in the same run.
// B0 a trivial route, B1 one Durable Object RPC reading one row by key, B2 one RPC spending a single-use row
// in transactionSync (read + update), and /kdf: PBKDF2-SHA256 at the production round count.
import { DurableObject } from "cloudflare:workers";

const KDF_ROUNDS = 100_000;

export class BaselineObject extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec("CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, value TEXT NOT NULL, used_at INTEGER) STRICT");
    });
  }

  /** Inserts `count` unspent rows t0..t<count-1> (idempotent). */
  seed(count) {
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < count; i++) {
        this.sql.exec("INSERT OR IGNORE INTO tokens (id, value) VALUES (?, ?)", `t${i}`, `value-${i}-${"x".repeat(32)}`);
      }
    });
    return this.sql.exec("SELECT COUNT(*) AS n FROM tokens").one().n;
  }

  read(id) {
    return this.sql.exec("SELECT value FROM tokens WHERE id = ?", id).toArray()[0]?.value ?? null;
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
