// Tells cloudflare:test and cloudflare:workers which bindings and exports the Worker has.
import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
