// One order: lines, keys (masked until revealed, which is recorded), Erysta ids, the full timeline, and
// what the merchant can do: resend, retry placement, link the Erysta order, resolve, check now, approve.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  DataTable,
  Divider,
  InlineStack,
  Layout,
  List,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { requireMerchant } from "~/admin/auth.server";
import { getAdminDeps } from "~/admin/deps.server";
import { parseForm } from "~/admin/forms.server";
import {
  approveOrder,
  linkErystaOrder,
  markResolved,
  pollNow,
  resendKeys,
  retryPlacement,
  revealKeys,
  type RevealedKey,
} from "~/admin/order-actions.server";
import { loadOrder, type OrderView } from "~/admin/orders.server";
import { STATUS_LABELS } from "~/admin/status";
import { DateTime, formatMoney } from "~/admin/ui/format";
import { RouteError } from "~/admin/ui/RouteError";
import { StatusBadge } from "~/admin/ui/StatusBadge";
import { newRequestId, useOnNewResult, useResultToast } from "~/admin/ui/toast";

const idSchema = z.string().min(1).max(64);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const id = idSchema.safeParse(params.id);
  const order = id.success ? await loadOrder(getAdminDeps(), { shop, deliveryId: id.data }) : null;
  if (!order) throw new Response("Order not found", { status: 404 });
  return order;
};

const requestId = z.string().regex(/^[\w-]{8,80}$/, { message: "Missing request id" });
const schemas = {
  reveal: z.object({}),
  resend: z.discriminatedUnion("to", [
    z.object({ to: z.literal("customer"), requestId }),
    z.object({
      to: z.literal("other"),
      requestId,
      recipient: z.email({ message: "Enter a valid email address" }).max(254),
    }),
  ]),
  retry: z.object({}),
  approve: z.object({}),
  poll: z.object({}),
  link: z.object({
    erystaOrderId: z
      .string()
      .trim()
      .min(1, { message: "Enter the Erysta order id" })
      .max(64, { message: "At most 64 characters" })
      .regex(/^[A-Za-z0-9_-]+$/, { message: "Letters, digits, - and _ only, e.g. SE757MKE" }),
  }),
  resolve: z.object({
    note: z
      .string()
      .trim()
      .max(500, { message: "At most 500 characters" })
      .transform((v) => v || null),
  }),
};
type Intent = keyof typeof schemas;

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await requireMerchant(request);
  const id = idSchema.safeParse(params.id);
  if (!id.success) return json({ ok: false, message: "Order not found." }, { status: 404 });
  const deliveryId = id.data;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (!(intent in schemas)) return json({ ok: false, message: "Unknown action." }, { status: 400 });
  const input = parseForm(schemas[intent as Intent], form);
  if (!input.ok) {
    const [field, message] = Object.entries(input.errors)[0] ?? ["form", "Invalid input"];
    return json({ ok: false, field, message, errors: input.errors }, { status: 422 });
  }
  const deps = getAdminDeps();
  const base = { shop, deliveryId, actor };
  const data = input.data as Record<string, string | null>;
  const result = await (async () => {
    switch (intent as Intent) {
      case "reveal":
        return revealKeys(deps, base);
      case "resend":
        return resendKeys(deps, {
          ...base,
          requestId: data.requestId!,
          recipient: data.to === "other" ? data.recipient! : null,
        });
      case "retry":
        return retryPlacement(deps, base);
      case "approve":
        return approveOrder(deps, base);
      case "poll":
        return pollNow(deps, base);
      case "link":
        return linkErystaOrder(deps, { ...base, erystaOrderId: data.erystaOrderId! });
      case "resolve":
        return markResolved(deps, { ...base, note: data.note ?? null });
    }
  })();
  const status = result.ok ? 200 : result.message === "Order not found." ? 404 : 409;
  return json({ ...result, intent }, { status });
};

interface ActionData {
  ok: boolean;
  message: string;
  intent?: string;
  field?: string;
  keys?: RevealedKey[];
}

function useAction(intent: Intent) {
  const fetcher = useFetcher<ActionData>();
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  useResultToast(result);
  return {
    busy: fetcher.state !== "idle",
    result,
    submit: (values: Record<string, string> = {}) =>
      fetcher.submit({ intent, ...values }, { method: "post" }),
  };
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <div style={{ overflowWrap: "anywhere" }}>{children}</div>
    </BlockStack>
  );
}

function KeysCard({ order }: { order: OrderView }) {
  const reveal = useAction("reveal");
  const revealed = reveal.result?.ok ? reveal.result.keys : undefined;
  const [resendOpen, setResendOpen] = useState(false);
  if (order.keys.length === 0) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Keys
          </Text>
          <Text as="p" tone="subdued">
            No keys yet. They appear here as soon as Erysta delivers them.
          </Text>
        </BlockStack>
      </Card>
    );
  }
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Keys ({order.keys.length})
          </Text>
          <InlineStack gap="200">
            {!revealed ? (
              <Button onClick={() => reveal.submit()} loading={reveal.busy}>
                Reveal keys
              </Button>
            ) : null}
            <Button onClick={() => setResendOpen(true)}>Resend keys</Button>
          </InlineStack>
        </InlineStack>
        {revealed ? (
          <Banner tone="info">Revealing keys is recorded in the timeline with your name and the time.</Banner>
        ) : null}
        <BlockStack gap="200">
          {(revealed ?? order.keys).map((key, i) => (
            <Box key={key.id} padding="200" background="bg-surface-secondary" borderRadius="200">
              <InlineStack gap="300" blockAlign="center" wrap={false}>
                <Box minWidth="56px">
                  <Text as="span" tone="subdued">{`Key ${i + 1}`}</Text>
                </Box>
                <BlockStack gap="100">
                  <Text as="span" variant="bodySm" tone="subdued">
                    {key.productTitle}
                  </Text>
                  {"value" in key ? (
                    key.type === "IMAGE" ? (
                      <img
                        src={key.value}
                        alt={`Key ${i + 1} for ${key.productTitle}`}
                        style={{
                          width: 160,
                          height: "auto",
                          imageRendering: "pixelated",
                          background: "#fff",
                        }}
                      />
                    ) : (
                      <Text as="span" fontWeight="semibold">
                        <code style={{ fontSize: 14, userSelect: "all" }} data-testid="key-value">
                          {key.value}
                        </code>
                      </Text>
                    )
                  ) : key.type === "IMAGE" ? (
                    <Text as="span" tone="subdued">
                      Image key (QR code), hidden
                    </Text>
                  ) : (
                    <code style={{ fontSize: 14 }} data-testid="key-masked">
                      {key.masked}
                    </code>
                  )}
                </BlockStack>
              </InlineStack>
            </Box>
          ))}
        </BlockStack>
      </BlockStack>
      <ResendModal order={order} open={resendOpen} onClose={() => setResendOpen(false)} />
    </Card>
  );
}

function ResendModal({ order, open, onClose }: { order: OrderView; open: boolean; onClose: () => void }) {
  const resend = useAction("resend");
  const [to, setTo] = useState<"customer" | "other">(order.customer.email ? "customer" : "other");
  const [recipient, setRecipient] = useState("");
  useOnNewResult(resend.result, (r) => r.ok && onClose());
  const error =
    resend.result && !resend.result.ok && resend.result.field === "recipient"
      ? resend.result.message
      : undefined;
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Resend keys for ${order.orderName}`}
      primaryAction={{
        content: "Send email",
        loading: resend.busy,
        disabled: resend.busy || (to === "other" && recipient.trim() === ""),
        onAction: () => resend.submit({ to, recipient, requestId: newRequestId() }),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <ChoiceList
            title="Send the keys email to"
            choices={[
              ...(order.customer.email
                ? [{ label: `The customer (${order.customer.email})`, value: "customer" }]
                : []),
              { label: "Another address", value: "other" },
            ]}
            selected={[to]}
            onChange={(v) => setTo(v[0] === "other" ? "other" : "customer")}
          />
          {to === "other" ? (
            <TextField
              label="Email address"
              type="email"
              autoComplete="email"
              value={recipient}
              onChange={setRecipient}
              error={error}
            />
          ) : null}
          <Text as="p" tone="subdued">
            One email with all {order.keys.length} key(s) of this order. It is recorded in the timeline.
          </Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function RetryModal({ order, open, onClose }: { order: OrderView; open: boolean; onClose: () => void }) {
  const retry = useAction("retry");
  useOnNewResult(retry.result, onClose);
  const units = order.lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Place a new Erysta order?"
      primaryAction={{
        content: "Place new order",
        loading: retry.busy,
        onAction: () => retry.submit(),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Banner tone="warning">
            This buys {units} key{units === 1 ? "" : "s"} from Erysta now and spends money from your Erysta
            balance.
          </Banner>
          {order.status === "NEEDS_REVIEW" ? (
            <Banner tone="critical" title="Erysta may already have this order">
              <Text as="p">
                The last attempt&apos;s outcome is unknown. If Erysta support confirms an order for reference{" "}
                {order.erysta.referenceId}, link it instead, or you may pay twice.
              </Text>
            </Banner>
          ) : null}
          <Text as="h3" variant="headingSm">
            What happened before
          </Text>
          <List>
            <List.Item>
              {order.erysta.placeAttempts} placement attempt{order.erysta.placeAttempts === 1 ? "" : "s"} so
              far; status now: {STATUS_LABELS[order.status]}.
            </List.Item>
            {order.statusReason && !order.failures.some((f) => f.message.includes(order.statusReason!)) ? (
              <List.Item>{order.statusReason}</List.Item>
            ) : null}
            {order.failures.slice(-3).map((f) => (
              <List.Item key={f.at}>
                <DateTime iso={f.at} />: {f.message}
              </List.Item>
            ))}
            {order.erysta.orderId ? (
              <List.Item>Previous Erysta order: {order.erysta.orderId}</List.Item>
            ) : null}
          </List>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function LinkModal({ order, open, onClose }: { order: OrderView; open: boolean; onClose: () => void }) {
  const link = useAction("link");
  const [erystaOrderId, setId] = useState("");
  useOnNewResult(link.result, (r) => r.ok && onClose());
  const error = link.result && !link.result.ok ? link.result.message : undefined;
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Link the Erysta order"
      primaryAction={{
        content: "Link order",
        loading: link.busy,
        disabled: erystaOrderId.trim() === "",
        onAction: () => link.submit({ erystaOrderId }),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p">
            Enter the order id Erysta support confirmed for reference <b>{order.erysta.referenceId}</b>. The
            app checks it with Erysta, then collects its keys. No new order is placed.
          </Text>
          <TextField
            label="Erysta order id"
            value={erystaOrderId}
            onChange={setId}
            autoComplete="off"
            placeholder="e.g. SE757MKE"
            error={error}
          />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function ResolveModal({ order, open, onClose }: { order: OrderView; open: boolean; onClose: () => void }) {
  const resolve = useAction("resolve");
  const [note, setNote] = useState("");
  useOnNewResult(resolve.result, (r) => r.ok && onClose());
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Mark ${order.orderName} as resolved?`}
      primaryAction={{
        content: "Mark as resolved",
        loading: resolve.busy,
        onAction: () => resolve.submit({ note }),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p">
            Use this when you settled the order outside the app (for example refunded it, or sent keys
            yourself). The app stops working on it; nothing is ordered or sent.
          </Text>
          <TextField
            label="Note (optional)"
            value={note}
            onChange={setNote}
            autoComplete="off"
            multiline={2}
            maxLength={500}
          />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function Timeline({ order }: { order: OrderView }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Timeline
        </Text>
        <BlockStack gap="0">
          {[...order.timeline].reverse().map((e, i, all) => (
            <Box key={e.id} paddingBlock="200">
              <BlockStack gap="100">
                <InlineStack align="space-between" gap="200" wrap={false}>
                  <Text as="p">{e.message}</Text>
                  <Box minWidth="140px">
                    <Text as="p" tone="subdued" variant="bodySm" alignment="end">
                      <DateTime iso={e.createdAt} seconds />
                    </Text>
                  </Box>
                </InlineStack>
                <InlineStack gap="200">
                  <Text as="span" tone="subdued" variant="bodySm">
                    {e.actor}
                  </Text>
                  {e.toStatus ? <Badge size="small">{STATUS_LABELS[e.toStatus]}</Badge> : null}
                </InlineStack>
              </BlockStack>
              {i < all.length - 1 ? (
                <Box paddingBlockStart="200">
                  <Divider />
                </Box>
              ) : null}
            </Box>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

export default function OrderPage() {
  const order = useLoaderData<typeof loader>();
  // Keyed by order: revealed keys and open dialogs never carry over to another order.
  return <OrderDetail key={order.id} order={order} />;
}

function OrderDetail({ order }: { order: OrderView }) {
  const approve = useAction("approve");
  const poll = useAction("poll");
  const [modal, setModal] = useState<null | "retry" | "link" | "resolve">(null);
  const close = () => setModal(null);

  const actions = [
    ...(order.can.approve
      ? [{ content: "Approve and deliver", onAction: () => approve.submit(), loading: approve.busy }]
      : []),
    ...(order.can.link ? [{ content: "Link Erysta order", onAction: () => setModal("link") }] : []),
    ...(order.can.retry ? [{ content: "Retry placement", onAction: () => setModal("retry") }] : []),
    ...(order.can.poll
      ? [{ content: "Check Erysta now", onAction: () => poll.submit(), loading: poll.busy }]
      : []),
    ...(order.can.resolve ? [{ content: "Mark as resolved", onAction: () => setModal("resolve") }] : []),
  ];
  const [primary, ...secondary] = actions;
  const reasonTone = ["FAILED_TO_PLACE", "NEEDS_REVIEW", "FAILED"].includes(order.status)
    ? "critical"
    : "warning";

  return (
    <Page
      backAction={{ content: "Orders", url: "/app/orders" }}
      title={order.orderName}
      titleMetadata={<StatusBadge status={order.status} late={order.late} />}
      subtitle={`Shopify order ${order.shopifyOrderId}`}
      primaryAction={primary ? { ...primary } : undefined}
      secondaryActions={secondary}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {order.statusReason ? (
              <Banner tone={reasonTone} title={order.statusLabel}>
                <Text as="p">{order.statusReason}</Text>
              </Banner>
            ) : null}
            {order.status === "ON_HOLD" && !order.connected ? (
              <Banner tone="warning" title="Erysta is not connected">
                <Text as="p">Connect your Erysta account in Settings, then approve this order.</Text>
              </Banner>
            ) : null}
            <Card padding="0">
              <Box padding="400" paddingBlockEnd="0">
                <Text as="h2" variant="headingMd">
                  Items
                </Text>
              </Box>
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "numeric"]}
                headings={["Product", "SKU", "Erysta product", "Ordered", "Delivered"]}
                rows={order.lines.map((l) => [
                  l.title,
                  l.sku ?? "—",
                  l.erystaProductId,
                  l.quantity,
                  l.delivered,
                ])}
              />
            </Card>
            <KeysCard order={order} />
            <Timeline order={order} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Customer
                </Text>
                <Field label="Name">{order.customer.name || "—"}</Field>
                <Field label="Email">{order.customer.email ?? "—"}</Field>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Erysta
                </Text>
                <Field label="Erysta order id">{order.erysta.orderId ?? "—"}</Field>
                {order.erysta.status ? <Field label="Erysta status">{order.erysta.status}</Field> : null}
                <Field label="Reference id">{order.erysta.referenceId}</Field>
                <Field label="Trace ids">
                  {order.erysta.traceIds.length ? (
                    <BlockStack gap="050">
                      {order.erysta.traceIds.map((t) => (
                        <code key={t}>{t}</code>
                      ))}
                    </BlockStack>
                  ) : (
                    "—"
                  )}
                </Field>
                <Field label="Placement attempts">{order.erysta.placeAttempts}</Field>
                {order.erysta.previousOrderIds.length ? (
                  <Field label="Earlier Erysta orders">{order.erysta.previousOrderIds.join(", ")}</Field>
                ) : null}
                {order.erysta.totalDebit ? (
                  <Field label="Charged by Erysta">{formatMoney(Number(order.erysta.totalDebit))}</Field>
                ) : null}
                {order.erysta.nextPollAt && order.status === "WAITING" ? (
                  <Field label="Next check">
                    <DateTime iso={order.erysta.nextPollAt} seconds />
                  </Field>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Customer emails
                </Text>
                {order.emails.length === 0 ? (
                  <Text as="p" tone="subdued">
                    None yet.
                  </Text>
                ) : (
                  order.emails.map((m) => (
                    <BlockStack key={m.id} gap="050">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="span">{m.kind === "KEYS" ? "Keys" : "On the way"}</Text>
                        <Badge
                          tone={m.status === "SENT" ? "success" : m.status === "FAILED" ? "critical" : "info"}
                        >
                          {m.status === "SENT" ? "Sent" : m.status === "FAILED" ? "Failed" : "Sending"}
                        </Badge>
                      </InlineStack>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {m.recipient} · <DateTime iso={m.sentAt ?? m.createdAt} />
                      </Text>
                      {m.lastError && m.status !== "SENT" ? (
                        <Text as="span" tone="critical" variant="bodySm">
                          {m.lastError}
                        </Text>
                      ) : null}
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <RetryModal order={order} open={modal === "retry"} onClose={close} />
      <LinkModal order={order} open={modal === "link"} onClose={close} />
      <ResolveModal order={order} open={modal === "resolve"} onClose={close} />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Order" backUrl="/app/orders" />;
}
