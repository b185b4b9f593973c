// Liveness + readiness for load balancers: 200 when PostgreSQL and the job queue answer, 503 otherwise.
import { checkHealth } from "~/health.server";

export const loader = async () => {
  const report = await checkHealth();
  return Response.json(report, { status: report.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
