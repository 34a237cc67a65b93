// Operator commands: `npm run cli -- <command> [options]`. Each prints what it did, and exits
// non-zero with a clear message on bad input, having written nothing. `runCli` is the whole
// program but for the process: src/cli.ts runs it with the real environment and streams, tests
// run it in-process on a database of their own.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { backupDatabase, type Db, openDatabase } from '../db/client.js';
import { isDatabaseEmpty, seedDemo } from '../demo/seed-demo.js';
import { DEFAULT_HISTORY, type HistorySize, seedHistory } from '../demo/seed-history.js';
import { createUser } from '../features/accounts/create-user.js';
import { accountIdByEmail, setAccountDisabled } from '../features/accounts/disable-account.js';
import { verifyAuditChain } from '../features/audit-log/audit-log.js';
import { brokenCheckpoint, brokenHead } from '../features/audit-log/checkpoint.js';
import { runTallyCommand } from '../features/ballots/recount-command.js';
import { deliverMail } from '../jobs/deliver-mail.js';
import { runAlertsNow } from '../jobs/run-jobs.js';
import { loadServerSecret } from '../lib/server-secret.js';

const CLI_ACTOR = { id: null, label: 'cli' };

const USAGE = `Usage: npm run cli -- <command> [options]

  user:create --email E --name N --role R [--city-country CC --city-name NAME] [--partner ORG] [--password P]
      Roles: secretariat, board_member, partner, nominator. Without --password a strong one is generated and printed once.
  user:disable E       Disable the account with e-mail E: its sessions end and its invitation links stop working.
  user:enable E        Enable it again.
  seed:demo            Seed the demo board into an empty database.
  seed:history [--nominations N] [--terms N] [--audit N]
                       Add a synthetic past to a seeded board, for benchmarks (defaults: 100000 nominations,
                       2000 past terms, 1000000 audit entries; closed ballots and alerts come with them).
  backup <file>        Online backup of the database into <file>.
  audit:verify [--head ID:HASH]
                       Check the audit log's hash chain and its checkpoints; names the first broken entry.
                       Prints the head to keep elsewhere; --head checks that a head kept earlier is unchanged.
  tally <file.json> [--tie-rule lot --seed S]  Recount a ballots file; prints the rounds as JSON.
  alerts:run [--now ISO]
                       Advance vacancy and ballot states that fall due, then raise the alerts that are due
                       (as of --now, default the real time). Safe to run twice, or while the server runs.
  outbox:deliver       Send the pending e-mail (SMTP_URL, or .eml files in mail/ beside the database).`;

class UsageError extends Error {}

/** Where a command writes: whole lines for people, and raw text (a recount's JSON). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

function fail(message: string): never {
  throw new UsageError(message);
}

async function userCreate(db: Db, args: string[], io: CliIo) {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'city-country': { type: 'string' },
      'city-name': { type: 'string' },
      partner: { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  });
  const generated = values.password === undefined ? crypto.randomBytes(15).toString('base64url') : null;
  const result = await createUser(
    db,
    {
      email: values.email ?? '',
      name: values.name ?? '',
      role: values.role ?? '',
      cityCountry: values['city-country'],
      cityName: values['city-name'],
      partner: values.partner,
      password: values.password ?? generated,
    },
    CLI_ACTOR,
    new Date(),
  );
  if (!result.ok)
    fail(
      result.status === 422
        ? Object.entries(result.errors)
            .map(([field, message]) => `--${kebab(field)}: ${message}`)
            .join('\n')
        : result.message,
    );
  say(
    io.out,
    `Created ${values.role} ${String(values.email).trim().toLowerCase()} (user ${result.value.userId}).`,
  );
  if (generated) say(io.out, `Password (shown once): ${generated}`);
}

/** A count option: a whole number from 0 to `max`, or the default when not given. */
function countOption(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max)
    fail(`--${name} must be a whole number from 0 to ${max}; got '${text}'.`);
  return Number(text);
}

function historySize(args: string[]): HistorySize {
  const { values } = parseArgs({
    args,
    options: {
      nominations: { type: 'string' },
      terms: { type: 'string' },
      audit: { type: 'string' },
    },
    strict: true,
  });
  const size = {
    nominations: countOption('nominations', values.nominations, DEFAULT_HISTORY.nominations, 10_000_000),
    terms: countOption('terms', values.terms, DEFAULT_HISTORY.terms, 100_000),
    audit: countOption('audit', values.audit, DEFAULT_HISTORY.audit, 50_000_000),
  };
  if (size.nominations > 0 && size.terms === 0)
    fail('Nominations need past vacancies: --terms must be at least 1 when --nominations is not 0.');
  return size;
}

/** `--head ID:HASH`, as `audit:verify` printed it. */
function headFrom(text: string): { id: number; hash: string } {
  const match = /^([1-9]\d{0,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!match)
    fail(`--head must be an entry and its hash as audit:verify printed them (ID:HASH); got '${text}'.`);
  return { id: Number(match[1]), hash: match[2]! };
}

/** `--now`: a date (midnight UTC) or an ISO date-time; anything else is refused. */
function instantFrom(text: string): Date {
  const instant = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(instant.getTime()))
    fail(
      `--now must be an ISO date or date-time, such as 2027-01-31 or 2027-01-31T09:00:00Z; got '${text}'.`,
    );
  return instant;
}

function say(write: (text: string) => void, line: string) {
  write(`${line}\n`);
}

function kebab(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

async function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    say(io.out, USAGE);
    return 0;
  }
  if (command === 'tally') {
    // A recount needs no database or configuration: anyone with the ballots file can run it.
    const result = runTallyCommand(rest);
    if (result.stdout) io.out(result.stdout);
    if (result.stderr) io.err(result.stderr);
    return result.exitCode;
  }
  const config = loadConfig(env);
  const db = openDatabase(config.databasePath);
  try {
    switch (command) {
      case 'user:create':
        await userCreate(db, rest, io);
        return 0;
      case 'user:disable':
      case 'user:enable': {
        const email = rest[0]?.trim().toLowerCase();
        if (!email || rest.length > 1)
          fail(`${command} takes the account's e-mail address: npm run cli -- ${command} E`);
        const accountId = accountIdByEmail(db, email);
        if (accountId === undefined) fail(`There is no account with the e-mail ${email}.`);
        const disabled = command === 'user:disable';
        const result = setAccountDisabled(db, accountId, disabled, { operator: CLI_ACTOR }, new Date());
        if (!result.ok) fail(result.status === 422 ? 'Unexpected input.' : result.message);
        say(
          io.out,
          disabled
            ? `Disabled ${result.value.email}: ${result.value.sessionsEnded} session(s) ended, its invitation links revoked.`
            : `Enabled ${result.value.email}.`,
        );
        return 0;
      }
      case 'seed:demo': {
        if (!isDatabaseEmpty(db))
          fail('The database already has accounts; the demo board is seeded only into an empty database.');
        await seedDemo(db, { password: config.demoPassword, now: new Date() });
        say(io.out, `Demo board seeded into ${config.databasePath}.`);
        return 0;
      }
      case 'seed:history': {
        const size = historySize(rest);
        if (isDatabaseEmpty(db))
          fail('The database has no board yet: run seed:demo first; the history is that board’s past.');
        const started = Date.now();
        const added = seedHistory(db, size, new Date());
        say(
          io.out,
          `History added to ${config.databasePath} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
            `${added.terms} past terms and ${added.vacancies} filled vacancies (${added.from} to ${added.until}), ` +
            `${added.nominations} nominations, ${added.ballots} closed ballots with ${added.votes} votes, ` +
            `${added.alerts} alerts, ${added.audit} audit entries.`,
        );
        return 0;
      }
      case 'backup': {
        const destination = rest[0];
        if (!destination) fail('backup needs a destination file: npm run cli -- backup ./backups/board.db');
        await backupDatabase(db, destination);
        say(io.out, `Backed up ${config.databasePath} to ${destination}.`);
        return 0;
      }
      case 'audit:verify': {
        const { values } = parseArgs({ args: rest, options: { head: { type: 'string' } }, strict: true });
        const head = values.head === undefined ? undefined : headFrom(values.head);
        const chain = verifyAuditChain(db);
        const verdict = chain.ok ? (brokenCheckpoint(db) ?? (head && brokenHead(db, head)) ?? chain) : chain;
        if (verdict.ok) {
          say(io.out, `Audit log intact: ${verdict.entries} entries, hash chain verified.`);
          if (verdict.entries > 0)
            say(
              io.out,
              `Head: ${verdict.lastId}:${verdict.lastHash}\n` +
                'Keep this line outside the server; `audit:verify --head <it>` later proves that no entry up to it was changed or removed.',
            );
          return 0;
        }
        say(io.err, `Audit log BROKEN at entry ${verdict.brokenId}: ${verdict.problem}.`);
        return 1;
      }
      case 'alerts:run': {
        const { values } = parseArgs({ args: rest, options: { now: { type: 'string' } }, strict: true });
        const now = values.now === undefined ? new Date() : instantFrom(values.now);
        const context = { db, config, serverSecret: loadServerSecret(config.dataDir) };
        const { states, alerts } = await runAlertsNow(context, now);
        if (!states.ran || !alerts.ran) {
          say(io.out, 'Another process is running the jobs right now; nothing was done twice.');
          return 0;
        }
        const { vacanciesCreated, vacanciesToScreening } = states.result;
        say(
          io.out,
          `At ${now.toISOString()}: ${vacanciesCreated.length} vacancy(ies) created, ${vacanciesToScreening.length} moved to screening; ${alerts.result.length} alert(s) raised.`,
        );
        for (const alert of alerts.result)
          say(
            io.out,
            `  ${alert.kind} ${alert.subjectType} ${alert.subjectId} (threshold ${alert.threshold}) to ${alert.recipients} recipient(s)`,
          );
        return 0;
      }
      case 'outbox:deliver': {
        const context = { db, config, serverSecret: loadServerSecret(config.dataDir) };
        const outcome = await deliverMail(context, new Date());
        if (!outcome.ran) {
          say(
            io.out,
            `Another process (${outcome.heldBy}) is delivering the mail right now; nothing was sent twice.`,
          );
          return 0;
        }
        const { sent, retried, failed, cancelled, transport } = outcome.result;
        say(
          io.out,
          `Through ${transport}: ${sent} sent, ${retried} to retry later, ${failed} failed for good, ${cancelled} cancelled.`,
        );
        return failed > 0 ? 1 : 0;
      }
      default:
        fail(`Unknown command '${command}'.\n\n${USAGE}`);
    }
  } finally {
    db.$client.close();
  }
  return 0;
}

/** Runs one command and answers its exit code: 0 done, 1 failed or found broken, 2 bad usage. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  try {
    return await run(argv, env, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      say(io.err, error.message);
      return 2;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      say(io.err, `${error.message}\n\n${USAGE}`);
      return 2;
    }
    say(io.err, error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
