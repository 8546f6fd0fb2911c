// The web pages, grouped by area: sign-in, account, admin (and the pairing link's, mounted at /pair); plus the
// static files. Each area calls the flows of src/flows/, the same as the JSON API.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { APP_CSS, APP_JS, FAVICON_SVG } from "../../ui/assets";
import { PASSKEYS_JS } from "../../ui/passkeys-script";
import { accountPages } from "./account";
import { adminPages } from "./admin";
import { apiKeyPages } from "./api-keys";
import { applicationPages } from "./applications";
import { invitePages } from "./invites";
import { passkeyPages } from "./passkeys";
import { peoplePages } from "./people";
import { signInPages } from "./sign-in";

const ASSET_CACHE = "public, max-age=86400";

export const pageRoutes = new Hono<AppEnv>()
  .get("/static/app.css", (c) => c.body(APP_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": ASSET_CACHE }))
  .get("/static/app.js", (c) => c.body(APP_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": ASSET_CACHE }))
  .get("/favicon.ico", (c) => c.body(FAVICON_SVG, 200, { "content-type": "image/svg+xml", "cache-control": ASSET_CACHE }))
  .get("/static/favicon.svg", (c) => c.body(FAVICON_SVG, 200, { "content-type": "image/svg+xml", "cache-control": ASSET_CACHE }))
  .get("/static/passkeys.js", (c) =>
    c.body(PASSKEYS_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": ASSET_CACHE }),
  )
  .route("/", passkeyPages)
  .route("/", signInPages)
  .route("/", accountPages)
  .route("/", adminPages)
  .route("/", apiKeyPages)
  .route("/", applicationPages)
  .route("/", peoplePages)
  .route("/", invitePages);
