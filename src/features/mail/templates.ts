// E-mails from eta templates: `views/mail/<name>.txt.eta` (the plain-text part) and
// `views/mail/<name>.html.eta` (the HTML part, inside views/mail/layout.html.eta). What people
// typed (names, notes, statements) is escaped in the HTML part like on every page; each message
// carries a link back to the page concerned, built from PUBLIC_ORIGIN by the caller.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';

const MAIL_VIEWS = fileURLToPath(new URL('../../../views/mail', import.meta.url));

// Plain text is not HTML: nothing is escaped there. The HTML part escapes by default.
const textEta = new Eta({ views: MAIL_VIEWS, autoEscape: false, autoTrim: false, cache: true });
const htmlEta = new Eta({ views: MAIL_VIEWS, autoEscape: true, autoTrim: [false, 'nl'], cache: true });

export interface RenderedMail {
  text: string;
  html: string;
}

export function renderMail(name: string, data: Record<string, unknown>): RenderedMail {
  const text = textEta
    .render(`./${name}.txt.eta`, data)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const html = htmlEta.render(`./${name}.html.eta`, data);
  return { text: `${text}\n`, html };
}

export const MAIL_VIEWS_FOLDER = path.resolve(MAIL_VIEWS);
