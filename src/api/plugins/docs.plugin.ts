// OpenAPI description of every route, served with Swagger UI at /docs (JSON at /docs/json).
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Grassroots ticket engine API (基层民情挂号办理)',
          description: 'Register, handle, feed back, call back and close residents\' matters (挂号 → 办理 → 反馈 → 回访 → 销号).',
          version: '0.1.0',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'docs' },
);
