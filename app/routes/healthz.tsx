// Liveness + readiness for load balancers: 200 when PostgreSQL and the job queue answer, 503 otherwise.
import { checkHealth } from "~/health.server";

export const loader = async () => {
  const report = await checkHealth();
  // Not Response.json(): remix-serve (production) installs a fetch polyfill whose Response lacks it.
  return new Response(JSON.stringify(report), {
    status: report.ok ? 200 : 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
};
