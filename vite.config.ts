import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import remixConfig from "./remix.config.js";

// App Bridge talks to the Shopify admin frame; in local development the app is served directly.
const port = Number(process.env.PORT ?? 3000);

export default defineConfig({
  server: { port, host: "127.0.0.1", fs: { allow: ["app", "node_modules"] } },
  plugins: [remix(remixConfig), tsconfigPaths()],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
});
