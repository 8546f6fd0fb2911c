// How email addresses compare, one rule for every layer: the directory's claims, the org's links and the routes.

/** Emails are unique across the deployment, compared case-insensitively (docs/api.md). */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}
