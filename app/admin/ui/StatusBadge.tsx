import type { DeliveryStatus } from "@prisma/client";
import { Badge, InlineStack } from "@shopify/polaris";
import { STATUS_LABELS, STATUS_TONES } from "../status";

export function StatusBadge({ status, late = false }: { status: DeliveryStatus; late?: boolean }) {
  return (
    <InlineStack gap="100" wrap={false}>
      <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>
      {late ? <Badge tone="warning">Late</Badge> : null}
    </InlineStack>
  );
}
