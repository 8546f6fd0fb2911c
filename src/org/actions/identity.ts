// Who is calling: a session cookie or an API key, checked against this org's rows on every request.
import { nowMs } from "../../clock";
import { useApiKey } from "../api-keys";
import { recordEvent } from "../audit";
import type { Identity } from "../rpc";
import { findLiveSession, revokeSession, sessionPolicy } from "../sessions";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { factorSummary } from "../factors";
import { findActiveUser, findUser, publicUser } from "../users";

function identityOf(store: Store, userId: string): Identity | null {
  // A deactivated account's sessions and keys were deleted with the change; this refuses any that a race left.
  const user = findActiveUser(store.sql, userId);
  const org = readOrg(store.sql);
  if (!user || !org) return null;
  // A passkey counts as two-factor authentication (docs/api.md), as TOTP does; `period` says whether TOTP is set up.
  const factors = factorSummary(store.sql, userId);
  return {
    user: publicUser(user),
    org,
    emailVerified: user.email_verified_at !== null,
    twoFactor: {
      enabled: factors.enabled,
      recoveryCodesRemaining: factors.enabled ? factors.recoveryCodesRemaining : 0,
      period: factors.totpPeriod,
      passkeys: factors.passkeys,
    },
  };
}

export function authenticateSession(store: Store, tokenHash: string): Identity | null {
  const now = nowMs();
  return store.tx(() => {
    const session = findLiveSession(store.sql, tokenHash, now, sessionPolicy(store.env));
    if (!session) return null;
    const id = identityOf(store, session.user_id);
    if (!id) return null;
    return { ...id, session: { createdAt: session.created_at, verifiedAt: session.verified_at } };
  });
}

export function authenticateApiKey(store: Store, keyHash: string): Identity | null {
  const now = nowMs();
  return store.tx(() => {
    const key = useApiKey(store.sql, keyHash, now);
    if (!key) return null;
    const id = identityOf(store, key.createdBy);
    if (!id) return null;
    return { ...id, apiKey: { id: key.id, name: key.name, role: key.role } };
  });
}

export function logout(store: Store, tokenHash: string): void {
  const now = nowMs();
  store.tx(() => {
    const session = findLiveSession(store.sql, tokenHash, now, sessionPolicy(store.env));
    if (!session) return;
    revokeSession(store.sql, tokenHash);
    const user = findUser(store.sql, session.user_id);
    recordEvent(
      store.sql,
      {
        type: "session.revoked",
        actor: { type: "user", id: session.user_id, label: user?.email },
        subject: { id: session.user_id, label: user?.email },
        detail: { reason: "logout" },
      },
      now,
    );
  });
}
