-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('RECEIVED', 'PLACING', 'WAITING', 'DELIVERING', 'DELIVERED', 'PARTIALLY_DELIVERED', 'FAILED_TO_PLACE', 'FAILED', 'REFUNDED', 'NEEDS_REVIEW', 'ON_HOLD', 'SKIPPED');

-- CreateEnum
CREATE TYPE "KeyType" AS ENUM ('TEXT', 'IMAGE');

-- CreateEnum
CREATE TYPE "EmailKind" AS ENUM ('KEYS', 'ON_THE_WAY', 'MERCHANT_ALERT');

-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "erystaApiKeyCiphertext" TEXT,
    "erystaApiKeyLast4" TEXT,
    "erystaConnectedAt" TIMESTAMP(3),
    "autoFulfill" BOOLEAN NOT NULL DEFAULT true,
    "holdHighRisk" BOOLEAN NOT NULL DEFAULT true,
    "mapBySku" BOOLEAN NOT NULL DEFAULT false,
    "lateAfterMinutes" INTEGER NOT NULL DEFAULT 20,
    "notifyCustomerWhenLate" BOOLEAN NOT NULL DEFAULT false,
    "refundUndelivered" BOOLEAN NOT NULL DEFAULT false,
    "alertEmail" TEXT,
    "senderName" TEXT,
    "replyTo" TEXT,
    "emailSubjectTemplate" TEXT,
    "emailBodyTemplate" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductMapping" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "erystaProductId" TEXT NOT NULL,
    "productTitle" TEXT,
    "variantTitle" TEXT,
    "sku" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "customerEmail" TEXT,
    "customerFirstName" TEXT,
    "customerLastName" TEXT,
    "customerLocale" TEXT,
    "customerId" TEXT,
    "orderStatusUrl" TEXT,
    "currency" TEXT,
    "status" "DeliveryStatus" NOT NULL,
    "statusReason" TEXT,
    "referenceId" TEXT NOT NULL,
    "erystaOrderId" TEXT,
    "erystaStatus" TEXT,
    "placeTraceId" TEXT,
    "lastTraceId" TEXT,
    "placeAttempts" INTEGER NOT NULL DEFAULT 0,
    "placeStartedAt" TIMESTAMP(3),
    "placedAt" TIMESTAMP(3),
    "pollCount" INTEGER NOT NULL DEFAULT 0,
    "lastPolledAt" TIMESTAMP(3),
    "nextPollAt" TIMESTAMP(3),
    "lateAlertedAt" TIMESTAMP(3),
    "erystaFinishedAt" TIMESTAMP(3),
    "keysStoredAt" TIMESTAMP(3),
    "totalDebit" DECIMAL(14,2),
    "shopifySyncedAt" TIMESTAMP(3),
    "refundedAt" TIMESTAMP(3),
    "emailedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryLine" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyLineItemId" TEXT NOT NULL,
    "variantId" TEXT,
    "sku" TEXT,
    "title" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "erystaProductId" TEXT NOT NULL,
    "deliveredQuantity" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DeliveryLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveredKey" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "lineId" TEXT,
    "erystaProductId" TEXT NOT NULL,
    "productTitle" TEXT,
    "position" INTEGER NOT NULL,
    "type" "KeyType" NOT NULL,
    "valueCiphertext" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeliveredKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryEvent" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "fromStatus" "DeliveryStatus",
    "toStatus" "DeliveryStatus",
    "message" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT 'system',
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeliveryEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "deliveryId" TEXT,
    "kind" "EmailKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT,
    "status" "EmailStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "providerMessageId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerDataRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "customerEmail" TEXT,
    "ordersRequested" TEXT[],
    "summary" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerDataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErystaRateCall" (
    "id" BIGSERIAL NOT NULL,
    "keyHash" TEXT NOT NULL,
    "calledAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErystaRateCall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErystaRateState" (
    "keyHash" TEXT NOT NULL,
    "blockedUntil" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ErystaRateState_pkey" PRIMARY KEY ("keyHash")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_shop_key" ON "Shop"("shop");

-- CreateIndex
CREATE INDEX "ProductMapping_shop_erystaProductId_idx" ON "ProductMapping"("shop", "erystaProductId");

-- CreateIndex
CREATE UNIQUE INDEX "ProductMapping_shop_variantId_key" ON "ProductMapping"("shop", "variantId");

-- CreateIndex
CREATE INDEX "Delivery_shop_status_idx" ON "Delivery"("shop", "status");

-- CreateIndex
CREATE INDEX "Delivery_shop_createdAt_idx" ON "Delivery"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_shop_customerEmail_idx" ON "Delivery"("shop", "customerEmail");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_shop_shopifyOrderId_key" ON "Delivery"("shop", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "DeliveryLine_shop_idx" ON "DeliveryLine"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryLine_deliveryId_shopifyLineItemId_key" ON "DeliveryLine"("deliveryId", "shopifyLineItemId");

-- CreateIndex
CREATE INDEX "DeliveredKey_shop_idx" ON "DeliveredKey"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveredKey_deliveryId_erystaProductId_position_key" ON "DeliveredKey"("deliveryId", "erystaProductId", "position");

-- CreateIndex
CREATE INDEX "DeliveryEvent_deliveryId_createdAt_idx" ON "DeliveryEvent"("deliveryId", "createdAt");

-- CreateIndex
CREATE INDEX "DeliveryEvent_shop_createdAt_idx" ON "DeliveryEvent"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "EmailMessage_shop_status_idx" ON "EmailMessage"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "EmailMessage_shop_idempotencyKey_key" ON "EmailMessage"("shop", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_shop_webhookId_key" ON "WebhookReceipt"("shop", "webhookId");

-- CreateIndex
CREATE INDEX "CustomerDataRequest_shop_idx" ON "CustomerDataRequest"("shop");

-- CreateIndex
CREATE INDEX "ErystaRateCall_keyHash_calledAt_idx" ON "ErystaRateCall"("keyHash", "calledAt");

-- AddForeignKey
ALTER TABLE "ProductMapping" ADD CONSTRAINT "ProductMapping_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("shop") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("shop") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryLine" ADD CONSTRAINT "DeliveryLine_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveredKey" ADD CONSTRAINT "DeliveredKey_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveredKey" ADD CONSTRAINT "DeliveredKey_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "DeliveryLine"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryEvent" ADD CONSTRAINT "DeliveryEvent_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
