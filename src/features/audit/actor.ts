import type { SessionUser } from '../auth/sessions.js';
import type { Actor } from './audit-log.js';

export function actorOf(user: Pick<SessionUser, 'id' | 'email'>): Actor {
  return { id: user.id, label: user.email };
}
