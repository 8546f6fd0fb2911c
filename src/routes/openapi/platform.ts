// The operator's routes (PLATFORM_TOKEN): orgs, and finding, adding, resetting or removing a user in any org.
// Part of GET /api/openapi.json (./index.ts); the order of the entries is the document's.
import type { Endpoint } from "./endpoint";
import { createOrgBody, platformUserBody } from "../platform";

export const PLATFORM_ENDPOINTS: Endpoint[] = [
  {
    method: "post",
    path: "/api/platform/orgs",
    summary: "Create an org and its first admin (operator)",
    auth: "platform",
    body: createOrgBody,
    ok: 201,
    errors: [400, 401, 409, 429],
  },
  {
    method: "get",
    path: "/api/platform/orgs/{slug}",
    summary: "An org's state (operator): active with its name, or deleting / deleted with the progress of freeing its emails",
    auth: "platform",
    ok: 200,
    errors: [400, 401, 404, 429],
  },
  {
    method: "delete",
    path: "/api/platform/orgs/{slug}",
    summary:
      "Delete an org (operator): it stops answering at once, its data is erased, its emails and then its slug are freed in the background",
    auth: "platform",
    ok: 202,
    errors: [400, 401, 404, 429],
  },
  {
    method: "get",
    path: "/api/platform/orgs/{slug}/users",
    summary:
      "An org's users (operator), as an admin's GET /api/org/users answers them: paged (?cursor=<nextCursor>&limit=1..500), searched by email or name (&q=); how support finds the id of a user to reset",
    auth: "platform",
    ok: 200,
    errors: [400, 401, 404, 429],
  },
  {
    method: "post",
    path: "/api/platform/orgs/{slug}/users",
    summary: "Add a user to an org (operator), an admin included: how an org whose last admin is gone gets a new one",
    auth: "platform",
    body: platformUserBody,
    ok: 201,
    errors: [400, 401, 404, 409, 429],
  },
  {
    method: "post",
    path: "/api/platform/orgs/{slug}/users/{id}/2fa/reset",
    summary: "Reset a user's 2FA (operator)",
    auth: "platform",
    ok: 204,
    errors: [401, 404, 429],
  },
  {
    method: "delete",
    path: "/api/platform/orgs/{slug}/users/{id}",
    summary: "Remove a user, the last admin included (operator); frees the email for any org",
    auth: "platform",
    ok: 204,
    errors: [401, 404, 429],
  },
];
