import type { FastifyInstance } from 'fastify';

export default async function invitationRoutes(_app: FastifyInstance) {}
