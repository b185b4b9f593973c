import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { redactCustomer } from "~/privacy/compliance.server";
import { customersRedactPayload } from "~/webhooks/payloads";
import { verifiedWebhook } from "~/webhooks/respond.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, body } = await verifiedWebhook(request, customersRedactPayload);
  await redactCustomer(prisma, { shop, customer: body.customer, ordersToRedact: body.orders_to_redact });
  return new Response(null, { status: 200 });
};
