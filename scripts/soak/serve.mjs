// The soak's runtime, a child process: the bundle `wrangler deploy` would upload, in workerd through Miniflare,
// on one direct socket on 127.0.0.1 (no dev proxy in the measured path), Durable Objects persisted to a folder
// so that killing this process and starting it again is a restart with state kept.
// Usage: node serve.mjs <config.json> with {root, entry, port, persistTo, bindings}.
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { durableObject, manifest, readCompat, sqliteObject, text } from "../../bench/lib/workers.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: false, // no fetch of Cloudflare's request metadata: the soak talks to 127.0.0.1 only
  log: new Log(LogLevel.WARN), // workerd's own warnings and errors (an isolate reset, a limit) reach our stderr
  resourcePersistencePath: config.persistTo, // Durable Objects kept on disk: a restart keeps state
  workers: [
    {
      config: {
        name: "gatehouse",
        ...readCompat(config.root),
        manifest: manifest(dirname(config.entry), basename(config.entry)),
        env: {
          ...text(config.bindings),
          ORG: durableObject("gatehouse", "OrgDurableObject"),
          DIRECTORY: durableObject("gatehouse", "DirectoryDurableObject"),
        },
        exports: { OrgDurableObject: sqliteObject, DirectoryDurableObject: sqliteObject },
      },
      dev: { unsafeDirectSockets: [{ host: "127.0.0.1", port: config.port }] },
    },
  ],
});
await mf.ready;
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    mf.dispose().finally(() => process.exit(0));
  });
}
