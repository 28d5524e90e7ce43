// The one way the UI talks to the server: same-origin fetch with the session cookie, the
// CSRF token on every write, and problem+json errors turned into ApiError values. A 401 on
// any call other than login means the session ended: listeners (the auth provider) send the
// user back to the login screen with a message.

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  errors?: FieldProblem[];
  allowed?: string[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  // The message for one field, when the server named it. Problems inside a structured
  // field (a JSON field's `targets.P1.response`, `hours.mon[0][0]`) belong to that field
  // too and keep their inner path.
  fieldError(name: string): string | undefined {
    const mine = this.problem.errors?.filter((e) => fieldOf(e.field) === name) ?? [];
    if (!mine.length) return undefined;
    return mine.map((e) => (e.field === name ? e.message : `${e.field.slice(name.length).replace(/^\./, '')}: ${e.message}`)).join('; ');
  }
  get isConflict(): boolean {
    return this.status === 412;
  }
}

// The top-level field a problem's path names: `targets.P1.response` → `targets`.
export function fieldOf(path: string): string {
  const m = /^[^.[]+/.exec(path);
  return m ? m[0] : path;
}

let csrfToken = '';
export function setCsrfToken(token: string) {
  csrfToken = token;
  if (token) ended = false; // a session again (login, or /me after a reload)
}

type ExpiryListener = () => void;
const expiryListeners = new Set<ExpiryListener>();
export function onSessionExpired(fn: ExpiryListener): () => void {
  expiryListeners.add(fn);
  return () => expiryListeners.delete(fn);
}
// True from a 401 until the next login (a new CSRF token): what fails meanwhile failed
// because the session ended, and the login screen says so.
let ended = false;
export function sessionHasEnded(): boolean {
  return ended;
}
function sessionEnded() {
  ended = true;
  expiryListeners.forEach((fn) => fn());
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  ifMatch?: number;
  // Login and the boot-time /me probe handle 401 themselves.
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Check your connection.' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const problem: Problem = (data && typeof data === 'object' ? (data as Problem) : { title: res.statusText }) ?? {};
    if (res.status === 401 && !opts.quiet401) sessionEnded();
    throw new ApiError(res.status, problem);
  }
  return data as T;
}

// Sends a file as the raw request body (attachments): the browser's own type for it, the
// CSRF token, problem+json errors like api().
export async function apiUpload<T = unknown>(path: string, file: Blob): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': file.type || 'application/octet-stream',
        ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
      },
      credentials: 'same-origin',
      body: file,
    });
  } catch {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Check your connection.' });
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    if (res.status === 401) sessionEnded();
    throw new ApiError(res.status, data && typeof data === 'object' ? (data as Problem) : { title: res.statusText });
  }
  return data as T;
}

// The methods the server allows on a path, from the Allow header of its answer to OPTIONS
// (405 with Allow; no side effects): how the UI learns whether an action exists yet.
export async function allowedMethods(path: string): Promise<string[]> {
  const res = await fetch(path, { method: 'OPTIONS', credentials: 'same-origin' });
  return (res.headers.get('Allow') ?? '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
}

// Query strings from plain objects; empty values are left out.
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 412) return 'Someone else changed this record — reload to see their changes.';
    const p = e.problem;
    if (p.errors?.length) return 'Please correct the marked fields.';
    const parts = [p.detail || p.title || e.message];
    if (p.allowed?.length) parts.push(`Allowed: ${p.allowed.join(', ')}`);
    return parts.join('. ');
  }
  return e instanceof Error ? e.message : String(e);
}
