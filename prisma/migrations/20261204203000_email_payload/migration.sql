-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "payload" JSONB;

