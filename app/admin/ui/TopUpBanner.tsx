// "Top up, then retry": orders refused for insufficient Erysta funds, placed again in one go after a
// confirmation that says it spends money. Used by the dashboard and the order list.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Modal, Text } from "@shopify/polaris";
import { useState } from "react";
import { formatMoney } from "./format";
import { useResultToast } from "./toast";

export function TopUpBanner({ count, spendingPower }: { count: number; spendingPower: number | null }) {
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  const [open, setOpen] = useState(false);
  useResultToast(fetcher.state === "idle" ? fetcher.data : undefined);
  if (count === 0) return null;
  const busy = fetcher.state !== "idle";
  return (
    <>
      <Banner
        tone="warning"
        title={`${count} order${count === 1 ? "" : "s"} could not be placed: Erysta balance too low`}
        action={{ content: `Retry ${count} order${count === 1 ? "" : "s"}`, onAction: () => setOpen(true) }}
        secondaryAction={{ content: "View orders", url: "/app/orders?status=FAILED_TO_PLACE" }}
      >
        <Text as="p">Top up your Erysta account, then place them again. Nothing was charged for them.</Text>
      </Banner>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title={`Place ${count} order${count === 1 ? "" : "s"} again?`}
        primaryAction={{
          content: `Place ${count} order${count === 1 ? "" : "s"}`,
          loading: busy,
          onAction: () => {
            fetcher.submit(
              { intent: "retry_insufficient_funds" },
              { method: "post", action: "/app/orders?index" },
            );
            setOpen(false);
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">
              This buys the keys of these orders from Erysta now and spends money from your Erysta balance:
              one new Erysta order per Shopify order.
            </Text>
            <Text as="p">
              They failed before because the balance plus credit did not cover them.
              {spendingPower !== null ? ` Current spending power: ${formatMoney(spendingPower)}.` : ""}
            </Text>
          </BlockStack>
        </Modal.Section>
      </Modal>
    </>
  );
}
