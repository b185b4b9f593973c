// `npm run build:extensions`: bundles every UI extension target module listed in the extensions'
// shopify.extension.toml files into extensions/<name>/dist/<module>.js, the way the Shopify CLI does
// (one self-contained ES module per target, Preact JSX), since the CLI cannot run here. Fails when a
// bundle is over Shopify's 64 KB (compressed) limit for UI extensions.
//   SHOPIFY_APP_URL   the backend the extension calls (default: application_url of shopify.app.toml)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
export const MAX_COMPRESSED_BYTES = 64 * 1024;

export interface BuiltModule {
  extension: string;
  target: string;
  module: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** The [[extensions.targeting]] entries of a shopify.extension.toml (module and target, in order). */
export function targetsOf(toml: string): { target: string; module: string }[] {
  const found: { target: string; module: string }[] = [];
  for (const block of toml.split(/^\s*\[\[extensions\.targeting\]\]\s*$/m).slice(1)) {
    const body = block.split(/^\s*\[/m)[0] ?? "";
    const module = /^\s*module\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    const target = /^\s*target\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    if (module && target) found.push({ module, target });
  }
  return found;
}

function defaultAppUrl(): string {
  if (process.env.SHOPIFY_APP_URL) return process.env.SHOPIFY_APP_URL;
  const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
  const url = /^\s*application_url\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!url) throw new Error("SHOPIFY_APP_URL is not set and shopify.app.toml has no application_url");
  return url;
}

export async function buildExtensions(
  options: { appUrl?: string; outDir?: (extensionDir: string) => string } = {},
): Promise<BuiltModule[]> {
  const appUrl = options.appUrl ?? defaultAppUrl();
  const built: BuiltModule[] = [];
  for (const name of readdirSync(HERE)) {
    const dir = path.join(HERE, name);
    const tomlPath = path.join(dir, "shopify.extension.toml");
    if (!statSync(dir).isDirectory() || !existsSync(tomlPath)) continue;
    const outDir = options.outDir?.(dir) ?? path.join(dir, "dist");
    for (const { target, module } of targetsOf(readFileSync(tomlPath, "utf8"))) {
      const entry = path.resolve(dir, module);
      const fileName = `${path.basename(module).replace(/\.[jt]sx?$/, "")}.js`;
      await build({
        configFile: false,
        root: dir,
        logLevel: "warn",
        define: {
          __ERYSTA_APP_URL__: JSON.stringify(appUrl),
          "process.env.NODE_ENV": JSON.stringify("production"),
        },
        esbuild: { jsx: "automatic", jsxImportSource: "preact" },
        build: {
          outDir,
          emptyOutDir: false,
          minify: "esbuild",
          target: "es2020",
          sourcemap: false,
          copyPublicDir: false,
          lib: { entry, formats: ["es"], fileName: () => fileName },
          rollupOptions: { output: { inlineDynamicImports: true } },
        },
      });
      const file = path.join(outDir, fileName);
      const code = readFileSync(file);
      const gzipBytes = gzipSync(code).length;
      if (gzipBytes > MAX_COMPRESSED_BYTES)
        throw new Error(`${name}/${module} is ${gzipBytes} bytes compressed, over Shopify's 64 KB limit`);
      built.push({ extension: name, target, module, file, bytes: code.length, gzipBytes });
    }
  }
  return built;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildExtensions();
  for (const b of built)
    process.stdout.write(
      `${b.extension} ${b.target}: ${path.relative(ROOT, b.file)} ${(b.bytes / 1024).toFixed(1)} KB ` +
        `(${(b.gzipBytes / 1024).toFixed(1)} KB gzip)\n`,
    );
}
