// `npm run cli -- <args>` run in-process: the same program as src/cli.ts (runCli), without the
// second or so a new Node process takes to start. test/cli/cli.test.ts runs the real process.
import { type CliIo, runCli } from '../../src/cli/run-cli.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cliInProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  };
  const code = await runCli(args, env, io);
  return { code, stdout, stderr };
}
