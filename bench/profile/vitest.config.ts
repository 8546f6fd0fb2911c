// Bench-only profiles (npm run bench:profile): the code step's and the big org's stages timed in workerd, through
// the test seams of the test runtime. Not part of npm test; nothing here is in the deployed Worker.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_SECRETS } from "../../test/support/secrets.ts";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "../../wrangler.toml" },
            miniflare: { bindings: { ...TEST_SECRETS, TEST_SEAMS: "true" } },
          }),
        ],
        test: { name: "profile", root: "bench/profile", include: ["*.profile.ts"], testTimeout: 600_000 },
      },
    ],
  },
});
