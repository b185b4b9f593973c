// Shopify's real Admin GraphQL schema, from the introspection result that @shopify/dev-mcp ships
// (node_modules/@shopify/dev-mcp/dist/data/admin_<version>.json.gz). Built once per process and cached.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { ADMIN_API_VERSION } from "../../app/shopify-admin/api-version";

export interface LoadedSchema {
  version: string;
  schema: GraphQLSchema;
  file: string;
  loadMs: number;
}

const cache = new Map<string, LoadedSchema>();

export function adminSchemaFile(version: string = ADMIN_API_VERSION): string {
  const relative = `node_modules/@shopify/dev-mcp/dist/data/admin_${version}.json.gz`;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, "../..", relative), path.resolve(process.cwd(), relative)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new Error(
      `Shopify Admin schema ${version} not found (looked for ${candidates.join(", ")}); is @shopify/dev-mcp installed?`,
    );
  }
  return found;
}

/** The Admin API schema of `version` (default: the app's pinned version). ~0.5 s the first time. */
export function loadAdminSchema(version: string = ADMIN_API_VERSION): LoadedSchema {
  const cached = cache.get(version);
  if (cached) return cached;
  const started = performance.now();
  const file = adminSchemaFile(version);
  const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as {
    data?: IntrospectionQuery;
  } & Partial<IntrospectionQuery>;
  const result = introspection.data ?? (introspection as IntrospectionQuery);
  const schema = buildClientSchema(result, { assumeValid: true });
  const loaded: LoadedSchema = { version, schema, file, loadMs: Math.round(performance.now() - started) };
  cache.set(version, loaded);
  return loaded;
}
