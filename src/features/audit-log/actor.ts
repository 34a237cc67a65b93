import type { Actor } from './audit-log.js';

/** Who acted, as the audit log names a person: their account and e-mail. */
export function actorOf(person: { id: number; email: string }): Actor {
  return { id: person.id, label: person.email };
}
