// Serves a Fetch-API request handler (Remix's) on a plain node:http server. Used by the local tools
// (tests, demo, bench) that run the app in-process; production runs `remix-serve`.
import http from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";

export type FetchHandler = (request: Request) => Promise<Response>;

export function toFetchRequest(req: http.IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Node's fetch needs duplex for streamed request bodies.
    duplex: hasBody ? "half" : undefined,
  });
}

export async function writeFetchResponse(res: http.ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  res.statusMessage = response.statusText;
  const setCookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (setCookies.length) res.setHeader("set-cookie", setCookies);
  if (!response.body) return void res.end();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
}

export async function serveFetchHandler(
  handler: FetchHandler,
  { port = 0, host = "127.0.0.1" }: { port?: number; host?: string } = {},
) {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  server.on("request", async (req, res) => {
    try {
      await writeFetchResponse(res, await handler(toFetchRequest(req, origin)));
    } catch (err) {
      console.error(err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  });
  return {
    origin,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
