// Load generation (autocannon, 127.0.0.1 only, bounded in time and connections) and CPU accounting of a
// child process from /proc, so a figure is the server's work, not the load generator's.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const CLOCK_TICKS_PER_SECOND = 100;

/** User and system CPU seconds used so far by a process (Linux /proc/<pid>/stat, fields 14 and 15), or null. */
export function cpuTimes(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** User + system CPU seconds used so far by a process, or null. */
export function cpuSeconds(pid) {
  const t = cpuTimes(pid);
  return t && t.user + t.system;
}

/**
 * One bounded autocannon run. `next()` (optional) gives each request its own {path, body, headers}; when it
 * returns null the supply is spent and the run stops early (the rate is then over the time actually run).
 * `ok(status)` says which answers count as the figure (default 2xx). `cpuPid` adds CPU per counted answer.
 */
export async function measure({ url, method = "GET", path = "/", headers = {}, body, next, seconds, connections, ok, cpuPid }) {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`refusing to load anything but 127.0.0.1: ${url}`);
  let counted = 0;
  let instance;
  let spent = false;
  let lastOkAt = null;
  /** workerd's CPU at the last counted answer after the supply ran out: the 404s sent until stop() are not the figure's. */
  let cpuAtLastOk = null;
  /** Once the supply is spent, the requests still sent until stop() lands go to a cheap 404, never counted. */
  const exhausted = { path: "/__bench/exhausted", body: undefined, headers: {} };
  const isOk = ok ?? ((s) => s >= 200 && s < 300);
  const request = {
    method,
    path,
    headers: { "content-type": "application/json", ...headers },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    ...(next
      ? {
          setupRequest: (req) => {
            let item = spent ? null : next();
            if (!item) {
              if (!spent) {
                spent = true;
                cpuAtLastOk = cpuSeconds(cpuPid);
                setImmediate(() => instance?.stop());
              }
              item = exhausted;
            }
            return {
              ...req,
              path: item.path ?? path,
              headers: { ...req.headers, ...(item.headers ?? {}) },
              body: item.body === undefined ? undefined : typeof item.body === "string" ? item.body : JSON.stringify(item.body),
            };
          },
        }
      : {}),
  };
  const cpuBefore = cpuSeconds(cpuPid);
  const started = process.hrtime.bigint();
  const result = await new Promise((resolve, reject) => {
    instance = autocannon({ url, connections, duration: seconds, requests: [request], timeout: 30 }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    instance.on("response", (_client, statusCode) => {
      if (isOk(statusCode)) {
        counted++;
        lastOkAt = process.hrtime.bigint();
        if (spent) cpuAtLastOk = cpuSeconds(cpuPid);
      }
    });
  });
  // A run cut short by its supply is timed, and its CPU taken, up to its last counted answer, not through the stop.
  const ended = spent && lastOkAt ? lastOkAt : process.hrtime.bigint();
  const elapsed = Number(ended - started) / 1e9;
  const cpuAfter = spent && cpuAtLastOk !== null ? cpuAtLastOk : cpuSeconds(cpuPid);
  const cpu = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
  return {
    requests: result.requests.total,
    counted,
    errors: result.errors + result.timeouts,
    seconds: round(elapsed, 2),
    rps: round(counted / elapsed, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    statusCodes: result.statusCodeStats,
    stoppedEarly: spent,
    ...(cpu !== null ? { cpuSeconds: round(cpu, 2), cpuMsPerOp: counted ? round((cpu * 1000) / counted, 2) : null } : {}),
  };
}

export function round(n, digits = 1) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Runs `task` over `items` with at most `limit` in flight; keeps order of results. */
export async function pool(items, limit, task) {
  const results = new Array(items.length);
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const k = i++;
      results[k] = await task(items[k], k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
