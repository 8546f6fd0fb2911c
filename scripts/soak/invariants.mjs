// The soak's judge, a pure function of what the client saw and what it read back (audit log, users list,
// /api/me, API keys) after the run: no I/O, so a test can hand it a fabricated breach. A request that failed
// in transport (status 0) is an unknown: it widens what the checks allow, it is counted, and it never fails
// the soak by itself. Anything the Worker really answered is judged.

/** Audit `at` is the org object's clock: the same machine's, so an accepted request's row lies within it. */
const AUDIT_SLACK_MS = 1000;
const SHOWN = 5; // breaches listed per kind; the rest are counted

/** The status a check is judged on: the first real answer, or 0 when every try failed in transport. */
export function judged(statuses) {
  return statuses.find((s) => s !== 0) ?? 0;
}

function group(items, keyOf) {
  const m = new Map();
  for (const it of items) {
    const k = keyOf(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

function collector() {
  const kinds = new Map();
  return {
    add(kind, text) {
      const k = kinds.get(kind) ?? { n: 0, shown: [] };
      k.n++;
      if (k.shown.length < SHOWN) k.shown.push(text);
      kinds.set(kind, k);
    },
    list() {
      const out = [];
      for (const [kind, { n, shown }] of kinds) {
        out.push(`${kind} (${n}): ${shown.join("; ")}${n > shown.length ? `; and ${n - shown.length} more` : ""}`);
      }
      return out;
    },
  };
}

/** Code-step submissions as the client saw them: nothing accepted twice, no session from a dead challenge. */
function checkSubmissions(subs, breach) {
  const accepted = subs.filter((s) => s.status === 200);
  for (const [k, list] of group(
    accepted.filter((s) => s.kind === "totp"),
    (s) => `${s.user}@${s.step}`,
  )) {
    if (list.length > 1) breach("a (user, time step) accepted twice", `${k} accepted ${list.length} times`);
  }
  for (const [k, list] of group(
    accepted.filter((s) => s.kind === "recovery"),
    (s) => `${s.user}:${s.code}`,
  )) {
    if (list.length > 1) breach("a recovery code accepted twice", `${k} accepted ${list.length} times`);
  }
  for (const [k, list] of group(accepted, (s) => s.challenge)) {
    if (list.length > 1) breach("one challenge gave several sessions", `${k.slice(-12)} gave ${list.length}`);
  }
  for (const s of accepted) {
    if (s.purpose === "wrong") breach("a wrong code was accepted", `${s.kind} ${s.code} for ${s.user}`);
    if (s.purpose === "dead") breach("a session from a dead challenge", `${s.kind} for ${s.user} on ${s.challenge.slice(-12)}`);
  }
  // A round sends one fresh code (or unused recovery code) 2-3 times at once: one copy must win. All refused with
  // nothing unknown means a valid factor was turned away.
  for (const [round, list] of group(
    subs.filter((s) => s.purpose === "race"),
    (s) => s.round,
  )) {
    if (list.every((s) => s.status === 401))
      breach("a fresh code refused by every copy", `${list[0].kind} round ${round} of ${list[0].user}`);
  }
}

/** Per user and method: what the audit may hold given the client's view (confirmed, plus unknown race rounds). */
function expectations(subs, kind) {
  const byUser = new Map();
  const of = (u) => {
    let e = byUser.get(u);
    if (!e) {
      e = { confirmed: [], unknownRounds: 0 };
      byUser.set(u, e);
    }
    return e;
  };
  for (const s of subs) if (s.kind === kind && s.status === 200) of(s.user).confirmed.push(s);
  for (const list of group(
    subs.filter((s) => s.kind === kind && s.purpose === "race"),
    (s) => s.round,
  ).values()) {
    if (!list.some((s) => s.status === 200) && list.some((s) => s.status === 0)) of(list[0].user).unknownRounds++;
  }
  return byUser;
}

/**
 * Wrong second factors the org object must have counted (and audited as 2fa.code_failed) per user: a lower
 * bound from what surely landed on a live challenge, an upper bound adding what may have.
 */
function expectedFailures(subs) {
  const byUser = new Map();
  const add = (u, sure, maybe) => {
    const e = byUser.get(u) ?? { min: 0, max: 0 };
    e.min += sure;
    e.max += sure + maybe;
    byUser.set(u, e);
  };
  for (const s of subs) {
    // Wrong codes and replays go to a challenge that is alive: a refusal is counted, an unknown may be.
    if (s.purpose === "wrong" || s.purpose === "replay") {
      if (s.status === 401) add(s.user, 1, 0);
      else if (s.status === 0) add(s.user, 0, 1);
    }
    // A dead challenge is refused before any code is looked at: never counted.
  }
  for (const list of group(
    subs.filter((s) => s.purpose === "race"),
    (s) => s.round,
  ).values()) {
    const winner = list.find((s) => s.status === 200);
    const user = list[0].user;
    for (const s of list) {
      if (s === winner) continue;
      // A copy on the winner's challenge meets a spent challenge (not counted); on another one, a spent factor.
      if (winner) {
        if (s.challenge === winner.challenge) continue;
        if (s.status === 401) add(user, 1, 0);
        else if (s.status === 0) add(user, 0, 1);
      } else if (s.status === 401 || s.status === 0) add(user, 0, 1);
    }
  }
  return byUser;
}

/** Audit rows per user for one login method, matched one to one with the client's accepted requests. */
function checkAuditedOnce(label, who, rows, exp, breach) {
  const free = rows.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  const used = new Array(free.length).fill(false);
  const confirmed = [...exp.confirmed].sort((a, b) => a.recvAt - b.recvAt);
  for (const s of confirmed) {
    const i = free.findIndex((t, j) => !used[j] && t >= s.sentAt - AUDIT_SLACK_MS && t <= s.recvAt + AUDIT_SLACK_MS);
    if (i === -1) breach("an accepted sign-in missing from the audit log", `${label} of ${who} at ${new Date(s.recvAt).toISOString()}`);
    else used[i] = true;
  }
  const extra = used.filter((u) => !u).length;
  if (extra > exp.unknownRounds) {
    breach(
      "more sign-ins audited than the client can account for",
      `${label}s of ${who}: ${rows.length} audited, ${confirmed.length} seen accepted, ${exp.unknownRounds} unknown`,
    );
  }
  return extra;
}

function checkAudit(input, breach, figures) {
  const { users, submissions: subs, audit, endStep } = input;
  const events = [];
  for (const [org, list] of Object.entries(audit)) {
    const seen = new Set();
    for (const e of list) {
      if (seen.has(e.id)) breach("the audit log repeated an event across pages", `${org} #${e.id}`);
      seen.add(e.id);
      events.push(e);
    }
  }
  figures.auditEvents = events.length;
  const bySubject = group(
    events.filter((e) => e.subject?.id),
    (e) => e.subject.id,
  );
  const totp = expectations(subs, "totp");
  const recovery = expectations(subs, "recovery");
  const failures = expectedFailures(subs);
  let resolvedByAudit = 0;
  // An org whose log could not be read is left out (the soak then says it could not conclude).
  for (const u of users.filter((x) => audit[x.org])) {
    const mine = bySubject.get(u.id) ?? [];
    const logins = mine.filter((e) => e.type === "login.succeeded");
    const totpRows = logins.filter((e) => e.detail?.method === "totp");
    const recoveryRows = logins.filter((e) => e.detail?.method === "recovery_code");
    resolvedByAudit += checkAuditedOnce("TOTP sign-in", u.email, totpRows, totp.get(u.id) ?? { confirmed: [], unknownRounds: 0 }, breach);
    resolvedByAudit += checkAuditedOnce(
      "recovery sign-in",
      u.email,
      recoveryRows,
      recovery.get(u.id) ?? { confirmed: [], unknownRounds: 0 },
      breach,
    );
    // Whatever the client saw: the server accepts at most one code per time step of the user's enrollment.
    const possible = endStep + 1 - u.enrolledStep;
    if (totpRows.length > possible) {
      breach("more TOTP sign-ins than time steps", `${u.email}: ${totpRows.length} in ${possible} steps`);
    }
    const uses = mine.filter((e) => e.type === "2fa.recovery_code_used");
    if (uses.length !== recoveryRows.length) {
      breach("recovery uses and recovery sign-ins disagree", `${u.email}: ${uses.length} uses, ${recoveryRows.length} sign-ins`);
    }
    const remaining = uses.map((e) => e.detail?.remaining);
    if (new Set(remaining).size !== remaining.length) {
      breach("a recovery code spent twice (the same 'remaining' twice)", `${u.email}: ${remaining.join(",")}`);
    }
    for (const e of logins) {
      if (e.detail?.method === "password" && Date.parse(e.at) > u.enrolledAt) {
        breach("a sign-in with the password alone after enrolling", `${u.email} at ${e.at}`);
      }
    }
    const failed = mine.filter((e) => e.type === "2fa.code_failed").reduce((n, e) => n + (e.count ?? 1), 0);
    const fromLoad = failures.get(u.id) ?? { min: 0, max: 0 };
    const extra = u.setupCodeFailures ?? 0;
    const want = { min: fromLoad.min + extra, max: fromLoad.max + extra };
    if (failed < want.min || failed > want.max) {
      breach("wrong second factors miscounted in the audit log", `${u.email}: ${failed} audited, expected ${want.min}..${want.max}`);
    }
    figures.locks += mine.filter((e) => e.type === "account.locked" || e.type === "account.locked_out").length;
  }
  figures.unknownResolvedByAudit = resolvedByAudit;
}

/** What the API says after the run: enrollments, sessions, recovery counts, users' locks, revoked keys. */
function checkApi(input, breach, figures) {
  const { users, submissions: subs, usersList, me, keys } = input;
  const recovery = expectations(subs, "recovery");
  const byId = new Map(users.map((u) => [u.id, u]));
  for (const [org, list] of Object.entries(usersList)) {
    const listed = new Map(list.map((x) => [x.id, x]));
    for (const u of users.filter((x) => x.org === org)) {
      const row = listed.get(u.id);
      if (!row) breach("a user lost", u.email);
      else if (!row.twoFactorEnabled) breach("an enrollment lost", u.email);
      else if (row.locked) breach("a user locked for good with fewer than 100 wrong codes", u.email);
    }
  }
  for (const m of me) {
    const status = judged(m.statuses);
    if (m.statuses.includes(0)) figures[status === 0 ? "checksUnknown" : "checksRetried"]++;
    if (status === 0) continue;
    const u = byId.get(m.user);
    if (status !== 200) {
      breach(`a session issued ${m.phase} the restart no longer works`, `${u?.email ?? m.user}: ${status}`);
      continue;
    }
    if (!m.body?.twoFactor?.enabled) breach("/api/me says 2FA is off for an enrolled user", u?.email ?? m.user);
    const e = recovery.get(m.user) ?? { confirmed: [], unknownRounds: 0 };
    const left = m.body?.twoFactor?.recoveryCodesRemaining;
    const most = 10 - e.confirmed.length;
    if (!(left <= most && left >= most - e.unknownRounds)) {
      breach(
        "recovery codes remaining disagree with the uses",
        `${u?.email ?? m.user}: ${left}, expected ${most - e.unknownRounds}..${most}`,
      );
    }
  }
  for (const k of keys) {
    for (const [when, statuses] of [
      ["right after", k.probes],
      ["after the run", k.after],
    ]) {
      if (!statuses) continue;
      const status = judged(statuses);
      if (statuses.includes(0)) figures[status === 0 ? "checksUnknown" : "checksRetried"]++;
      if (status !== 0 && status !== 401) breach("a revoked API key still worked", `${k.org}/${k.id} ${when} its revocation: ${status}`);
    }
    if (k.listed) breach("a revoked API key still listed", `${k.org}/${k.id}`);
  }
}

/**
 * What each kind of load request may answer (status 0, no answer, is always allowed). Probes of revoked keys and
 * the read-back are judged by their own checks; setup stops the soak itself on any surprise.
 */
const CONTRACT = {
  password: [200, 423, 429],
  totp: [200, 401, 423, 429],
  recovery: [200, 401, 423, 429],
  "admin.create": [201, 403],
  "admin.use": [200],
  "admin.delete": [204, 404],
};

function answeredInContract(a) {
  const allowed = CONTRACT[a.label];
  if (!allowed || a.status === 0) return true;
  if (a.status === 403) return a.code === "step_up_required";
  return allowed.includes(a.status);
}

/**
 * Judges a run. `input`: { users: [{id, org, email, enrolledStep, enrolledAt, setupCodeFailures?}], submissions:
 * [{user, kind: "totp"|"recovery", purpose: "race"|"replay"|"wrong"|"dead", round, challenge, step?, code, status,
 * sentAt, recvAt}], endStep, audit: {org: events}, usersList: {org: users}, me: [{user, phase, statuses, body}],
 * keys: [{org, id, probes, after, listed}], answers: [{label, status, code}], anomalies: [text], refusedReads:
 * [text] }. Returns { breaches: one line per kind of breach, figures }.
 */
export function checkInvariants(input) {
  const c = collector();
  const breach = (kind, text) => c.add(kind, text);
  const figures = { auditEvents: 0, locks: 0, checksRetried: 0, checksUnknown: 0, unknownSubmissions: 0, unknownResolvedByAudit: 0 };
  figures.unknownSubmissions = input.submissions.filter((s) => s.status === 0).length;
  checkSubmissions(input.submissions, breach);
  checkAudit(input, breach, figures);
  checkApi(input, breach, figures);
  for (const a of input.answers ?? []) {
    if (a.status >= 500) breach("5xx answers", `${a.label}: ${a.status}`);
    else if (!answeredInContract(a)) breach("answers out of contract", `${a.label}: ${a.status}${a.code ? ` ${a.code}` : ""}`);
  }
  for (const text of input.anomalies ?? []) breach("answers out of contract", text);
  for (const text of input.refusedReads ?? []) breach("a read-back refused after the run", text);
  return { breaches: c.list(), figures };
}
