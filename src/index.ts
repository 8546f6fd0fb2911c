// Worker entry: middleware, the API routers of docs/api.md, pages, and the Durable Object classes.
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { ApiError, errorResponse, onError } from "./errors";
import { loadActor } from "./http/actor";
import { refuseMisconfigured } from "./http/configured";
import { jsonBodiesOnly } from "./http/content-type";
import { hsts, limitBody, sameOriginOnly, securityHeaders } from "./http/guards";
import { noStore } from "./http/no-store";
import { orgClientRoutes, platformClientRoutes } from "./oidc/client-routes";
import { authorizeRoutes } from "./oidc/authorize";
import { CORS_PATHS, oidcCors } from "./oidc/cors";
import { discoveryRoutes } from "./oidc/discovery";
import { logoutRoutes } from "./oidc/logout";
import { tokenRoutes } from "./oidc/token";
import { userinfoRoutes } from "./oidc/userinfo";
import { countTrips } from "./http/trips";
import { authRoutes } from "./routes/auth";
import { devRoutes } from "./routes/dev";
import { healthRoutes } from "./routes/health";
import { linkRoutes, orgInviteRoutes } from "./routes/invites";
import { meRoutes } from "./routes/me";
import { orgRoutes } from "./routes/org";
import { authPasskeyRoutes, enrollPasskeyRoutes, mePasskeyRoutes, passwordlessRoutes } from "./routes/passkeys";
import { pairPageRoutes } from "./routes/pages/pairing";
import { pairingRoutes } from "./routes/pairing";
import { platformRoutes } from "./routes/platform";
import { formAddressOpened, methodNotAllowed, wantsPage } from "./routes/not-found";
import { pageError } from "./routes/pages/kit";
import { openApiRoutes } from "./routes/openapi";
import { pageRoutes } from "./routes/pages/index";

export { DirectoryDurableObject } from "./directory/durable-object";
export { OrgDurableObject } from "./org/durable-object";

const app = new Hono<AppEnv>();

// noStore first, so it also marks the answers of the guards after it, of onError and of notFound.
// Counting round trips first (tests and bench only), so it sees every call to an object.
app.use("*", countTrips);
app.use("*", noStore, securityHeaders, hsts, limitBody, sameOriginOnly, refuseMisconfigured);
for (const path of CORS_PATHS) app.use(path, oidcCors);
app.route("/", healthRoutes);
app.route("/", discoveryRoutes);
// Before the actor is loaded, so every JSON route refuses another content type the same way, signed in or not.
app.use("/api/*", jsonBodiesOnly);
app.use("/auth/*", jsonBodiesOnly);
app.use("/api/*", loadActor);
app.route("/auth/login/passkey", authPasskeyRoutes);
app.route("/auth/login/enroll/passkey", enrollPasskeyRoutes);
app.route("/auth/passkey", passwordlessRoutes);
app.route("/auth", authRoutes);
app.route("/api/me/passkeys", mePasskeyRoutes);
app.route("/api/me", meRoutes);
app.route("/api/org/invites", orgInviteRoutes);
app.route("/api/org/oidc-clients", orgClientRoutes);
app.route("/api/org", orgRoutes);
app.route("/api/platform/oidc-clients", platformClientRoutes);
app.route("/api/platform", platformRoutes);
app.route("/api", pairingRoutes);
app.route("/api", linkRoutes);
app.route("/oauth", authorizeRoutes);
app.route("/oauth", tokenRoutes);
app.route("/oauth", userinfoRoutes);
app.route("/oauth", logoutRoutes);
app.route("/dev", devRoutes);
app.route("/pair", pairPageRoutes);
app.route("/api", openApiRoutes);
app.route("/", pageRoutes);

app.notFound(
  (c) =>
    formAddressOpened(app, c) ??
    methodNotAllowed(app, c) ??
    (wantsPage(c) ? pageError(new ApiError("not_found"), c) : errorResponse(new ApiError("not_found", "No such endpoint."))),
);
app.onError(onError);

export default app;
