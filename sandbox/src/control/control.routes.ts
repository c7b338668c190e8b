import multipart from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { FaultInputSchema } from '../faults/fault-input.ts';
import { type Sandbox, SandboxError } from '../sandbox.ts';
import { TelegramError } from '../world/model.ts';
import { MAX_UPLOAD_BYTES, readMultipartUpload } from './multipart-upload.ts';

export interface ControlRoutesOptions {
  sandbox: Sandbox;
}

const UserParams = z.object({ userId: z.coerce.number().int().positive() });
const BotQuery = z.object({ botId: z.coerce.number().int().positive().optional() });
const CreateUserBody = z.object({
  firstName: z.string().min(1).max(64).optional(),
  username: z.string().min(1).max(32).optional(),
});
const SendTextBody = z.object({
  text: z.string().min(1).max(4096),
  botId: z.number().int().positive().optional(),
});
const CallbackBody = z.object({
  messageId: z.number().int().positive(),
  data: z.string().min(1).max(64),
  botId: z.number().int().positive().optional(),
});
const GeneratedFileBody = z.object({
  /** Deterministic content: see generatedBytes(seed, offset, length). */
  generate: z.object({ size: z.number().int().nonnegative().max(MAX_UPLOAD_BYTES), seed: z.string().min(1) }),
  fileName: z.string().min(1),
  mimeType: z.string().min(1).optional(),
  caption: z.string().max(1024).optional(),
  duration: z.number().nonnegative().optional(),
  width: z.number().int().nonnegative().optional(),
  height: z.number().int().nonnegative().optional(),
  asDocument: z.boolean().optional(),
  dcId: z.number().int().positive().optional(),
});
const NetworkBody = z
  .object({
    rttMs: z.number().nonnegative(),
    jitterMs: z.number().nonnegative(),
    connectionBytesPerSecond: z.number().positive().nullable(),
    accountBytesPerSecond: z.number().positive().nullable(),
  })
  .partial();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new SandboxError(400, 'INVALID_REQUEST', z.prettifyError(result.error));
  return result.data;
}

const unlimitedWhenNull = (value: number | null) => value ?? Number.POSITIVE_INFINITY;

/**
 * The sandbox's control API: act as a Telegram user towards the bots, inject faults, read counters.
 * Mount it anywhere (the backend serves it under /sandbox/api/ in sandbox mode); every route answers
 * JSON, errors as `{ statusCode, code, error, message }`.
 */
export const sandboxControlRoutes: FastifyPluginAsync<ControlRoutesOptions> = async (app, { sandbox }) => {
  // A host app that already parses multipart keeps its parser; limits are passed per request.
  if (!app.hasRequestDecorator('isMultipart')) await app.register(multipart);

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof SandboxError) {
      return reply
        .code(error.status)
        .send({ statusCode: error.status, code: error.code, error: 'Sandbox', message: error.message });
    }
    if (error instanceof TelegramError) {
      const status = error.message === 'BOT_RESPONSE_TIMEOUT' ? 504 : 400;
      return reply.code(status).send({
        statusCode: status,
        code: error.message,
        error: 'Telegram',
        message: `Telegram refused: ${error.message}`,
      });
    }
    const status = error.statusCode ?? 500;
    return reply.code(status).send({
      statusCode: status,
      code: error.code ?? 'INTERNAL',
      error: error.name,
      message: error.message,
    });
  });

  app.get('/state', async () => sandbox.state());

  app.post('/users', async (request, reply) => {
    const user = sandbox.createUser(parse(CreateUserBody, request.body ?? {}));
    return reply.code(201).send({ user });
  });

  app.post('/users/:userId/messages', async (request, reply) => {
    const { userId } = parse(UserParams, request.params);
    const { text, botId } = parse(SendTextBody, request.body);
    return reply.code(201).send({ message: sandbox.sendText(userId, text, { botId }) });
  });

  app.post('/users/:userId/files', async (request, reply) => {
    const { userId } = parse(UserParams, request.params);
    const { upload, botId } = await readMultipartUpload(request, sandbox);
    return reply.code(201).send({ message: await sandbox.sendFile(userId, upload, { botId }) });
  });

  app.get('/users/:userId/messages', async (request) => {
    const { userId } = parse(UserParams, request.params);
    const { botId } = parse(BotQuery, request.query);
    return { messages: sandbox.conversation(userId, { botId }) };
  });

  app.post('/users/:userId/callbacks', async (request) => {
    const { userId } = parse(UserParams, request.params);
    const press = parse(CallbackBody, request.body);
    return { answer: await sandbox.pressButton(userId, press) };
  });

  app.get('/users/:userId/callbacks', async (request) => {
    const { userId } = parse(UserParams, request.params);
    return { callbacks: sandbox.buttonPresses(userId) };
  });

  app.post('/channel/files', async (request, reply) => {
    if (request.isMultipart()) {
      const { upload } = await readMultipartUpload(request, sandbox);
      return reply.code(201).send({ post: await sandbox.postChannelFile(upload) });
    }
    const { generate, ...metadata } = parse(GeneratedFileBody, request.body);
    const post = await sandbox.postChannelFile({ ...metadata, content: { type: 'generated', ...generate } });
    return reply.code(201).send({ post });
  });

  app.get('/channel/messages', async () => ({ posts: sandbox.channelPosts() }));

  app.post('/faults', async (request, reply) =>
    reply.code(201).send({ fault: sandbox.injectFault(parse(FaultInputSchema, request.body)) }),
  );
  app.get('/faults', async () => ({ faults: sandbox.faults() }));
  app.delete('/faults', async () => ({ cleared: sandbox.clearFaults() }));

  app.get('/counters', async () => sandbox.counters());
  app.delete('/counters', async (_request, reply) => {
    sandbox.resetCounters();
    return reply.code(204).send();
  });

  app.get('/network', async () => sandbox.network());
  app.put('/network', async (request) => {
    const { connectionBytesPerSecond, accountBytesPerSecond, ...delays } = parse(NetworkBody, request.body);
    return sandbox.updateNetwork({
      ...delays,
      ...(connectionBytesPerSecond !== undefined && {
        connectionBytesPerSecond: unlimitedWhenNull(connectionBytesPerSecond),
      }),
      ...(accountBytesPerSecond !== undefined && {
        accountBytesPerSecond: unlimitedWhenNull(accountBytesPerSecond),
      }),
    });
  });
};
