// How a message leaves the app: through the relay SMTP_URL names, or, without one, as an .eml file
// in mail/ beside the database, so that the embedded default needs no mail server and whoever runs
// it can still open every message it sent (CONTRACT.md, "Environment").
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';

export interface OutgoingMail {
  /** The outbox row it comes from; it names the .eml file. */
  outboxId: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The same on every attempt, so that a second copy after a crash is recognisable as one. */
  messageId: string;
  /** The delivery run's instant: the Date header, and the .eml file's name. */
  date: Date;
}

export interface MailTransport {
  /** Resolves once the relay has accepted the message (or the file is written); rejects otherwise. */
  send(message: OutgoingMail): Promise<void>;
  /** Where mail goes, for the operator: the relay's host and port (never its password), or the folder. */
  describe: string;
  close(): void;
}

/**
 * How long one message may take before the transport gives up on it. A delivery run sends one
 * message at a time, so this bounds how long a run holds a message in `sending`
 * (deliver-outbox.ts makes its lease longer than a whole batch of these).
 */
export const SEND_TIMEOUT_MS = 30_000;

export function mailFolder(dataDir: string): string {
  return path.join(dataDir, 'mail');
}

export function mailTransport(config: Pick<Config, 'smtpUrl' | 'dataDir'>): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl) : fileTransport(mailFolder(config.dataDir));
}

function mailFields(message: OutgoingMail) {
  return {
    from: message.from,
    to: message.to,
    // Queued subjects are single lines already; a line break here would start a forged header.
    subject: message.subject.replace(/[\r\n]+/g, ' '),
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    date: message.date,
    // The parts are strings; nothing in a message may make the mailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

function smtpTransport(url: string): MailTransport {
  // The URL may set any of these too (`?ignoreTLS=true` for a plain relay on loopback, say); its
  // values win. The defaults wait minutes for a silent server: a delivery run must not.
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  const relay = new URL(url);
  return {
    describe: `SMTP relay ${relay.hostname}:${relay.port || (relay.protocol === 'smtps:' ? 465 : 587)}`,
    async send(message) {
      await transporter.sendMail({ ...mailFields(message), signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    },
    close: () => transporter.close(),
  };
}

function fileTransport(folder: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `.eml files in ${folder}`,
    async send(message) {
      const info = await transporter.sendMail(mailFields(message));
      // A delivered invitation holds a live link: the folder is a mailbox, readable by the server's
      // user only, like the server secret beside it.
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      // Colons are not allowed in Windows file names, and the folder may be copied there to be read.
      const name = `${message.date.toISOString().replace(/:/g, '-')}-${message.outboxId}.eml`;
      const file = path.join(folder, name);
      // Written aside, then renamed: a crash never leaves half a message where a whole one is expected.
      await fs.writeFile(`${file}.part`, info.message as Buffer, { mode: 0o600 });
      await fs.rename(`${file}.part`, file);
    },
    close: () => transporter.close(),
  };
}
