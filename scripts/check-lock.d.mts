// Types for scripts/check-lock.mjs, so the TypeScript tests can import it.
export interface LockCheck {
  problems: string[];
  native: { package: string; platforms: string[] }[];
}
export function checkLock(lock: unknown): LockCheck;
