// POST /v1/auth/login: password login for staff.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticate } from '../../../services/auth.service.js';
import { loginSchema } from './schema.js';

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/auth/login', { schema: loginSchema }, async (request) => {
    const staff = await authenticate(app.services, request.body.username, request.body.password);
    const token = app.jwt.sign({
      sub: staff.id,
      cty: staff.county_id,
      unit: staff.unit_id,
      roles: staff.roles,
      name: staff.display_name,
    });
    request.log.info({ staffId: staff.id }, 'login');
    return { token, tokenType: 'Bearer' as const, expiresIn: String(app.jwt.options.sign?.expiresIn ?? '') };
  });
};

export default authRoutes;
