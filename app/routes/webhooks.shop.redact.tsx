import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { redactShop } from "~/privacy/compliance.server";
import { shopRedactPayload } from "~/webhooks/payloads";
import { verifiedWebhook } from "~/webhooks/respond.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  // The shop comes from the verified header, never from the body.
  const { shop } = await verifiedWebhook(request, shopRedactPayload);
  await redactShop(prisma, shop);
  return new Response(null, { status: 200 });
};
