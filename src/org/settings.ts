// The org row: name, slug, jurisdiction and its security settings.
import type { OrgInfo } from "./results";
import { first } from "./store";

interface OrgRow extends Record<string, SqlStorageValue> {
  slug: string;
  name: string;
  jurisdiction: string | null;
  require_2fa: number;
  totp_period: number;
  require_phishing_resistant: number;
}

export function readOrg(sql: SqlStorage): OrgInfo | undefined {
  const row = first<OrgRow>(sql, "SELECT * FROM org");
  return row && orgInfo(row);
}

function orgInfo(row: OrgRow): OrgInfo {
  return {
    slug: row.slug,
    name: row.name,
    jurisdiction: row.jurisdiction,
    require2fa: row.require_2fa === 1,
    requirePhishingResistant: row.require_phishing_resistant === 1,
    totpPeriod: row.totp_period,
  };
}

const ORG_FIELDS = ["slug", "name", "jurisdiction", "require_2fa", "totp_period", "require_phishing_resistant"] as const;

/** The org row's columns for a statement that joins `org` as `alias`, each named org_<column> (users share names). */
export function orgColumns(alias: string): string {
  if (!/^[a-z]+$/.test(alias)) throw new Error(`orgColumns: not a table alias: ${alias}`);
  return ORG_FIELDS.map((f) => `${alias}.${f} AS org_${f}`).join(", ");
}

/** The org read through `orgColumns`. */
export function orgOfColumns(row: Record<string, SqlStorageValue>): OrgInfo {
  return orgInfo(Object.fromEntries(ORG_FIELDS.map((f) => [f, row[`org_${f}`] ?? null])) as OrgRow);
}

/**
 * Whether every member must keep a second factor: the org requires 2FA, or phishing-resistant sign-in (a passkey
 * is a second factor, so requiring one requires a factor). The rules that keep a factor in place read this.
 */
export function secondFactorRequired(sql: SqlStorage): boolean {
  const org = readOrg(sql);
  return !!org && (org.require2fa || org.requirePhishingResistant);
}

export function insertOrg(sql: SqlStorage, slug: string, name: string, jurisdiction: string | null, now: number): void {
  sql.exec("INSERT INTO org (k, slug, name, jurisdiction, created_at) VALUES (1, ?, ?, ?, ?)", slug, name, jurisdiction, now);
}

export function writeSettings(sql: SqlStorage, s: OrgSettings): void {
  sql.exec(
    "UPDATE org SET require_2fa = ?, totp_period = ?, require_phishing_resistant = ?",
    s.require2fa ? 1 : 0,
    s.totpPeriod,
    s.requirePhishingResistant ? 1 : 0,
  );
}

export interface OrgSettings {
  require2fa: boolean;
  totpPeriod: number;
  requirePhishingResistant: boolean;
}
