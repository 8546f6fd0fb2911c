// Times on the pages: one format for every table, always in UTC (the server knows no viewer's time zone), and the
// column heading says so, as the audit log's does.

/** "3 Dec 2026, 13:26" (en) or "3 déc. 2026, 13:26" (fr), in UTC; `never` when there is no time. */
export function when(iso: string | null | undefined, lang: string, never = ""): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
}

/** A time column's heading: "Created (UTC)". */
export const utcHeading = (label: string): string => `${label} (UTC)`;
