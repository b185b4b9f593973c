// Calling a route's loader or action the way Remix does, with a request App Bridge would send.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminRequest } from "./admin-session";

// Loaders and actions take the same arguments.
type RouteFn = (args: LoaderFunctionArgs) => unknown;

export interface CallOptions {
  shop: string;
  params?: Record<string, string>;
  form?: Record<string, string | string[]>;
  /** null: no Authorization header; a string: that token. */
  token?: string | null;
  userId?: string;
}

async function unwrap(value: unknown): Promise<{ status: number; data: unknown }> {
  if (value instanceof Response) {
    const text = await value.text();
    const type = value.headers.get("content-type") ?? "";
    return { status: value.status, data: type.includes("json") ? JSON.parse(text) : text };
  }
  return { status: 200, data: value };
}

/** Runs a loader (GET) or action (POST when `form` is set). A thrown Response is returned, not thrown. */
export async function call<T = Record<string, unknown>>(
  fn: RouteFn,
  path: string,
  options: CallOptions,
): Promise<{ status: number; data: T; thrown: boolean }> {
  const request = await adminRequest(path, options);
  try {
    const result = await unwrap(await fn({ request, params: options.params ?? {}, context: {} }));
    return { ...result, data: result.data as T, thrown: false };
  } catch (err) {
    if (!(err instanceof Response)) throw err;
    const result = await unwrap(err);
    return { ...result, data: result.data as T, thrown: true };
  }
}
