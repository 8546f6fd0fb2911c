// Fixed secrets for tests and the benchmark only (never deployed): the Worker reads TEST_SECRETS as bindings,
// and every test account gets PASSWORD. Plain TypeScript with no imports, so Node (browser, e2e, bench) loads it too.
export const TEST_SECRETS = {
  PLATFORM_TOKEN: "test-platform-token-0123456789abcdef",
  PASSWORD_PEPPER: "test-pepper-0123456789abcdef0123456789",
  TOTP_KEYS: "k2:ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=,k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  HASH_KEY: "test-hash-key-0123456789abcdef0123456789",
  CHALLENGE_KEY: "test-challenge-key-0123456789abcdef012345",
  JURISDICTION_MODE: "emulated",
} as const;

export const PASSWORD = "correct horse battery staple";
