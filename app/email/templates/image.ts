// Image keys (QR codes, voucher images) arrive as data URLs. Mail clients block data: URLs in HTML
// (Gmail, Outlook), so each image is sent as an inline attachment and referenced by its Content-ID.
import { EmailRenderError } from "../errors";

const TYPES: Record<string, { ext: string; magic: number[] }> = {
  "image/png": { ext: "png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  "image/jpeg": { ext: "jpg", magic: [0xff, 0xd8, 0xff] },
  "image/gif": { ext: "gif", magic: [0x47, 0x49, 0x46, 0x38] },
};

export interface DecodedImage {
  content: Buffer;
  contentType: string;
  ext: string;
  /** Pixel size when known (PNG), so Outlook, which ignores max-width, can be given a sane width. */
  width?: number;
  height?: number;
}

/** Decodes `data:image/png;base64,...` (or bare base64 PNG); throws EmailRenderError when it is not that. */
export function decodeImageKey(value: string, label: string): DecodedImage {
  const trimmed = value.trim();
  let contentType = "image/png";
  let base64 = trimmed;
  if (trimmed.startsWith("data:")) {
    const match = /^data:([\w/+.-]+)(?:;[\w-]+=[\w-]+)*;base64,([\s\S]*)$/i.exec(trimmed);
    if (!match?.[1] || match[2] === undefined)
      throw new EmailRenderError(`${label} is not a base64 data URL`);
    contentType = match[1].toLowerCase();
    base64 = match[2];
  }
  const type = TYPES[contentType];
  if (!type) throw new EmailRenderError(`${label} has unsupported image type ${contentType}`);
  const compact = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new EmailRenderError(`${label} is not valid base64`);
  const content = Buffer.from(compact, "base64");
  if (!type.magic.every((byte, i) => content[i] === byte)) {
    throw new EmailRenderError(`${label} is not a valid ${contentType} image`);
  }
  const image: DecodedImage = { content, contentType, ext: type.ext };
  if (contentType === "image/png" && content.length >= 24 && content.toString("ascii", 12, 16) === "IHDR") {
    image.width = content.readUInt32BE(16);
    image.height = content.readUInt32BE(20);
  }
  return image;
}
