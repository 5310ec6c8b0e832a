/** A failed API call, with the status and the server's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; errors?: { field: string; message: string }[] },
  ) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

let csrfToken = '';

/** Remembers the session's CSRF token, sent with every change. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Calls the dashboard's API; throws ApiError on a non-2xx answer. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; text?: string } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let body: string | undefined;
  if (init.text !== undefined) {
    headers['Content-Type'] = 'text/yaml';
    body = init.text;
  } else if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body }),
  });
  const data = (await res.json().catch(() => ({}))) as T & ApiError['body'];
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export interface Session {
  readonly user: { readonly id: string; readonly username: string };
  readonly csrfToken: string;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly action: string;
  readonly actorId: string;
  readonly targetId: string | null;
  readonly reason: string;
  readonly details: Record<string, unknown>;
  readonly hash: string;
}

export interface Lockdown {
  readonly id: string;
  readonly status: 'active' | 'lifted';
  readonly shadow: boolean;
  readonly score: number;
  readonly reasons: string[];
  readonly steps: string[];
  readonly quarantined: number;
  readonly startedAt: number;
  readonly liftedAt: number | null;
  readonly liftedBy: string | null;
}

export interface Overview {
  readonly guild: { readonly id: string; readonly name: string };
  readonly modes: { readonly lockdown: string; readonly gate: string };
  readonly lockdown: {
    readonly id: string;
    readonly score: number;
    readonly reasons: string[];
    readonly startedAt: number;
  } | null;
  readonly dropOffs: {
    readonly joinsLastDay: number;
    readonly leftWithinDay: number;
    /** Newcomers the member gate held in the last day; of them, who failed or timed out, and who is still at it. */
    readonly gatedLastDay: number;
    readonly neverVerified: number;
    readonly waiting: number;
  };
}
