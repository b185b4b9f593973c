import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { cancelShopJobs, webBoss } from "~/jobs/boss.server";
import { handleUninstalled } from "~/privacy/compliance.server";
import { verifiedWebhook } from "~/webhooks/respond.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await verifiedWebhook(request, z.object({}).loose());
  const boss = await webBoss(getEnv().DATABASE_URL);
  await handleUninstalled(prisma, { shop, cancelJobs: (s) => cancelShopJobs(boss, s) });
  return new Response(null, { status: 200 });
};
