// Starts the app: parse the environment, open and migrate the database, seed the demo board into
// an empty database (outside production), listen, and stop gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { DEMO_ACCOUNTS, seedDemo } from './demo/seed-demo.js';

async function main() {
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  const seeded = config.seedDemo
    ? await seedDemo(db, { password: config.demoPassword, now: new Date() })
    : false;
  const app = await buildApp({ config, db, logger: true, scheduler: config.scheduler });
  app.addHook('onClose', async () => db.$client.close());

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal} received: finishing open requests, then stopping`);
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const lines = [
    `Leadership Board app listening on ${config.publicOrigin} (database ${config.databasePath})`,
  ];
  if (seeded) lines.push('Demo data seeded into the new database.');
  if (config.seedDemo) {
    lines.push(`Demo logins (password: ${config.demoPassword}):`);
    for (const account of DEMO_ACCOUNTS) lines.push(`  ${account.role.padEnd(13)} ${account.email}`);
  }
  console.log(lines.join('\n'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Start-up failed:', error);
  }
  process.exit(1);
});
