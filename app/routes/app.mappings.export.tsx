// CSV export of the shop's product mappings (fetched by the mappings page with App Bridge's fetch).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMerchant } from "~/admin/auth.server";
import { getAdminDeps } from "~/admin/deps.server";
import { exportMappingsCsv } from "~/admin/mappings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const csv = await exportMappingsCsv(getAdminDeps(), { shop });
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="erysta-mappings.csv"',
      "Cache-Control": "no-store",
    },
  });
};
