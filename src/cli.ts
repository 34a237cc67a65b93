// The operator's command line: `npm run cli -- <command> [options]` (the commands: cli/run-cli.ts).
import { runCli } from './cli/run-cli.js';

const pending: Promise<unknown>[] = [];
const writer = (stream: NodeJS.WriteStream) => (text: string) => {
  // Waiting for the writes keeps process.exit from cutting a long result short on a pipe.
  pending.push(new Promise((resolve) => stream.write(text, resolve)));
};

const code = await runCli(process.argv.slice(2), process.env, {
  out: writer(process.stdout),
  err: writer(process.stderr),
});
await Promise.all(pending);
process.exit(code);
