// Request routing and parameter checks shared by the emulator's Trunking v1 and API 2010 routes.
// Failures are thrown as ApiFailure and answered with Twilio's error body.

import type { JsonObject } from './twilio-emulator-json.js';

export interface ApiRequest {
  method: string;
  /** The URL path without the query. */
  path: string;
  query: URLSearchParams;
  /** The form-encoded body (last value wins for a repeated key). */
  body: Record<string, string>;
}

export interface ApiReply {
  status: number;
  /** Absent for 204 No Content. */
  body?: JsonObject;
}

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

type Method = 'GET' | 'POST' | 'DELETE';

export interface Route {
  method: Method;
  pattern: RegExp;
  handle: (req: ApiRequest, params: string[]) => ApiReply;
}

export function route(method: Method, pattern: RegExp, handle: Route['handle']): Route {
  return { method, pattern, handle };
}

export const ok = (body: JsonObject): ApiReply => ({ status: 200, body });
export const created = (body: JsonObject): ApiReply => ({ status: 201, body });
export const noContent = (): ApiReply => ({ status: 204 });

export function notFound(path: string): ApiFailure {
  return new ApiFailure(404, 20404, `The requested resource ${path} was not found`);
}

/** Answer with the first route whose pattern and method match; 404 or 405 (Twilio error 20004) otherwise. */
export function dispatch(routes: Route[], req: ApiRequest): ApiReply {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(req.path);
    if (m === null) continue;
    pathMatched = true;
    if (r.method === req.method) return r.handle(req, m.slice(1).map((p) => decodeURIComponent(p ?? '')));
  }
  if (pathMatched) throw new ApiFailure(405, 20004, 'Method not allowed');
  throw notFound(req.path);
}

/** Look a record up by SID or answer 404 for the request's path. */
export function found<T>(record: T | undefined, req: ApiRequest): T {
  if (record === undefined) throw notFound(req.path);
  return record;
}

export function requiredParam(req: ApiRequest, name: string): string {
  const value = req.body[name];
  if (value === undefined || value === '') {
    throw new ApiFailure(400, 20001, `Missing required parameter ${name} in the post body`);
  }
  return value;
}

export function invalidParam(name: string, why: string): ApiFailure {
  return new ApiFailure(400, 20001, `Invalid parameter ${name}: ${why}`);
}

export function intParam(req: ApiRequest, name: string, min: number, max: number): number | undefined {
  const raw = req.body[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParam(name, `${raw} is not an integer from ${min} to ${max}`);
  }
  return value;
}

export function boolParam(req: ApiRequest, name: string): boolean | undefined {
  const raw = req.body[name];
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  throw invalidParam(name, `${raw} is not true or false`);
}

/** A string parameter where "" clears the value (Twilio's way to unset a URL or SID). */
export function clearableParam(req: ApiRequest, name: string): string | null | undefined {
  const raw = req.body[name];
  if (raw === undefined) return undefined;
  return raw === '' ? null : raw;
}

export function sidParam(req: ApiRequest, name: string, prefix: string): string | null | undefined {
  const value = clearableParam(req, name);
  if (typeof value === 'string' && !new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value)) {
    throw invalidParam(name, `${value} is not a ${prefix} SID`);
  }
  return value;
}
