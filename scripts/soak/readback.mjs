// After the run, what the Worker says through its API: every org's audit log and users, its API keys, revoked
// keys probed again, and /api/me for each user's last session from before the restart and after it. Each read
// is retried on transport errors; a read never answered is "missing" (the soak cannot conclude), a read that
// is answered but refused is a finding.
import { settle } from "./client.mjs";
import { pool } from "./load.mjs";

const MAX_AUDIT_PAGES = 1000; // x 200 events

export async function readBack({ req, ready }, { orgs, users, keys, concurrency }) {
  const ask = (path, opts = {}) => settle(() => req(path, { ...opts, label: "readback" }), { ready });
  const audit = {};
  const usersList = {};
  const missing = [];
  const refusedReads = [];
  const judge = (what, r) => {
    if (r.answer.status === 200) return true;
    (r.answer.status === 0 ? missing : refusedReads).push(`${what}: ${r.answer.status}`);
    return false;
  };
  for (const org of orgs) {
    const cookie = org.adminCookie;
    const listed = await ask("/api/org/users", { cookie });
    if (judge(`users of ${org.slug}`, listed)) usersList[org.slug] = listed.answer.body.users;
    const events = [];
    let before = null;
    for (let page = 0; page < MAX_AUDIT_PAGES; page++) {
      const r = await ask(`/api/org/audit?limit=200${before ? `&before=${before}` : ""}`, { cookie });
      if (!judge(`audit of ${org.slug}`, r)) break;
      events.push(...r.answer.body.events);
      before = r.answer.body.nextBefore;
      if (!before) {
        audit[org.slug] = events;
        break;
      }
    }
    if (!audit[org.slug] && ![...missing, ...refusedReads].some((m) => m.startsWith(`audit of ${org.slug}`)))
      missing.push(`audit of ${org.slug}: unfinished`);
    const apiKeys = await ask("/api/org/api-keys", { cookie });
    if (judge(`API keys of ${org.slug}`, apiKeys)) {
      const ids = new Set(apiKeys.answer.body.apiKeys.map((k) => k.id));
      for (const k of keys.filter((x) => x.org === org.slug)) k.listed = ids.has(k.id);
    }
  }
  await pool(keys, concurrency, async (k) => {
    k.after = (await ask("/api/org/compliance", { bearer: k.key })).statuses;
  });
  const me = [];
  const sessions = users.flatMap((u) => [
    { user: u.id, phase: "before", cookie: u.cookieBefore },
    ...(u.cookie !== u.cookieBefore ? [{ user: u.id, phase: "after", cookie: u.cookie }] : []),
  ]);
  await pool(sessions, concurrency, async (s) => {
    const r = await ask("/api/me", { cookie: s.cookie });
    me.push({ user: s.user, phase: s.phase, statuses: r.statuses, body: r.answer.body });
  });
  return { audit, usersList, me, missing, refusedReads };
}
