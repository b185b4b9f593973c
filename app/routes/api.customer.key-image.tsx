// GET /api/customer/key-image?shop&key&exp&sig — one image key (QR code, voucher image) for the
// customer UI extension's <s-image>. The URL itself is the permission: signed for one key of one shop,
// short-lived, handed out only by /api/customer/order-keys after the buyer check.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { verifyKeyImageUrl } from "~/customer/key-image.server";
import { prisma } from "~/db.server";
import { decodeImageKey } from "~/email/templates/image";
import { getEnv } from "~/env.server";
import { openSecret } from "~/security/secrets.server";

const HEADERS = {
  "Cache-Control": "private, no-store",
  "X-Content-Type-Options": "nosniff",
  "Access-Control-Allow-Origin": "*",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const grant = verifyKeyImageUrl(new URL(request.url), getEnv().SHOPIFY_API_SECRET, Date.now());
  if (!grant.ok) return new Response(`Forbidden (${grant.reason})`, { status: 403, headers: HEADERS });
  const key = await prisma.deliveredKey.findFirst({
    where: { id: grant.keyId, shop: grant.shop, type: "IMAGE" },
  });
  if (!key) return new Response("Not found", { status: 404, headers: HEADERS });
  const image = decodeImageKey(openSecret(key.valueCiphertext, grant.shop), "image key");
  return new Response(new Uint8Array(image.content), {
    headers: { ...HEADERS, "Content-Type": image.contentType },
  });
};
