// The real Remix app served for a browser: like app-server.ts (in-process, Vite in middleware mode),
// plus Vite's own middleware so the browser gets the client modules (with pre-bundled dependencies,
// cached per test file under .cache/). The port is taken first, so simulators can be told the app's URL
// before the app reads its environment (on the first request).
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { createServer, type ViteDevServer } from "vite";
import { toFetchRequest, writeFetchResponse } from "../../server/node-adapter";
import { ROOT } from "./processes";

/** What the admin's client code imports from node_modules (Remix and vite.config.ts add React's). */
const BROWSER_DEPENDENCIES = [
  "@remix-run/react",
  "@shopify/polaris",
  "@shopify/app-bridge-react",
  "@shopify/shopify-app-remix/react",
  "@shopify/shopify-app-remix/server",
  "zod",
];

export interface AdminAppServer {
  origin: string;
  /** Builds the app (after the environment is set) and starts answering requests. */
  start(options: { cacheName: string }): Promise<ViteDevServer>;
  close(): Promise<void>;
}

export async function listenAdminAppServer(): Promise<AdminAppServer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let vite: ViteDevServer | undefined;
  let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  server.on("request", (req, res) => {
    if (!handle) {
      res.statusCode = 503;
      res.end("not started");
      return;
    }
    handle(req, res);
  });

  return {
    origin,
    async start({ cacheName }) {
      vite = await createServer({
        root: ROOT,
        configFile: `${ROOT}/vite.config.ts`,
        logLevel: "error",
        cacheDir: path.join(ROOT, ".cache", `vite-${cacheName}`),
        // HMR's websocket shares the app's port (Vite's client in the page connects to it); nothing is watched.
        server: { middlewareMode: true, hmr: { server }, watch: null },
        appType: "custom",
        // Every browser dependency is pre-bundled once, at start. Discovering one later would make Vite
        // re-bundle and reload pages mid-test (and mix two copies of React meanwhile).
        optimizeDeps: { noDiscovery: true, include: BROWSER_DEPENDENCIES },
      });
      const remix = createRequestHandler(
        () => vite!.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        "development",
      );
      handle = (req, res) =>
        vite!.middlewares(req, res, async () => {
          try {
            await writeFetchResponse(res, await remix(toFetchRequest(req, origin)));
          } catch (err) {
            console.error(err);
            if (!res.headersSent) res.statusCode = 500;
            res.end();
          }
        });
      return vite;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await vite?.close();
    },
  };
}
