// Dashboard: onboarding until Erysta is connected; then the Erysta balance, today's deliveries, what is
// in progress and what needs the merchant, each linking to the filtered order list.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import type { ReactNode } from "react";
import { requireMerchant } from "~/admin/auth.server";
import { loadDashboard } from "~/admin/dashboard.server";
import { getAdminDeps } from "~/admin/deps.server";
import { ConnectErystaForm, useConnectToast } from "~/admin/ui/ConnectErystaForm";
import { formatMoney } from "~/admin/ui/format";
import { RouteError } from "~/admin/ui/RouteError";
import { TopUpBanner } from "~/admin/ui/TopUpBanner";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  return loadDashboard(getAdminDeps(), { shop });
};

type Dashboard = ReturnType<typeof useLoaderData<typeof loader>>;

function Stat({ label, value, url }: { label: string; value: string | number; url?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {url ? (
          <RemixLink to={url} style={{ color: "inherit", textDecoration: "none" }}>
            {value}
          </RemixLink>
        ) : (
          value
        )}
      </Text>
    </BlockStack>
  );
}

function ErystaAccountCard({ data }: { data: Dashboard }) {
  const { balance } = data;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Erysta account
          </Text>
          {data.keyLast4 ? <Badge>{`Key …${data.keyLast4}`}</Badge> : null}
        </InlineStack>
        {balance.state === "ok" ? (
          <InlineGrid columns={3} gap="400">
            <Stat label="Balance" value={formatMoney(balance.balance.balance)} />
            <Stat label="Credit limit" value={formatMoney(balance.balance.creditLimit)} />
            <Stat label="Spending power" value={formatMoney(balance.balance.spendingPower)} />
          </InlineGrid>
        ) : balance.state === "error" ? (
          <Banner tone="warning" title={`Balance unavailable: ${balance.failure.title}`}>
            <BlockStack gap="100">
              <Text as="p">{balance.failure.message}</Text>
              <Text as="p">Orders keep being processed; this only affects what this page shows.</Text>
            </BlockStack>
          </Banner>
        ) : (
          <Text as="p">Not connected.</Text>
        )}
      </BlockStack>
    </Card>
  );
}

function SetupGuide({ data }: { data: Dashboard }) {
  const step = (done: boolean, title: string, body: ReactNode) => (
    <InlineStack gap="300" blockAlign="start" wrap={false}>
      <Box minWidth="56px">{done ? <Badge tone="success">Done</Badge> : <Badge>To do</Badge>}</Box>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        {body}
      </BlockStack>
    </InlineStack>
  );
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Set up Erysta Fulfillment
          </Text>
          <Text as="p" tone="subdued">
            Three steps, and paid orders of digital products deliver their keys by themselves.
          </Text>
        </BlockStack>
        {step(
          data.connected,
          "1. Connect your Erysta account",
          data.connected ? (
            <Text as="p">Connected.</Text>
          ) : (
            <Box maxWidth="560px">
              <ConnectErystaForm />
            </Box>
          ),
        )}
        {step(
          data.mappings > 0,
          "2. Map your products",
          <InlineStack gap="200" blockAlign="center">
            <Text as="p">
              {data.mappings > 0
                ? `${data.mappings} variant${data.mappings === 1 ? "" : "s"} mapped to Erysta products.`
                : "Tell the app which Erysta product each digital variant is."}
            </Text>
            <Button url="/app/mappings">Map products</Button>
          </InlineStack>,
        )}
        {step(
          data.connected && data.mappings > 0,
          "3. Check your delivery options",
          <InlineStack gap="200" blockAlign="center">
            <Text as="p">Alerts, late orders, high-risk orders and the keys email.</Text>
            <Button url="/app/settings">Open settings</Button>
          </InlineStack>,
        )}
      </BlockStack>
    </Card>
  );
}

export default function DashboardPage() {
  const data = useLoaderData<typeof loader>();
  useConnectToast();
  const spendingPower = data.balance.state === "ok" ? data.balance.balance.spendingPower : null;
  return (
    <Page title="Dashboard">
      <BlockStack gap="400">
        {!data.connected || data.mappings === 0 ? <SetupGuide data={data} /> : null}
        {!data.autoFulfill && data.connected ? (
          <Banner tone="info" title="Automatic delivery is off">
            <Text as="p">
              Paid orders wait for your approval. Turn it on in{" "}
              <RemixLink to="/app/settings">Settings</RemixLink>.
            </Text>
          </Banner>
        ) : null}
        <TopUpBanner count={data.waitingForFunds} spendingPower={spendingPower} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {data.connected ? <ErystaAccountCard data={data} /> : null}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Deliveries
                  </Text>
                  <InlineGrid columns={3} gap="400">
                    <Stat label="Orders today" value={data.today.received} url="/app/orders" />
                    <Stat
                      label="Delivered today"
                      value={data.today.delivered}
                      url="/app/orders?status=DELIVERED"
                    />
                    <Stat label="In progress" value={data.inProgress} url="/app/orders?status=in_progress" />
                  </InlineGrid>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Needs attention
                  </Text>
                  {data.attentionTotal > 0 ? (
                    <Badge tone="critical">{String(data.attentionTotal)}</Badge>
                  ) : null}
                </InlineStack>
                {data.attentionTotal === 0 ? (
                  <Text as="p" tone="subdued">
                    Nothing needs you right now.
                  </Text>
                ) : null}
                <BlockStack gap="200">
                  {data.attention.map((item) => (
                    <RemixLink
                      key={item.filter}
                      to={`/app/orders?status=${item.filter}`}
                      style={{ color: "inherit", textDecoration: "none" }}
                      aria-label={`${item.label}: ${item.count}`}
                    >
                      <Box
                        padding="200"
                        borderRadius="200"
                        background={item.count > 0 ? "bg-surface-secondary" : undefined}
                      >
                        <InlineStack align="space-between" blockAlign="center" wrap={false}>
                          <BlockStack gap="050">
                            <Text as="span" fontWeight="semibold">
                              {item.label}
                            </Text>
                            <Text as="span" tone="subdued" variant="bodySm">
                              {item.help}
                            </Text>
                          </BlockStack>
                          <Badge tone={item.count > 0 ? "critical" : undefined}>{String(item.count)}</Badge>
                        </InlineStack>
                      </Box>
                    </RemixLink>
                  ))}
                </BlockStack>
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Dashboard" />;
}
