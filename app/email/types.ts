// Shapes shared by the templates, the transport and the outbox. No runtime code.

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Content-ID without angle brackets; the HTML references it as `cid:<cid>`. */
  cid?: string;
  contentDisposition?: "inline" | "attachment";
}

/** What a template produces and the outbox sends. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

export interface MailAddress {
  name: string;
  address: string;
}
