// Product mappings: the store's variants (live from Shopify) with their Erysta product id, edited inline;
// auto-match by SKU; CSV import with a row-by-row report; CSV export. Unmapped digital variants stand out.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  DropZone,
  EmptySearchResult,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  InlineStack,
  Modal,
  Page,
  Text,
  TextField,
  Thumbnail,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { requireMerchant } from "~/admin/auth.server";
import { getAdminDeps } from "~/admin/deps.server";
import { parseForm, parseValues } from "~/admin/forms.server";
import {
  autoMatchBySku,
  importMappingsCsv,
  listVariantMappings,
  saveMapping,
  type ImportRowReport,
  type VariantRow,
} from "~/admin/mappings.server";
import { RouteError } from "~/admin/ui/RouteError";
import { useOnNewResult, useResultToast } from "~/admin/ui/toast";
import { useAppBridge } from "@shopify/app-bridge-react";

const ERYSTA_ID = /^[a-f0-9]{24}$/i;
const cursor = z
  .string()
  .max(512)
  .regex(/^[\w=+/:.-]*$/);

const querySchema = z.object({
  q: z.string().trim().max(200).catch(""),
  after: cursor.catch(""),
  prev: z.string().max(8000).catch(""),
  digital: z.enum(["1", ""]).catch(""),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const parsed = parseValues(querySchema, Object.fromEntries(new URL(request.url).searchParams));
  const input = parsed.ok ? parsed.data : { q: "", after: "", prev: "", digital: "" as const };
  const result = await listVariantMappings(getAdminDeps(), {
    shop,
    query: input.q || null,
    after: input.after || null,
    digitalOnly: input.digital === "1",
  });
  return { ...result, query: input.q, after: input.after, prev: input.prev, digital: input.digital === "1" };
};

const schemas = {
  save: z.object({
    variantId: z.string().regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/, { message: "Unknown variant" }),
    erystaProductId: z
      .string()
      .trim()
      .refine((v) => v === "" || ERYSTA_ID.test(v), {
        message: "An Erysta product id is 24 characters, 0-9 and a-f",
      })
      .transform((v) => v || null),
  }),
  auto_match: z.object({}),
  import: z.object({
    csv: z
      .string()
      .min(1, { message: "Choose a CSV file" })
      .max(2_000_000, { message: "The file is too large (2 MB at most)" }),
  }),
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const deps = getAdminDeps();
  switch (intent) {
    case "save": {
      const input = parseForm(schemas.save, form);
      if (!input.ok) {
        const [field, message] = Object.entries(input.errors)[0]!;
        return json({ ok: false, field, message }, { status: 422 });
      }
      const result = await saveMapping(deps, { shop, ...input.data });
      return json(result, { status: result.ok ? 200 : 422 });
    }
    case "auto_match": {
      const result = await autoMatchBySku(deps, { shop });
      return json(result, { status: result.ok ? 200 : 502 });
    }
    case "import": {
      const input = parseForm(schemas.import, form);
      if (!input.ok) return json({ ok: false, message: Object.values(input.errors)[0]! }, { status: 422 });
      const result = await importMappingsCsv(deps, { shop, csv: input.data.csv });
      return json(result, { status: result.ok ? 200 : 422 });
    }
    default:
      return json({ ok: false, message: "Unknown action." }, { status: 400 });
  }
};

const HEADINGS: [{ title: string }, ...{ title: string }[]] = [
  { title: "Product" },
  { title: "SKU" },
  { title: "Type" },
  { title: "Erysta product id" },
  { title: "Status" },
];

function MappingField({ row }: { row: VariantRow }) {
  const fetcher = useFetcher<{ ok: boolean; message: string; field?: string }>();
  const [value, setValue] = useState(row.erystaProductId ?? "");
  const [error, setError] = useState<string | undefined>();
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  useResultToast(result);
  useOnNewResult(result, (r) => setError(r.ok ? undefined : r.message));
  useEffect(() => setValue(row.erystaProductId ?? ""), [row.erystaProductId]);
  const dirty = value.trim().toLowerCase() !== (row.erystaProductId ?? "");
  const save = () => {
    const v = value.trim();
    if (v !== "" && !ERYSTA_ID.test(v)) {
      setError("An Erysta product id is 24 characters, 0-9 and a-f");
      return;
    }
    setError(undefined);
    fetcher.submit({ intent: "save", variantId: row.variantId, erystaProductId: v }, { method: "post" });
  };
  return (
    <div
      style={{ minWidth: 300 }}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        if (e.key === "Enter" && dirty) save();
      }}
      role="presentation"
    >
      <TextField
        label={`Erysta product id for ${row.productTitle} ${row.variantTitle}`}
        labelHidden
        value={value}
        onChange={(v) => {
          setValue(v);
          setError(undefined);
        }}
        autoComplete="off"
        placeholder="24-character Erysta product id"
        error={error}
        monospaced
        connectedRight={
          <Button
            onClick={save}
            disabled={!dirty}
            loading={fetcher.state !== "idle"}
            accessibilityLabel={`Save mapping for ${row.productTitle}`}
          >
            {value.trim() === "" && row.erystaProductId ? "Remove" : "Save"}
          </Button>
        }
      />
    </div>
  );
}

interface ImportResult {
  ok: boolean;
  message: string;
  report?: ImportRowReport[];
  counts?: Record<ImportRowReport["status"], number>;
}

function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const fetcher = useFetcher<ImportResult>();
  const [file, setFile] = useState<File | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  useResultToast(result);
  const busy = fetcher.state !== "idle";
  const reset = () => {
    setFile(null);
    setReadError(null);
  };
  const upload = async () => {
    if (!file) return;
    if (file.size > 2_000_000) {
      setReadError("The file is too large (2 MB at most).");
      return;
    }
    fetcher.submit({ intent: "import", csv: await file.text() }, { method: "post" });
  };
  const statusBadge = (s: ImportRowReport["status"]) =>
    s === "error" ? (
      <Badge tone="critical">Error</Badge>
    ) : s === "unchanged" ? (
      <Badge>Unchanged</Badge>
    ) : s === "updated" ? (
      <Badge tone="info">Updated</Badge>
    ) : (
      <Badge tone="success">Mapped</Badge>
    );
  return (
    <Modal
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      title="Import mappings from CSV"
      size="large"
      primaryAction={{ content: "Import", onAction: upload, loading: busy, disabled: !file }}
      secondaryActions={[
        {
          content: "Close",
          onAction: () => {
            reset();
            onClose();
          },
        },
      ]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p">
            Two columns: a variant id or SKU, and the Erysta product id. A header row is optional (
            <code>variant_id</code> or <code>sku</code>, and <code>erysta_product_id</code>); an export from
            this page can be imported as is.
          </Text>
          <DropZone
            accept=".csv,text/csv"
            type="file"
            allowMultiple={false}
            onDrop={(_all, accepted) => {
              setReadError(null);
              setFile(accepted[0] ?? null);
            }}
            label="CSV file"
            labelHidden
          >
            {file ? (
              <div style={{ padding: 16 }}>
                <Text as="p" alignment="center">
                  {file.name} ({Math.ceil(file.size / 1024)} KB)
                </Text>
              </div>
            ) : (
              <DropZone.FileUpload actionTitle="Choose CSV file" actionHint="or drop it here" />
            )}
          </DropZone>
          {readError ? <Banner tone="critical">{readError}</Banner> : null}
          {result && !result.ok ? <Banner tone="critical">{result.message}</Banner> : null}
          {result?.ok && result.report ? (
            <BlockStack gap="200">
              <Banner tone={result.counts?.error ? "warning" : "success"} title={result.message} />
              <div data-testid="import-report">
                <DataTable
                  columnContentTypes={["numeric", "text", "text", "text"]}
                  headings={["Row", "Variant or SKU", "Result", "Details"]}
                  rows={result.report.map((r) => [r.row, r.input, statusBadge(r.status), r.message])}
                />
              </div>
            </BlockStack>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

export default function Mappings() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const shopify = useAppBridge();
  const autoMatch = useFetcher<{ ok: boolean; message: string }>();
  useResultToast(autoMatch.state === "idle" ? autoMatch.data : undefined);
  const [importOpen, setImportOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [query, setQuery] = useState(data.query);
  const { mode, setMode } = useSetIndexFiltersMode(
    data.query ? IndexFiltersMode.Filtering : IndexFiltersMode.Default,
  );

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onQueryChange = (value: string) => {
    setQuery(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ q: value.trim(), after: "", prev: "" }), 300);
  };

  // Cursor pagination: `prev` is the stack of cursors that led here ("" is the first page).
  const stack = data.prev ? data.prev.split(",") : [];
  const onNext = () => {
    if (!data.ok || !data.pageInfo.endCursor) return;
    go({ after: data.pageInfo.endCursor, prev: [...stack, data.after || "~"].join(",") });
  };
  const onPrevious = () => {
    const back = stack.at(-1);
    go({ after: back && back !== "~" ? back : "", prev: stack.slice(0, -1).join(",") });
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      // App Bridge's fetch adds the session token; a plain link could not authenticate.
      const response = await fetch("/app/mappings/export");
      if (!response.ok) throw new Error(`export failed (${response.status})`);
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = "erysta-mappings.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
      shopify.toast.show("Mappings exported");
    } catch (err) {
      shopify.toast.show(`Could not export: ${(err as Error).message}`, { isError: true });
    } finally {
      setExporting(false);
    }
  };

  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/mappings";
  const tabs = [
    { id: "all", content: "All variants", index: 0, isLocked: true },
    { id: "digital", content: "Digital only", index: 1, isLocked: true },
  ];
  const rows = data.ok ? data.rows : [];
  const unmappedDigital = rows.filter((r) => r.needsMapping).length;
  const showImages = rows.some((r) => r.imageUrl);

  return (
    <Page
      title="Product mappings"
      subtitle="Which Erysta product each Shopify variant delivers"
      fullWidth
      primaryAction={{ content: "Import CSV", onAction: () => setImportOpen(true) }}
      secondaryActions={[
        { content: "Export CSV", onAction: exportCsv, loading: exporting },
        {
          content: "Auto-match by SKU",
          loading: autoMatch.state !== "idle",
          helpText: "Maps every unmapped variant whose SKU is an Erysta product id.",
          onAction: () => autoMatch.submit({ intent: "auto_match" }, { method: "post" }),
        },
      ]}
    >
      <BlockStack gap="400">
        {!data.ok ? (
          <Banner tone="critical" title="Products could not be loaded">
            <Text as="p">{data.message}</Text>
          </Banner>
        ) : null}
        {unmappedDigital > 0 ? (
          <Banner
            tone="warning"
            title={`${unmappedDigital} digital variant${unmappedDigital === 1 ? "" : "s"} on this page not mapped`}
          >
            <Text as="p">
              They need no shipping but have no Erysta product, so paid orders of them are not delivered.
              Enter their Erysta product id below.
            </Text>
          </Banner>
        ) : null}
        <Card padding="0">
          <IndexFilters
            queryValue={query}
            queryPlaceholder="Search by product, variant or SKU"
            onQueryChange={onQueryChange}
            onQueryClear={() => onQueryChange("")}
            cancelAction={{ onAction: () => onQueryChange("") }}
            tabs={tabs}
            selected={data.digital ? 1 : 0}
            onSelect={(i) => go({ digital: i === 1 ? "1" : "", after: "", prev: "" })}
            filters={[]}
            appliedFilters={[]}
            onClearAll={() => onQueryChange("")}
            mode={mode}
            setMode={setMode}
            canCreateNewView={false}
            hideFilters
            loading={loading}
          />
          <IndexTable
            resourceName={{ singular: "variant", plural: "variants" }}
            itemCount={rows.length}
            selectable={false}
            loading={loading}
            headings={showImages ? [{ title: "" }, ...HEADINGS] : HEADINGS}
            emptyState={
              <EmptySearchResult
                title={data.query ? "No variants found" : "No products"}
                description={
                  data.query ? "Try another search." : "Products you create in Shopify appear here."
                }
                withIllustration
              />
            }
            pagination={{
              hasPrevious: stack.length > 0,
              hasNext: data.ok && data.pageInfo.hasNextPage,
              onPrevious,
              onNext,
            }}
          >
            {rows.map((row, index) => (
              <IndexTable.Row
                id={row.variantId}
                key={row.variantId}
                position={index}
                tone={row.needsMapping ? "warning" : undefined}
              >
                {showImages ? (
                  <IndexTable.Cell>
                    {row.imageUrl ? (
                      <Thumbnail source={row.imageUrl} alt="" size="small" />
                    ) : (
                      <div
                        aria-hidden
                        style={{
                          width: 40,
                          height: 40,
                          borderRadius: 8,
                          background: "var(--p-color-bg-fill-secondary)",
                        }}
                      />
                    )}
                  </IndexTable.Cell>
                ) : null}
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      {row.productTitle}
                    </Text>
                    {row.variantTitle !== "Default Title" ? (
                      <Text as="span" tone="subdued" variant="bodySm">
                        {row.variantTitle}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span">{row.sku ?? "—"}</Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {row.requiresShipping ? <Badge>Physical</Badge> : <Badge tone="info">Digital</Badge>}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <MappingField row={row} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {row.erystaProductId ? (
                    <Badge tone="success">Mapped</Badge>
                  ) : row.needsMapping ? (
                    <Badge tone="warning">Not mapped</Badge>
                  ) : (
                    <Badge>Not mapped</Badge>
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        {data.ok ? (
          <InlineStack align="center">
            <Text as="p" tone="subdued">
              {data.mappedTotal} variant{data.mappedTotal === 1 ? "" : "s"} mapped in total.
            </Text>
          </InlineStack>
        ) : null}
      </BlockStack>
      <ImportModal open={importOpen} onClose={() => setImportOpen(false)} />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Product mappings" />;
}
