// Shopify admin authentication for tests, as the embedded token-exchange strategy sees it: a session
// token (HS256 JWT signed with the app secret) plus an existing offline Session row authenticate a
// request without any call to Shopify. Document requests carry the token as `id_token` next to
// `shop`, `host` and `embedded=1`; fetch requests carry it as `Authorization: Bearer`.
import { SignJWT } from "jose";
import { TEST_API_KEY, TEST_API_SECRET } from "./test-env";

export interface TokenOptions {
  shop: string;
  /** The staff member (`sub`); recorded as the actor of admin actions. */
  userId?: string;
  apiKey?: string;
  secret?: string;
  /** Seconds until `exp` (negative: already expired). */
  expiresIn?: number;
}

export async function mintSessionToken(options: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    dest: `https://${options.shop}`,
    sid: `session-${options.userId ?? "42"}`,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${options.shop}/admin`)
    .setAudience(options.apiKey ?? TEST_API_KEY)
    .setSubject(options.userId ?? "42")
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now - 1)
    .setExpirationTime(now + (options.expiresIn ?? 60))
    .sign(new TextEncoder().encode(options.secret ?? TEST_API_SECRET));
}

/** Shopify's `host` parameter: base64 of the admin URL of the store. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64");
}

/** The query string Shopify's admin puts on the app's document URL. */
export async function embeddedParams(shop: string, token?: string): Promise<URLSearchParams> {
  return new URLSearchParams({
    embedded: "1",
    shop,
    host: hostParam(shop),
    id_token: token ?? (await mintSessionToken({ shop })),
  });
}

/** A document URL (what the admin iframe loads) for `path`, e.g. "/app/orders?status=late". */
export async function adminDocumentUrl(
  origin: string,
  path: string,
  shop: string,
  userId?: string,
): Promise<string> {
  const url = new URL(path, origin);
  for (const [k, v] of await embeddedParams(shop, await mintSessionToken({ shop, userId })))
    url.searchParams.set(k, v);
  return url.toString();
}

/** The offline Session row token exchange would have stored (id `offline_<shop>`). */
export function offlineSessionRow(shop: string, accessToken: string, scope = process.env.SCOPES ?? "") {
  return { id: `offline_${shop}`, shop, state: "", isOnline: false, scope, accessToken };
}

/**
 * A Request as App Bridge's fetch sends it (Bearer token), for calling a route's loader or action
 * directly. `form` makes it a POST with a urlencoded body.
 */
export async function adminRequest(
  path: string,
  options: {
    shop: string;
    form?: Record<string, string | string[]>;
    token?: string | null;
    userId?: string;
    origin?: string;
  },
): Promise<Request> {
  const headers = new Headers();
  const token =
    options.token === undefined
      ? await mintSessionToken({ shop: options.shop, userId: options.userId })
      : options.token;
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(options.form)) {
      for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
    }
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return new Request(new URL(path, options.origin ?? "http://127.0.0.1:3999"), {
    method: body ? "POST" : "GET",
    headers,
    body,
  });
}
