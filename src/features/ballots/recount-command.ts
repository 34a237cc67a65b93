// `npm run cli -- tally <file.json> [--tie-rule lot --seed S]`: recounts a ballots file and prints
// the result as JSON (CONTRACT.md, "Recount format"). Anyone may run it; it needs no database.
// Refuses, with exit code 2 and a message naming the problem, unreadable files and bad input.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { parseRecount, type RecountTieRule, recount } from './recount.js';

export interface CommandOutput {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

export const TALLY_USAGE = 'tally <file.json> [--tie-rule lot --seed S]';

type ReadFile = (path: string, encoding: 'utf8') => string;

/** Runs the command without touching the process, so the CLI and the tests share every line of it. */
export function runTallyCommand(args: string[], readFile: ReadFile = fs.readFileSync): CommandOutput {
  const options = commandOptions(args);
  if ('problem' in options) return refuse(options.problem);

  let text: string;
  try {
    text = readFile(options.file, 'utf8');
  } catch (error) {
    return refuse(`Cannot read ${options.file}: ${readProblem(error)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return refuse(`${options.file} is not valid JSON: ${(error as Error).message}.`);
  }
  const parsed = parseRecount(json);
  if (!parsed.ok) return refuse(`${options.file} is not a recount file:\n  ${parsed.problems.join('\n  ')}`);

  const output = recount(parsed.input, options.tieRule);
  return { exitCode: 0, stdout: `${JSON.stringify(output, null, 2)}\n`, stderr: '' };
}

function commandOptions(args: string[]): { file: string; tieRule: RecountTieRule } | { problem: string } {
  let values: { 'tie-rule'?: string; seed?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { 'tie-rule': { type: 'string' }, seed: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return { problem: `${(error as Error).message}\nUsage: ${TALLY_USAGE}` };
  }
  const [file, ...extra] = positionals;
  if (file === undefined) return { problem: `tally needs the ballots file.\nUsage: ${TALLY_USAGE}` };
  if (extra.length > 0)
    return { problem: `tally takes one file, not also ${extra.join(' ')}.\nUsage: ${TALLY_USAGE}` };

  const rule = values['tie-rule'] ?? 'runoff';
  if (rule === 'runoff') {
    if (values.seed !== undefined) return { problem: '--seed is only used with --tie-rule lot.' };
    return { file, tieRule: { rule } };
  }
  if (rule === 'lot') {
    // The seed is what makes a draw checkable: without one the result could not be reproduced.
    if (!values.seed) return { problem: '--tie-rule lot needs --seed S, so that anyone can redo the draw.' };
    return { file, tieRule: { rule, seed: values.seed } };
  }
  return {
    problem: `--tie-rule must be runoff (a tie stays a tie) or lot (a seeded draw), not ${JSON.stringify(rule)}.`,
  };
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}

function refuse(message: string): CommandOutput {
  return { exitCode: 2, stdout: '', stderr: `${message}\n` };
}
