// The org object's schema, one append-only step per release. Never edit a shipped step: add one.
// docs/storage.md documents every table and what is hashed or encrypted.
export const ORG_MIGRATIONS: readonly string[] = [
  // 1: foundation: the org, its users, sessions and audit log.
  `CREATE TABLE org (k INTEGER PRIMARY KEY CHECK (k = 1), slug TEXT NOT NULL, name TEXT NOT NULL,
     jurisdiction TEXT, created_at INTEGER NOT NULL) STRICT;
   CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL COLLATE NOCASE UNIQUE, name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('technician', 'admin')), password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL, last_login_at INTEGER) STRICT;
   CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ip TEXT, user_agent TEXT) STRICT;
   CREATE INDEX sessions_by_user ON sessions (user_id);
   CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL,
     actor_type TEXT NOT NULL, actor_id TEXT, actor_label TEXT, subject_id TEXT, subject_label TEXT,
     ip TEXT, user_agent TEXT, detail TEXT) STRICT;`,
  // 2: two-factor: settings, secrets (encrypted), recovery codes (hashed), challenges, lockout counters.
  `ALTER TABLE org ADD COLUMN require_2fa INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE org ADD COLUMN totp_period INTEGER NOT NULL DEFAULT 30;
   ALTER TABLE users ADD COLUMN failed_passwords INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN failed_codes INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE totp (user_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, ciphertext TEXT NOT NULL,
     period INTEGER NOT NULL, confirmed_at INTEGER NOT NULL, last_step INTEGER NOT NULL) STRICT;
   CREATE TABLE totp_pending (user_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, ciphertext TEXT NOT NULL,
     period INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;
   CREATE TABLE recovery_codes (user_id TEXT NOT NULL, code_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
     used_at INTEGER, PRIMARY KEY (user_id, code_hash)) STRICT;
   CREATE TABLE challenges (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, purpose TEXT NOT NULL,
     expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, used_at INTEGER) STRICT;`,
  // 3: administration: API keys.
  `CREATE TABLE api_keys (id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('technician', 'admin')), created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL, last_used_at INTEGER) STRICT;`,
  // 4: mail: the outbox (written in the same transaction as the change it reports, sent by the alarm), the
  // development outbox (DEV_MODE only), pairing links (keyed hash only) and each user's mail language.
  `ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
   CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, user_id TEXT, recipient TEXT NOT NULL,
     subject TEXT NOT NULL, text TEXT, html TEXT, link_key_id TEXT, link_ciphertext TEXT, created_at INTEGER NOT NULL,
     expires_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, sent_at INTEGER,
     failed_at INTEGER, last_error TEXT) STRICT;
   CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
   CREATE TABLE dev_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, outbox_id INTEGER NOT NULL, recipient TEXT NOT NULL,
     subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT NOT NULL, mime TEXT NOT NULL, delivered_at INTEGER NOT NULL) STRICT;
   CREATE TABLE pairing_tokens (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, used_at INTEGER) STRICT;
   CREATE INDEX pairing_by_user ON pairing_tokens (user_id);`,
  // 5: side doors: a pairing link remembers the pending secret its own password step stored; API keys expire (keys made before this step get 90 days from now); sessions remember when a
  // factor was last checked (step-up); the lasting lock after 100 wrong second factors in a row (NIST SP 800-63B
  // 5.2.2) and when its mail went out; audit rows are "security" (kept by age) or "noise" (failures anyone can
  // cause: aggregated per user and hour, and capped apart, so they never push security events out).
  `ALTER TABLE pairing_tokens ADD COLUMN setup_ciphertext TEXT;
   ALTER TABLE api_keys ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
   UPDATE api_keys SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000;
   ALTER TABLE sessions ADD COLUMN verified_at INTEGER NOT NULL DEFAULT 0;
   UPDATE sessions SET verified_at = created_at;
   ALTER TABLE users ADD COLUMN code_failure_streak INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN lasting_lock_at INTEGER;
   ALTER TABLE users ADD COLUMN lock_mailed_at INTEGER;
   ALTER TABLE audit ADD COLUMN class TEXT NOT NULL DEFAULT 'security' CHECK (class IN ('security', 'noise'));
   ALTER TABLE audit ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE audit ADD COLUMN last_at INTEGER;
   UPDATE audit SET class = 'noise' WHERE type IN ('login.failed', 'account.locked');
   CREATE INDEX audit_by_class ON audit (class, id);
   CREATE INDEX audit_group ON audit (type, subject_id, at);`,
  // 6: people: deactivation (a deactivated user keeps their row but no way in) and sessions' opaque public ids
  // (the Account page lists sessions by an id that is neither the token nor its hash).
  `ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
   ALTER TABLE sessions ADD COLUMN public_id TEXT;
   UPDATE sessions SET public_id = 'ses_' || lower(hex(randomblob(16)));
   CREATE UNIQUE INDEX sessions_by_public_id ON sessions (public_id);`,
  // 7: invites and email links: pending invites (token as keyed hash only; the email is claimed in the directory
  // only at acceptance), email links (verification and change of address, keyed hash only) and when each user's
  // email was verified (NULL: never; accounts made before this step were never verified either).
  `CREATE TABLE invites (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, email TEXT NOT NULL COLLATE NOCASE,
     name TEXT, role TEXT NOT NULL CHECK (role IN ('technician', 'admin')), locale TEXT NOT NULL, invited_by TEXT,
     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, accepted_at INTEGER, accepted_user_id TEXT,
     revoked_at INTEGER) STRICT;
   CREATE INDEX invites_by_email ON invites (email);
   CREATE TABLE email_links (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,
     purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'change')), email TEXT NOT NULL, created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL, used_at INTEGER) STRICT;
   CREATE INDEX email_links_by_user ON email_links (user_id);
   ALTER TABLE users ADD COLUMN email_verified_at INTEGER;`,
  // 8: passkeys: WebAuthn credentials (public keys only: nothing here signs anything) and their single-use,
  // short-lived ceremony challenges, spent in the same transaction as the step they are for.
  `CREATE TABLE passkeys (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, credential_id TEXT NOT NULL UNIQUE,
     public_key TEXT NOT NULL, sign_count INTEGER NOT NULL, transports TEXT NOT NULL, device_type TEXT NOT NULL,
     backed_up INTEGER NOT NULL, aaguid TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL,
     last_used_at INTEGER) STRICT;
   CREATE INDEX passkeys_by_user ON passkeys (user_id);
   CREATE TABLE webauthn_challenges (challenge TEXT PRIMARY KEY, user_id TEXT, purpose TEXT NOT NULL
     CHECK (purpose IN ('register', '2fa', 'step_up', 'passwordless')), sign_in_id TEXT, expires_at INTEGER NOT NULL,
     used_at INTEGER) STRICT;`,
  // 9: OpenID provider: the org's own clients (secret hashed), authorization codes and grants (refresh tokens
  // hashed; the spent ones kept to catch a reuse), and how each session signed in (RFC 8176 amr, a JSON array).
  `CREATE TABLE oidc_clients (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL CHECK (type IN ('confidential', 'public')),
     secret_hash TEXT, redirect_uris TEXT NOT NULL, post_logout_uris TEXT NOT NULL, created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL, revoked_at INTEGER) STRICT;
   CREATE TABLE oidc_codes (code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL, session_hash TEXT NOT NULL,
     redirect_uri TEXT NOT NULL, code_challenge TEXT NOT NULL, nonce TEXT, scope TEXT NOT NULL, auth_time INTEGER NOT NULL,
     amr TEXT NOT NULL, sid TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER, grant_id TEXT) STRICT;
   CREATE TABLE oidc_grants (id TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL, session_hash TEXT NOT NULL,
     scope TEXT NOT NULL, auth_time INTEGER NOT NULL, amr TEXT NOT NULL, sid TEXT NOT NULL, refresh_hash TEXT UNIQUE,
     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER) STRICT;
   CREATE INDEX oidc_grants_by_user ON oidc_grants (user_id);
   CREATE TABLE oidc_spent_refresh (token_hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL, spent_at INTEGER NOT NULL) STRICT;
   ALTER TABLE sessions ADD COLUMN amr TEXT;`,
  // 10: edge: when the last wrong password was counted, so the count forgets after a day like an unknown email's
  // (constants.ts PASSWORD_FAILURE_WINDOW_SECONDS); counts already running start their day now. Users are listed
  // in pages by (created_at, id) (users.ts pageUsers), which this index serves in big orgs.
  `ALTER TABLE users ADD COLUMN password_failed_at INTEGER NOT NULL DEFAULT 0;
   UPDATE users SET password_failed_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE failed_passwords > 0;
   CREATE INDEX users_by_created ON users (created_at, id);`,
  // 11: the org setting "Require phishing-resistant sign-in" (off): members finish sign-in with a passkey.
  `ALTER TABLE org ADD COLUMN require_phishing_resistant INTEGER NOT NULL DEFAULT 0;`,
  // 12: big orgs: whether each user has a second factor (a TOTP secret or a passkey, org/factors.ts) is kept on the
  // user's row, and the org's user and enrolled counts in one row, both by triggers in the transaction of the change
  // itself, so the compliance summary never counts 50,000 rows and its list of users without 2FA walks a partial
  // index instead of every user. Existing rows are counted once here; the counts' row is written with the first user,
  // so an org's object erased and laid again (org deletion) holds no row at all. The list's index (step 10) also carries email
  // and name, so a search reads one index, not every row it passes over.
  `DROP INDEX users_by_created;
   CREATE INDEX users_by_list ON users (created_at, id, email, name);
   ALTER TABLE users ADD COLUMN has_2fa INTEGER NOT NULL DEFAULT 0 CHECK (has_2fa IN (0, 1));
   UPDATE users SET has_2fa = 1 WHERE id IN (SELECT user_id FROM totp UNION SELECT user_id FROM passkeys);
   CREATE INDEX users_without_2fa ON users (created_at, id) WHERE has_2fa = 0;
   CREATE TABLE user_counts (k INTEGER PRIMARY KEY CHECK (k = 1), users INTEGER NOT NULL, enrolled INTEGER NOT NULL) STRICT;
   INSERT INTO user_counts (k, users, enrolled) SELECT 1, COUNT(*), COALESCE(SUM(has_2fa), 0) FROM users HAVING COUNT(*) > 0;
   CREATE TRIGGER user_counts_insert AFTER INSERT ON users BEGIN
     INSERT OR IGNORE INTO user_counts (k, users, enrolled) VALUES (1, 0, 0);
     UPDATE user_counts SET users = users + 1, enrolled = enrolled + NEW.has_2fa WHERE k = 1;
   END;
   CREATE TRIGGER user_counts_delete AFTER DELETE ON users BEGIN
     UPDATE user_counts SET users = users - 1, enrolled = enrolled - OLD.has_2fa WHERE k = 1;
   END;
   CREATE TRIGGER user_counts_2fa AFTER UPDATE OF has_2fa ON users WHEN NEW.has_2fa <> OLD.has_2fa BEGIN
     UPDATE user_counts SET enrolled = enrolled + NEW.has_2fa - OLD.has_2fa WHERE k = 1;
   END;
   CREATE TRIGGER has_2fa_totp_insert AFTER INSERT ON totp BEGIN
     UPDATE users SET has_2fa = 1 WHERE id = NEW.user_id AND has_2fa = 0;
   END;
   CREATE TRIGGER has_2fa_passkey_insert AFTER INSERT ON passkeys BEGIN
     UPDATE users SET has_2fa = 1 WHERE id = NEW.user_id AND has_2fa = 0;
   END;
   CREATE TRIGGER has_2fa_totp_delete AFTER DELETE ON totp BEGIN
     UPDATE users SET has_2fa = EXISTS (SELECT 1 FROM passkeys WHERE user_id = OLD.user_id) WHERE id = OLD.user_id;
   END;
   CREATE TRIGGER has_2fa_passkey_delete AFTER DELETE ON passkeys BEGIN
     UPDATE users SET has_2fa = EXISTS (SELECT 1 FROM totp WHERE user_id = OLD.user_id)
       OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = OLD.user_id) WHERE id = OLD.user_id;
   END;`,
  // 13: big orgs, phishing-resistant sign-in: the compliance view's "without a passkey" (active users with no
  // passkey) counted and listed without a scan, as step 12 did for 2FA: has_passkey on the user's row, a partial
  // index of the users it lists, and its count in user_counts, all kept by triggers. A user counts while
  // has_passkey = 0 and deactivated_at IS NULL. The insert trigger makes the counts' row itself, since SQLite does
  // not promise which of two triggers on one event runs first. A factor never changes owner (nothing in Gatehouse
  // does it, and the flags above follow inserts and deletes only), so two triggers refuse it.
  `ALTER TABLE users ADD COLUMN has_passkey INTEGER NOT NULL DEFAULT 0 CHECK (has_passkey IN (0, 1));
   UPDATE users SET has_passkey = 1 WHERE id IN (SELECT user_id FROM passkeys);
   CREATE INDEX users_without_passkey ON users (created_at, id) WHERE has_passkey = 0 AND deactivated_at IS NULL;
   ALTER TABLE user_counts ADD COLUMN without_passkey INTEGER NOT NULL DEFAULT 0;
   UPDATE user_counts SET without_passkey = (SELECT COUNT(*) FROM users WHERE has_passkey = 0 AND deactivated_at IS NULL);
   CREATE TRIGGER without_passkey_insert AFTER INSERT ON users BEGIN
     INSERT OR IGNORE INTO user_counts (k, users, enrolled) VALUES (1, 0, 0);
     UPDATE user_counts SET without_passkey = without_passkey + (NEW.has_passkey = 0 AND NEW.deactivated_at IS NULL) WHERE k = 1;
   END;
   CREATE TRIGGER without_passkey_delete AFTER DELETE ON users BEGIN
     UPDATE user_counts SET without_passkey = without_passkey - (OLD.has_passkey = 0 AND OLD.deactivated_at IS NULL) WHERE k = 1;
   END;
   CREATE TRIGGER without_passkey_update AFTER UPDATE OF has_passkey, deactivated_at ON users
     WHEN (NEW.has_passkey = 0 AND NEW.deactivated_at IS NULL) <> (OLD.has_passkey = 0 AND OLD.deactivated_at IS NULL) BEGIN
     UPDATE user_counts SET without_passkey = without_passkey + (NEW.has_passkey = 0 AND NEW.deactivated_at IS NULL)
       - (OLD.has_passkey = 0 AND OLD.deactivated_at IS NULL) WHERE k = 1;
   END;
   CREATE TRIGGER has_passkey_insert AFTER INSERT ON passkeys BEGIN
     UPDATE users SET has_passkey = 1 WHERE id = NEW.user_id AND has_passkey = 0;
   END;
   CREATE TRIGGER has_passkey_delete AFTER DELETE ON passkeys WHEN NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = OLD.user_id) BEGIN
     UPDATE users SET has_passkey = 0 WHERE id = OLD.user_id AND has_passkey = 1;
   END;
   CREATE TRIGGER passkeys_keep_owner BEFORE UPDATE OF user_id ON passkeys WHEN NEW.user_id IS NOT OLD.user_id BEGIN
     SELECT RAISE(ABORT, 'a passkey never changes owner');
   END;
   CREATE TRIGGER totp_keeps_owner BEFORE UPDATE OF user_id ON totp WHEN NEW.user_id IS NOT OLD.user_id BEGIN
     SELECT RAISE(ABORT, 'a TOTP secret never changes owner');
   END;`,
  // 14: single-use form ids (org/form-ids.ts): a page form whose answer shows a secret once (an API key, an
  // application's secret, recovery codes) records its id with what it made, so the same post sent again makes
  // nothing more. Kept until the id is too old to be accepted anyway.
  `CREATE TABLE form_ids (id TEXT PRIMARY KEY, used_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;`,
  // 15: replay state per step, not a high-water mark (totp-state.ts): which of the two steps before the latest
  // accepted one were accepted too, so a never-used code of the step before still passes inside the window.
  `ALTER TABLE totp ADD COLUMN used_mask INTEGER NOT NULL DEFAULT 0;
   UPDATE totp SET used_mask = 3;`,
  // 16: the audit's aggregation asks, for each repeat failure, whether a security event about the same user came
  // after the open row (audit.ts joinWindow): one probe here, where audit_by_class read every recent security row.
  `CREATE INDEX audit_security_by_subject ON audit (subject_id, id) WHERE class = 'security';`,
  // 17: the org's active admins counted from a partial index, not a scan of every user: the Users page asks on
  // each view whether the viewer is the last one (so "Make technician" is not offered where it would be refused).
  `CREATE INDEX users_active_admins ON users (id) WHERE role = 'admin' AND deactivated_at IS NULL;`,
  // 18: the sign-in whose enrollment staged a pending secret (totp-state.ts): opening that enrollment page again (a
  // reload, Back) shows the same secret the person already scanned instead of replacing it; no other way sees it.
  `ALTER TABLE totp_pending ADD COLUMN staged_by TEXT;`,
  // 19: the session that asked for a change of address (email-links.ts): the owner who ends that session from the
  // Account page's list (a thief's, say) ends the change it asked for.
  `ALTER TABLE email_links ADD COLUMN session_hash TEXT;`,
];
