// Image keys (QR codes, voucher images) are not inlined into the JSON the extension reads: the
// extension shows them with <s-image src>, which needs a URL. Each URL is signed for one key of one
// shop and expires; only a request that passed the buyer check (order-keys.server.ts) gets one.
import { createHmac, timingSafeEqual } from "node:crypto";

export const KEY_IMAGE_PATH = "/api/customer/key-image";
export const KEY_IMAGE_TTL_MS = 30 * 60_000;

function signature(secret: string, shop: string, keyId: string, expiresAt: number): string {
  // A key of its own, so a signature made here can never be mistaken for another use of the secret.
  const subkey = createHmac("sha256", secret).update("erysta:customer-key-image").digest();
  return createHmac("sha256", subkey).update(`${shop}\n${keyId}\n${expiresAt}`).digest("base64url");
}

export function signKeyImageUrl(input: {
  appUrl: string;
  secret: string;
  shop: string;
  keyId: string;
  expiresAt: number;
}): string {
  const url = new URL(KEY_IMAGE_PATH, input.appUrl);
  url.searchParams.set("shop", input.shop);
  url.searchParams.set("key", input.keyId);
  url.searchParams.set("exp", String(input.expiresAt));
  url.searchParams.set("sig", signature(input.secret, input.shop, input.keyId, input.expiresAt));
  return url.toString();
}

export type KeyImageGrant =
  | { ok: true; shop: string; keyId: string }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

export function verifyKeyImageUrl(url: URL, secret: string, now: number): KeyImageGrant {
  const shop = url.searchParams.get("shop");
  const keyId = url.searchParams.get("key");
  const exp = url.searchParams.get("exp");
  const sig = url.searchParams.get("sig");
  if (!shop || !keyId || !exp || !sig || !/^\d{1,15}$/.test(exp)) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(signature(secret, shop, keyId, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: "bad_signature" };
  if (Number(exp) <= now) return { ok: false, reason: "expired" };
  return { ok: true, shop, keyId };
}
