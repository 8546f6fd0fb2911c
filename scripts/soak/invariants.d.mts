// Types of the soak's judge (invariants.mjs), for the tests that hand it fabricated runs.
export interface SoakUser {
  id: string;
  org: string;
  email: string;
  enrolledStep: number;
  enrolledAt: number;
  /** Wrong codes audited during setup (an enrollment confirmed on the second try). */
  setupCodeFailures?: number;
}

export interface Submission {
  user: string;
  kind: "totp" | "recovery";
  purpose: "race" | "replay" | "wrong" | "dead";
  round: number | null;
  challenge: string;
  step: number | null;
  code: string;
  status: number;
  sentAt: number;
  recvAt: number;
  acrossRestart?: boolean;
}

export interface AuditEvent {
  id: number;
  at: string;
  type: string;
  subject: { id: string; label?: string } | null;
  detail: Record<string, unknown> | null;
  count?: number;
}

export interface RunInput {
  users: SoakUser[];
  submissions: Submission[];
  endStep: number;
  audit: Record<string, AuditEvent[]>;
  usersList: Record<string, { id: string; twoFactorEnabled: boolean; locked?: boolean }[]>;
  me: { user: string; phase: "before" | "after"; statuses: number[]; body: unknown }[];
  keys: { org: string; id: string; probes: number[] | null; after: number[] | null; listed: boolean | null }[];
  answers?: { label: string; status: number; code?: string }[];
  anomalies?: string[];
  refusedReads?: string[];
}

export interface Verdict {
  breaches: string[];
  figures: {
    auditEvents: number;
    locks: number;
    checksRetried: number;
    checksUnknown: number;
    unknownSubmissions: number;
    unknownResolvedByAudit: number;
  };
}

export function judged(statuses: number[]): number;
export function checkInvariants(input: RunInput): Verdict;
