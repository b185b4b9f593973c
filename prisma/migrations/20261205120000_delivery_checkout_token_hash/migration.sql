-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "checkoutTokenHash" TEXT;
