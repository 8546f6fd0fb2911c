// Worker entry: middleware, the API routers of docs/api.md, pages, and the Durable Object classes.
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { ApiError, errorResponse, onError } from "./errors";
import { loadActor } from "./http/actor";
import { refuseMisconfigured } from "./http/configured";
import { jsonBodiesOnly } from "./http/content-type";
import { hsts, limitBody, sameOriginOnly, securityHeaders } from "./http/guards";
import { noStore } from "./http/no-store";
import { countTrips } from "./http/trips";
import { authRoutes } from "./routes/auth";
import { devRoutes } from "./routes/dev";
import { healthRoutes } from "./routes/health";
import { meRoutes } from "./routes/me";
import { orgRoutes } from "./routes/org";
import { pairPageRoutes } from "./routes/pages/pairing";
import { pairingRoutes } from "./routes/pairing";
import { platformRoutes } from "./routes/platform";
import { methodNotAllowed } from "./routes/not-found";
import { openApiRoutes } from "./routes/openapi";
import { pageRoutes } from "./routes/pages/index";

export { DirectoryDurableObject } from "./directory/durable-object";
export { OrgDurableObject } from "./org/durable-object";

const app = new Hono<AppEnv>();

// noStore first, so it also marks the answers of the guards after it, of onError and of notFound.
// Counting round trips first (tests and bench only), so it sees every call to an object.
app.use("*", countTrips);
app.use("*", noStore, securityHeaders, hsts, limitBody, sameOriginOnly, refuseMisconfigured);
app.route("/", healthRoutes);
// Before the actor is loaded, so every JSON route refuses another content type the same way, signed in or not.
app.use("/api/*", jsonBodiesOnly);
app.use("/auth/*", jsonBodiesOnly);
app.use("/api/*", loadActor);
app.route("/auth", authRoutes);
app.route("/api/me", meRoutes);
app.route("/api/org", orgRoutes);
app.route("/api/platform", platformRoutes);
app.route("/api", pairingRoutes);
app.route("/dev", devRoutes);
app.route("/pair", pairPageRoutes);
app.route("/api", openApiRoutes);
app.route("/", pageRoutes);

app.notFound((c) => methodNotAllowed(app, c) ?? errorResponse(new ApiError("not_found", "No such endpoint.")));
app.onError(onError);

export default app;
