// Orders: every paid order the app handles, by status tab, searchable by order name or customer email,
// paginated; bulk resend of keys for a selection and "retry after top-up" for orders that lacked funds.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Card,
  EmptySearchResult,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  Link,
  Page,
  Text,
  useIndexResourceState,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { requireMerchant } from "~/admin/auth.server";
import { getAdminDeps } from "~/admin/deps.server";
import { parseForm, parseValues } from "~/admin/forms.server";
import { bulkResend, bulkRetryInsufficientFunds } from "~/admin/order-actions.server";
import { insufficientFundsDeliveries, listOrders } from "~/admin/orders.server";
import { readBalance } from "~/admin/erysta-connection.server";
import { findOrCreateShop } from "~/models/shop.server";
import { ORDER_FILTER_IDS, ORDER_FILTERS } from "~/admin/status";
import { DateTime } from "~/admin/ui/format";
import { RouteError } from "~/admin/ui/RouteError";
import { StatusBadge } from "~/admin/ui/StatusBadge";
import { newRequestId, useResultToast } from "~/admin/ui/toast";
import { TopUpBanner } from "~/admin/ui/TopUpBanner";

const querySchema = z.object({
  status: z.enum(ORDER_FILTER_IDS).catch("all"),
  q: z
    .string()
    .trim()
    .max(200)
    .catch("")
    .transform((v) => v || null),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const url = new URL(request.url);
  const parsed = parseValues(querySchema, Object.fromEntries(url.searchParams));
  const input = parsed.ok ? parsed.data : { status: "all" as const, q: null, page: 1 };
  const deps = getAdminDeps();
  const [list, waiting] = await Promise.all([
    listOrders(deps, { shop, filter: input.status, query: input.q, page: input.page }),
    insufficientFundsDeliveries(deps.db, shop),
  ]);
  // The live balance only matters when orders wait for a top-up.
  const balance = waiting.length > 0 ? await readBalance(deps, await findOrCreateShop(deps.db, shop)) : null;
  return {
    ...list,
    filter: input.status,
    query: input.q ?? "",
    waitingForFunds: waiting.length,
    spendingPower: balance?.state === "ok" ? balance.balance.spendingPower : null,
  };
};

const bulkResendSchema = z.object({
  "ids[]": z.array(z.string().min(1).max(64)).min(1, { message: "Select at least one order" }).max(250),
  requestId: z.string().regex(/^[\w-]{8,80}$/),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireMerchant(request);
  const form = await request.formData();
  const deps = getAdminDeps();
  switch (form.get("intent")) {
    case "retry_insufficient_funds": {
      const result = await bulkRetryInsufficientFunds(deps, { shop, actor });
      return json(result, { status: result.ok ? 200 : 409 });
    }
    case "resend_selected": {
      const input = parseForm(bulkResendSchema, form);
      if (!input.ok)
        return json(
          { ok: false, message: Object.values(input.errors)[0] ?? "Invalid selection" },
          { status: 422 },
        );
      const result = await bulkResend(deps, {
        shop,
        actor,
        deliveryIds: input.data["ids[]"],
        requestId: input.data.requestId,
      });
      return json(result, { status: result.ok ? 200 : 409 });
    }
    default:
      return json({ ok: false, message: "Unknown action." }, { status: 400 });
  }
};

export default function Orders() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const bulk = useFetcher<{ ok: boolean; message: string }>();
  useResultToast(bulk.state === "idle" ? bulk.data : undefined);

  const [query, setQuery] = useState(data.query);
  const { mode, setMode } = useSetIndexFiltersMode(
    data.query ? IndexFiltersMode.Filtering : IndexFiltersMode.Default,
  );
  const selectedTab = Math.max(
    0,
    ORDER_FILTERS.findIndex((f) => f.id === data.filter),
  );
  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, v);
    }
    if (!("page" in changes)) next.delete("page");
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };

  // Search as you type, debounced.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onQueryChange = (value: string) => {
    setQuery(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ q: value.trim() }), 300);
  };

  const resourceName = { singular: "order", plural: "orders" };
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(data.orders);
  useEffect(() => {
    if (bulk.state === "idle" && bulk.data?.ok) clearSelection();
  }, [bulk.state, bulk.data, clearSelection]);

  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/orders";
  const rows = data.orders.map((order, index) => (
    <IndexTable.Row
      id={order.id}
      key={order.id}
      position={index}
      selected={selectedResources.includes(order.id)}
    >
      <IndexTable.Cell>
        <Link url={`/app/orders/${order.id}`} removeUnderline monochrome dataPrimaryLink>
          <Text as="span" fontWeight="semibold">
            {order.orderName}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <DateTime iso={order.createdAt} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span">{order.customer || order.customerEmail || "—"}</Text>
        {order.customer && order.customerEmail ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {order.customerEmail}
          </Text>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge status={order.status} late={order.late} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {order.delivered}/{order.units}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={{ maxWidth: 360, whiteSpace: "normal" }}>
          <Text as="span" tone="subdued" variant="bodySm" truncate>
            {order.reason ?? ""}
          </Text>
        </div>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  const from = data.total === 0 ? 0 : (data.page - 1) * 25 + 1;
  const to = Math.min(data.total, data.page * 25);
  return (
    <Page title="Orders" subtitle="Paid orders with Erysta products and where their keys stand" fullWidth>
      <div style={{ marginBottom: "var(--p-space-400)" }}>
        <TopUpBanner count={data.waitingForFunds} spendingPower={data.spendingPower} />
      </div>
      <Card padding="0">
        <IndexFilters
          queryValue={query}
          queryPlaceholder="Search by order number or customer email"
          onQueryChange={onQueryChange}
          onQueryClear={() => onQueryChange("")}
          cancelAction={{ onAction: () => onQueryChange("") }}
          tabs={ORDER_FILTERS.map((f, i) => ({ id: f.id, content: f.label, index: i, isLocked: true }))}
          selected={selectedTab}
          onSelect={(i) =>
            go({ status: ORDER_FILTERS[i]?.id === "all" ? null : (ORDER_FILTERS[i]?.id ?? null) })
          }
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
          resourceName={resourceName}
          itemCount={data.orders.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          loading={loading}
          headings={[
            { title: "Order" },
            { title: "Date" },
            { title: "Customer" },
            { title: "Status" },
            { title: "Keys", alignment: "end" },
            { title: "Details" },
          ]}
          promotedBulkActions={[
            {
              content: "Resend keys to customers",
              onAction: () => {
                const form = new FormData();
                form.set("intent", "resend_selected");
                form.set("requestId", newRequestId());
                for (const id of selectedResources) form.append("ids[]", id);
                bulk.submit(form, { method: "post" });
              },
            },
          ]}
          emptyState={
            <EmptySearchResult
              title={data.query || data.filter !== "all" ? "No orders found" : "No orders yet"}
              description={
                data.query || data.filter !== "all"
                  ? "Try another tab or search term."
                  : "Paid orders with products mapped to Erysta appear here as soon as they are paid."
              }
              withIllustration
            />
          }
          pagination={{
            hasPrevious: data.hasPrevious,
            hasNext: data.hasNext,
            onPrevious: () => go({ page: String(data.page - 1) }),
            onNext: () => go({ page: String(data.page + 1) }),
            label: data.total > 0 ? `${from}–${to} of ${data.total}` : undefined,
          }}
        >
          {rows}
        </IndexTable>
      </Card>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Orders" />;
}
