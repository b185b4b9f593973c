import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { prisma } from "~/db.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const byStatus = await prisma.delivery.groupBy({
    by: ["status"],
    where: { shop: session.shop },
    _count: true,
  });
  return { shop: session.shop, byStatus: byStatus.map((s) => ({ status: s.status, count: s._count })) };
};

export default function Dashboard() {
  const { shop, byStatus } = useLoaderData<typeof loader>();
  return (
    <Page title="Erysta Fulfillment">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Deliveries for {shop}
              </Text>
              {byStatus.length === 0 ? (
                <Text as="p">No orders yet. Paid orders with mapped products will appear here.</Text>
              ) : (
                byStatus.map((s) => (
                  <Text as="p" key={s.status}>
                    {s.status}: {s.count}
                  </Text>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
