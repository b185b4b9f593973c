// `npx tsx simulators/smtp/main.ts [--smtp-port 2525] [--http-port 2580] [--dir .data/mail] [--host 127.0.0.1]`
// Runs the mail simulator until Ctrl-C: accepts every email, writes it to <dir> as .eml, lists them on the web.
import { parseArgs } from "node:util";
import { startMailSimulator } from "./server";

const { values } = parseArgs({
  options: {
    "smtp-port": { type: "string", default: "2525" },
    "http-port": { type: "string", default: "2580" },
    dir: { type: "string", default: ".data/mail" },
    host: { type: "string", default: "127.0.0.1" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: npx tsx simulators/smtp/main.ts [--smtp-port 2525] [--http-port 2580] [--dir .data/mail] [--host 127.0.0.1] [--quiet]",
  );
  process.exit(0);
}

const port = (name: string, value: string | undefined): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    console.error(`--${name} must be a port number, got ${value}`);
    process.exit(2);
  }
  return parsed;
};

const simulator = await startMailSimulator({
  host: values.host,
  smtpPort: port("smtp-port", values["smtp-port"]),
  httpPort: port("http-port", values["http-port"]),
  dir: values.dir,
  log: values.quiet ? undefined : (line) => console.log(`[mail-sim] ${line}`),
});

console.log(`Mail simulator: SMTP_URL=${simulator.smtpUrl}`);
console.log(`Read the mail at ${simulator.webUrl} (files in ${simulator.dir})`);

const stop = async () => {
  await simulator.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
