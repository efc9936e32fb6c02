import Fastify from 'fastify';

/** The yardstick: a bare Fastify POST route with a body schema, no auth and no database. */
const app = Fastify({ logger: false });
app.post(
  '/koodrive/ose/v1/album/create',
  {
    schema: {
      body: {
        type: 'object',
        required: ['type', 'albumKind'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 20 },
          type: { type: 'integer', enum: [1, 2] },
          albumKind: { type: 'integer', enum: [1, 2] },
        },
      },
    },
  },
  async () => ({ albumId: '1805929618625036417', code: 0, msg: 'Success.' }),
);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
