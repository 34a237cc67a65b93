// Operator commands: `npm run cli -- <command> [options]`. Each prints what it did, and exits
// non-zero with a clear message on bad input, having written nothing.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { backupDatabase, type Db, openDatabase } from './db/client.js';
import { isDatabaseEmpty, seedDemo } from './demo/seed-demo.js';
import { createUser } from './features/accounts/create-user.js';
import { verifyAuditChain } from './features/audit-log/audit-log.js';
import { runTallyCommand } from './features/ballots/recount-command.js';
import { deliverMail } from './jobs/deliver-mail.js';
import { runAlertsNow } from './jobs/run-jobs.js';
import { loadServerSecret } from './lib/server-secret.js';

const CLI_ACTOR = { id: null, label: 'cli' };

const USAGE = `Usage: npm run cli -- <command> [options]

  user:create --email E --name N --role R [--city-country CC --city-name NAME] [--partner ORG] [--password P]
      Roles: secretariat, board_member, partner, nominator. Without --password a strong one is generated and printed once.
  seed:demo            Seed the demo board into an empty database.
  backup <file>        Online backup of the database into <file>.
  audit:verify         Check the audit log's hash chain; names the first broken entry.
  tally <file.json> [--tie-rule lot --seed S]  Recount a ballots file; prints the rounds as JSON.
  alerts:run [--now ISO]
                       Advance vacancy and ballot states that fall due, then raise the alerts that are due
                       (as of --now, default the real time). Safe to run twice, or while the server runs.
  outbox:deliver       Send the pending e-mail (SMTP_URL, or .eml files in mail/ beside the database).`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

async function userCreate(db: Db, args: string[]) {
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
  console.log(
    `Created ${values.role} ${String(values.email).trim().toLowerCase()} (user ${result.value.userId}).`,
  );
  if (generated) console.log(`Password (shown once): ${generated}`);
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

function kebab(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'tally') {
    // A recount needs no database or configuration: anyone with the ballots file can run it.
    const result = runTallyCommand(rest);
    // Waiting for the writes keeps process.exit from cutting a long result short on a pipe.
    if (result.stdout) await new Promise((resolve) => process.stdout.write(result.stdout, resolve));
    if (result.stderr) await new Promise((resolve) => process.stderr.write(result.stderr, resolve));
    return result.exitCode;
  }
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  try {
    switch (command) {
      case 'user:create':
        await userCreate(db, rest);
        return 0;
      case 'seed:demo': {
        if (!isDatabaseEmpty(db))
          fail('The database already has accounts; the demo board is seeded only into an empty database.');
        await seedDemo(db, { password: config.demoPassword, now: new Date() });
        console.log(`Demo board seeded into ${config.databasePath}.`);
        return 0;
      }
      case 'backup': {
        const destination = rest[0];
        if (!destination) fail('backup needs a destination file: npm run cli -- backup ./backups/board.db');
        await backupDatabase(db, destination);
        console.log(`Backed up ${config.databasePath} to ${destination}.`);
        return 0;
      }
      case 'audit:verify': {
        const verdict = verifyAuditChain(db);
        if (verdict.ok) {
          console.log(`Audit log intact: ${verdict.entries} entries, hash chain verified.`);
          return 0;
        }
        console.error(`Audit log BROKEN at entry ${verdict.brokenId}: ${verdict.problem}.`);
        return 1;
      }
      case 'alerts:run': {
        const { values } = parseArgs({ args: rest, options: { now: { type: 'string' } }, strict: true });
        const now = values.now === undefined ? new Date() : instantFrom(values.now);
        const context = { db, config, serverSecret: loadServerSecret(config.dataDir) };
        const { states, alerts } = await runAlertsNow(context, now);
        if (!states.ran || !alerts.ran) {
          console.log('Another process is running the jobs right now; nothing was done twice.');
          return 0;
        }
        const { vacanciesCreated, vacanciesToScreening } = states.result;
        console.log(
          `At ${now.toISOString()}: ${vacanciesCreated.length} vacancy(ies) created, ${vacanciesToScreening.length} moved to screening; ${alerts.result.length} alert(s) raised.`,
        );
        for (const alert of alerts.result)
          console.log(
            `  ${alert.kind} ${alert.subjectType} ${alert.subjectId} (threshold ${alert.threshold}) to ${alert.recipients} recipient(s)`,
          );
        return 0;
      }
      case 'outbox:deliver': {
        const context = { db, config, serverSecret: loadServerSecret(config.dataDir) };
        const outcome = await deliverMail(context, new Date());
        if (!outcome.ran) {
          console.log(
            `Another process (${outcome.heldBy}) is delivering the mail right now; nothing was sent twice.`,
          );
          return 0;
        }
        const { sent, retried, failed, cancelled, transport } = outcome.result;
        console.log(
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
