-- orders/paid answers after storing its payload here, and the intake job reads it and clears it.
ALTER TABLE "WebhookReceipt" ADD COLUMN     "payload" JSONB,
ADD COLUMN     "processedAt" TIMESTAMP(3);
