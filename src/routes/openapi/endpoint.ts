// One route of the HTTP contract as GET /api/openapi.json lists it (./index.ts); the body is the zod schema the
// route validates with.
import type { z } from "zod";

export type Auth = "none" | "session" | "session_or_key" | "admin" | "platform";

export interface Endpoint {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  ok: number;
  errors?: number[];
}
