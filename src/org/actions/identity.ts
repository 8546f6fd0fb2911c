// Who is calling: a session cookie or an API key, checked against this org's rows on every request.
import { nowMs } from "../../clock";
import { useApiKey } from "../api-keys";
import { recordEvent } from "../audit";
import type { Identity } from "../rpc";
import type { RequestMeta } from "../results";
import { findLiveSession, keepAlive, revokeSession, sessionPolicy } from "../sessions";
import { orgColumns, orgOfColumns } from "../settings";
import { first, type Store } from "../store";
import { type FactorColumns, factorColumns, summaryOf } from "../factors";
import { emailVerified, findUser, publicUser, type UserRow } from "../users";

/**
 * What every signed-in request needs, in one statement: the user, the org and the user's factors (and, for a
 * session, the session's times), joined so the check costs one read. Each part's columns have their own names (the
 * user's few, org_* from orgColumns, f_* from factorColumns, s_* here), so none can shadow another.
 */
const IDENTITY_COLUMNS = `u.id, u.email, u.name, u.role, u.deactivated_at, u.email_verified_at, ${orgColumns("o")}, ${factorColumns("u.id")}`;
const BY_SESSION = `SELECT s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, s.expires_at AS s_expires_at,
                           s.verified_at AS s_verified_at, ${IDENTITY_COLUMNS}
                    FROM sessions s JOIN users u ON u.id = s.user_id CROSS JOIN org o WHERE s.token_hash = ?`;
const BY_USER = `SELECT ${IDENTITY_COLUMNS} FROM users u CROSS JOIN org o WHERE u.id = ?`;

type IdentityRow = Pick<UserRow, "id" | "email" | "name" | "role" | "deactivated_at" | "email_verified_at"> & FactorColumns;
interface SessionIdentityRow extends IdentityRow {
  s_created_at: number;
  s_last_seen_at: number;
  s_expires_at: number;
  s_verified_at: number;
}

function identityOf(row: IdentityRow): Identity | null {
  // A deactivated account's sessions and keys were deleted with the change; this refuses any that a race left.
  if (row.deactivated_at !== null) return null;
  // A passkey counts as two-factor authentication (docs/api.md), as TOTP does; `period` says whether TOTP is set up.
  const factors = summaryOf(row);
  return {
    user: publicUser(row),
    org: orgOfColumns(row),
    emailVerified: emailVerified(row),
    twoFactor: {
      enabled: factors.enabled,
      recoveryCodesRemaining: factors.enabled ? factors.recoveryCodesRemaining : 0,
      period: factors.totpPeriod,
      passkeys: factors.passkeys,
    },
  };
}

/**
 * The session check of every signed-in request: one read, and a write only when the session ended (deleted) or its
 * idle clock moves. No transactionSync: the call runs to its end without awaiting, so no other call interleaves,
 * and each write is a single statement, so there is nothing to roll back.
 */
export function authenticateSession(store: Store, tokenHash: string): Identity | null {
  const now = nowMs();
  const row = first<SessionIdentityRow>(store.sql, BY_SESSION, tokenHash);
  if (!row) return null;
  const times = { expires_at: row.s_expires_at, last_seen_at: row.s_last_seen_at };
  if (!keepAlive(store.sql, tokenHash, times, now, sessionPolicy(store.env))) return null;
  const id = identityOf(row);
  if (!id) return null;
  return { ...id, session: { createdAt: row.s_created_at, verifiedAt: row.s_verified_at } };
}

export function authenticateApiKey(store: Store, keyHash: string): Identity | null {
  const now = nowMs();
  return store.tx(() => {
    const key = useApiKey(store.sql, keyHash, now);
    if (!key) return null;
    const row = first<IdentityRow>(store.sql, BY_USER, key.createdBy);
    const id = row && identityOf(row);
    if (!id) return null;
    return { ...id, apiKey: { id: key.id, name: key.name, role: key.role } };
  });
}

export function logout(store: Store, tokenHash: string, meta?: RequestMeta): void {
  const now = nowMs();
  store.tx(() => {
    const session = findLiveSession(store.sql, tokenHash, now, sessionPolicy(store.env));
    // Also when the session went idle or past its end (gone already): what applications got from it is not, and
    // signing out ends that too (docs/api.md), whatever the tab left open says.
    revokeSession(store.sql, tokenHash);
    if (!session) return;
    const user = findUser(store.sql, session.user_id);
    recordEvent(
      store.sql,
      {
        type: "session.revoked",
        actor: { type: "user", id: session.user_id, label: user?.email },
        subject: { id: session.user_id, label: user?.email },
        meta,
        detail: { reason: "logout" },
      },
      now,
    );
  });
}
