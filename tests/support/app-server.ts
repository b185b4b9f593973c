// The real Remix app (every route, Shopify auth included), served over HTTP inside a test file.
// Vite compiles the app on demand in middleware mode; the app reads this test file's environment.
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { createServer, type ViteDevServer } from "vite";
import { serveFetchHandler } from "../../server/node-adapter";
import { ROOT } from "./processes";

export interface AppServer {
  origin: string;
  vite: ViteDevServer;
  close(): Promise<void>;
}

export async function startAppServer(options: { port?: number } = {}): Promise<AppServer> {
  const vite = await createServer({
    root: ROOT,
    configFile: `${ROOT}/vite.config.ts`,
    logLevel: "error",
    server: { middlewareMode: true, hmr: false, watch: null },
    appType: "custom",
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  const handler = createRequestHandler(
    () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
    "development",
  );
  const http = await serveFetchHandler(handler, { port: options.port });
  return {
    origin: http.origin,
    vite,
    async close() {
      await http.close();
      await vite.close();
    },
  };
}
