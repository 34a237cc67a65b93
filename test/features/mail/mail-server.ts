// A real SMTP server on loopback for the mail tests (smtp-server), which can refuse like a busy
// relay and answer slowly like a far one, and a small reader for the messages it receives (the
// parts decoded, the headers unfolded): what a recipient's mail program would show.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: string;
  envelopeTo: string[];
  mail: ParsedMail;
}

export interface TestMailServer {
  /** For SMTP_URL: a plain relay on loopback, so the client must not insist on TLS. */
  url: string;
  received: ReceivedMail[];
  /** Recipients the server was asked to take, accepted or not: every attempt shows here. */
  rcptAttempts: string[];
  /** Refuse every recipient with this reply (e.g. 451) until `accept()`. */
  refuse(code: number, message: string): void;
  accept(): void;
  /** Hold every message this long before answering, so that two senders overlap. */
  answerAfter(milliseconds: number): void;
  close(): Promise<void>;
}

export async function startMailServer(): Promise<TestMailServer> {
  let refusal: { code: number; message: string } | null = null;
  let delayMs = 0;
  const received: ReceivedMail[] = [];
  const rcptAttempts: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      rcptAttempts.push(address.address);
      if (!refusal) return callback();
      const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        setTimeout(() => {
          received.push({
            raw,
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            mail: parseMail(raw),
          });
          callback();
        }, delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    received,
    rcptAttempts,
    refuse: (code, message) => {
      refusal = { code, message };
    },
    accept: () => {
      refusal = null;
    },
    answerAfter: (milliseconds) => {
      delayMs = milliseconds;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ParsedMail {
  /** Header names in lower case, each with its values in order, unfolded and decoded. */
  headers: Map<string, string[]>;
  header(name: string): string | undefined;
  text: string;
  html: string;
}

/** Reads a message as a mail program would: enough MIME for what nodemailer writes. */
export function parseMail(raw: string): ParsedMail {
  const text: string[] = [];
  const html: string[] = [];
  const top = parsePart(raw);
  const walk = (part: MimePart) => {
    const type = part.headers.get('content-type')?.[0] ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      const pieces = part.body.split(`--${boundary}`).slice(1, -1);
      for (const piece of pieces) walk(parsePart(piece.replace(/^\r?\n/, '')));
      return;
    }
    // SMTP carries CRLF line ends; what a reader sees is lines.
    const decoded = decodeBody(
      part.body,
      part.headers.get('content-transfer-encoding')?.[0] ?? '7bit',
    ).replace(/\r\n/g, '\n');
    (/^text\/html/i.test(type) ? html : text).push(decoded);
  };
  walk(top);
  return {
    headers: top.headers,
    header: (name) => top.headers.get(name.toLowerCase())?.[0],
    text: text.join(''),
    html: html.join(''),
  };
}

interface MimePart {
  headers: Map<string, string[]>;
  body: string;
}

function parsePart(raw: string): MimePart {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), decodeWords(line.slice(colon + 1).trim())]);
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return quotedPrintable(body.replace(/=\r?\n/g, ''));
    default:
      return body;
  }
}

function quotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const hex = text[index] === '=' ? /^[0-9A-Fa-f]{2}/.exec(text.slice(index + 1, index + 3)) : null;
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, _charset, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : quotedPrintable(data.replace(/_/g, ' ')),
    );
}
