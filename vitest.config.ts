// Two projects in one `vitest run`: the Worker and its Durable Objects inside workerd, and the pages in
// real headless Chromium driven from Node against a Worker started by wrangler.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { mailStandIn } from "./test/support/mail-provider.ts";
import { TEST_SECRETS } from "./test/support/secrets.ts";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Outbound fetches land in a stand-in mail API (test/support/mail-provider.ts); other hosts pass through.
            miniflare: { bindings: { ...TEST_SECRETS, TEST_SEAMS: "true", TRIP_COUNTING: "true" }, outboundService: mailStandIn },
          }),
        ],
        // 30 s, not vitest's 5 s: on a shared 2-core machine a file's first test also pays for starting workerd.
        test: { name: "workers", include: ["test/**/*.test.ts"], exclude: ["test/browser/**", "test/e2e/**"], testTimeout: 30_000 },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
