import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_PATH, OPENAPI_PATH } from './api/openapi.ts';
import { type App, buildApp } from './app.ts';

let app: App;

beforeAll(async () => {
  // No services: the app builds, documents itself and answers without any database.
  app = await buildApp({
    logger: pino({ level: 'silent' }),
    readiness: { check: async () => {} },
    services: () => undefined,
    botInfo: async () => null,
    security: { corsOrigins: [] },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

describe('the app', () => {
  it('serves its OpenAPI document and the docs UI', async () => {
    const document = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(document.statusCode).toBe(200);
    expect(document.json()).toEqual(JSON.parse(JSON.stringify(app.swagger())));
    expect(document.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Teleplay API' } });
    const docs = await app.inject({ method: 'GET', url: `${DOCS_PATH}/` });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('documents every operation with a unique operationId, a tag and its errors in the one shape', () => {
    const document = app.swagger() as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      expect(operation.tags).toHaveLength(1);
      const responses = operation.responses as Record<
        string,
        { content?: Record<string, { schema: unknown }> }
      >;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400)
          expect(
            response.content?.['application/json']?.schema,
            `${operation.operationId} ${status}`,
          ).toEqual({
            $ref: '#/components/schemas/ErrorResponse',
          });
      }
    }
  });

  it('sends a Content-Security-Policy that works over plain HTTP on a LAN address', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { host: '192.168.1.10:8080' },
    });
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it('answers 503 while the services are not up yet', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/files',
      headers: { authorization: 'Bearer some.token.here' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('starting');
  });

  it('answers URLs it cannot route in the one error shape', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/nothing-here' },
    });
    const overlong = await app.inject({ method: 'GET', url: `/api/files/${'x'.repeat(500)}` });
    expect(overlong.statusCode).toBe(414);
    expect(overlong.json().error.message).toMatch(/exceeding/);
    const badEncoding = await app.inject({ method: 'GET', url: '/api/files/%ED%A0%80' });
    expect(badEncoding.statusCode).toBe(400);
    expect(badEncoding.json().error).toMatchObject({ code: 'bad_request' });
  });

  it('lets a web app on an allowed origin send the headers the API reads', async () => {
    const crossOrigin = await buildApp({
      logger: pino({ level: 'silent' }),
      readiness: { check: async () => {} },
      services: () => undefined,
      botInfo: async () => null,
      security: { corsOrigins: ['https://app.example'] },
    });
    const preflight = await crossOrigin.inject({
      method: 'OPTIONS',
      url: '/api/files/5d1c7a4e-3b2f-4c1d-9e8f-7a6b5c4d3e2f',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(preflight.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    await crossOrigin.close();
  });

  it('refuses at startup an API route that does not declare its contract', async () => {
    const incomplete = await buildApp({
      logger: pino({ level: 'silent' }),
      readiness: { check: async () => {} },
      services: () => undefined,
      botInfo: async () => null,
      security: { corsOrigins: [] },
    });
    expect(() => incomplete.get('/api/undocumented', async () => ({}))).toThrow(
      'GET /api/undocumented: no operationId; no tags; no summary; no success response; no 429 response; no 500 response',
    );
    await incomplete.close();
  });
});
