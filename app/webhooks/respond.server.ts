// Shared webhook plumbing: verify the HMAC (401 when it is wrong), then parse the payload with zod. A
// payload we cannot read is answered 400 with the reason and logged, never a crash.
import type { z } from "zod";
import { logger } from "~/logger.server";
import { parseJsonBody, verifyShopifyWebhook } from "./verify.server";

export async function verifiedWebhook<S extends z.ZodType>(request: Request, schema: S) {
  const context = await verifyShopifyWebhook(request);
  const parsed = schema.safeParse(parseJsonBody(context));
  if (!parsed.success) {
    logger.error(
      { shop: context.shop, topic: context.topic, issues: parsed.error.issues },
      "unreadable webhook payload",
    );
    throw new Response(
      `Unreadable ${context.topic} payload: ${parsed.error.issues.map((i) => i.path.join(".") + " " + i.message).join("; ")}`,
      {
        status: 400,
      },
    );
  }
  return { ...context, body: parsed.data as z.infer<S> };
}
