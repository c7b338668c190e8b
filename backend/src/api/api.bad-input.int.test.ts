import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type SignedIn, startApiHarness } from './testing/api-harness.ts';
import {
  type DocumentedOperation,
  documentedOperations,
  protectedOperations,
  publicOperations,
  type RequestIds,
  requestOf,
} from './testing/operation-cases.ts';

let harness: ApiHarness;
let alice: SignedIn;
let ids: RequestIds;
let operations: DocumentedOperation[];

beforeAll(async () => {
  harness = await startApiHarness();
  alice = await harness.signIn('8001', 'web', 'Alice');
  const folderId = await harness.createFolder(alice.userId, 'Folder');
  const fileId = await harness.upload(alice.userId, { name: 'film.mkv', folderId });
  const trashedFileId = await harness.upload(alice.userId, { name: 'trashed.mkv' });
  const trashedFolderId = await harness.createFolder(alice.userId, 'Trashed');
  await harness.request(alice, { method: 'DELETE', url: `/api/files/${trashedFileId}` });
  await harness.request(alice, { method: 'DELETE', url: `/api/folders/${trashedFolderId}` });
  const share = await harness.request(alice, { method: 'POST', url: '/api/shares', payload: { fileId } });
  ids = {
    fileId,
    folderId,
    trashedFileId,
    trashedFolderId,
    shareId: share.json().id,
    deviceId: alice.deviceId,
    fileName: 'film',
  };
  operations = documentedOperations(harness.app.swagger()).filter(
    (operation) => !protectedOperations[operation.operationId]?.signsOut,
  );
});

afterAll(async () => {
  await harness?.close();
});

/** A hostile value for a JSON field, and whether every field must refuse it. */
interface Hostile {
  label: string;
  value: unknown;
  refused: boolean;
}

const LONG = 'x'.repeat(10_000);
const bodyValues: Hostile[] = [
  { label: 'null', value: null, refused: false },
  { label: 'true', value: true, refused: false },
  { label: 'an object', value: { nested: { deeper: [1, 2, 3] } }, refused: false },
  { label: 'an array', value: ['a', 'b'], refused: false },
  { label: 'a huge integer', value: 1.2345678901234568e29, refused: true },
  { label: '1e308', value: 1e308, refused: true },
  { label: 'a negative number', value: -1, refused: false },
  { label: 'a fraction', value: 0.5, refused: false },
  { label: 'an empty string', value: '', refused: false },
  { label: 'a 10 000 character string', value: LONG, refused: true },
  { label: 'a NUL character', value: '\u0000', refused: true },
  { label: 'a NUL inside', value: 'a\u0000b', refused: true },
  { label: 'a lone surrogate', value: 'name\ud800', refused: true },
  { label: 'a right-to-left override', value: '\u202Egnp.exe', refused: false },
  { label: 'an emoji', value: '🎬 film', refused: false },
  { label: 'path traversal', value: '../../etc/passwd', refused: false },
  { label: 'a path separator', value: 'a/b', refused: false },
  { label: 'backslashes', value: '\\\\server\\share', refused: false },
  { label: 'markup', value: '<script>alert(1)</script>', refused: false },
  { label: 'SQL', value: "'; drop table library_files; --", refused: false },
  { label: 'a percent-encoded NUL', value: '%00', refused: false },
];

/** Query and path values, already percent-encoded as they arrive on the wire. */
const wireValues: { label: string; raw: string; refused: boolean }[] = [
  { label: 'empty', raw: '', refused: false },
  { label: 'a 5 000 character value', raw: 'y'.repeat(5000), refused: true },
  { label: 'a NUL character', raw: '%00', refused: true },
  { label: 'a NUL inside', raw: 'a%00b', refused: true },
  { label: 'invalid UTF-8 (a surrogate)', raw: '%ED%A0%80', refused: false },
  { label: 'a right-to-left override', raw: '%E2%80%AEevil', refused: false },
  { label: 'an emoji', raw: '%F0%9F%8E%AC', refused: false },
  { label: 'path traversal', raw: '..%2F..%2Fetc%2Fpasswd', refused: false },
  { label: 'a negative number', raw: '-1', refused: false },
  { label: 'an overflowing number', raw: '1e309', refused: false },
  { label: 'a huge integer', raw: '99999999999999999999999', refused: false },
  { label: 'NaN', raw: 'NaN', refused: false },
  { label: 'brackets', raw: '%5B%5D', refused: false },
  { label: 'SQL', raw: "'%3B%20drop%20table%20history%3B--", refused: false },
];

let checked = 0;

/** Sends a request that may be refused: never a 5xx, a refusal says what is wrong, and writes nothing. */
async function expectHandled(
  what: string,
  options: InjectOptions,
  expectation: { refused: boolean } = { refused: false },
): Promise<LightMyRequestResponse> {
  const head = await harness.store.headPosition();
  const response = await harness.request(alice, options);
  checked++;
  expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (expectation.refused) expect(response.statusCode, what).toBeGreaterThanOrEqual(400);
  if (response.statusCode >= 400) {
    const { error } = response.json();
    expect(typeof error?.code, what).toBe('string');
    expect(error.message.length, what).toBeGreaterThan(0);
    if (error.code === 'invalid_request') {
      expect(error.details.issues.length, what).toBeGreaterThan(0);
      for (const issue of error.details.issues) expect(issue.message.length, what).toBeGreaterThan(0);
    }
    expect(await harness.store.headPosition(), `${what} wrote events`).toBe(head);
  }
  return response;
}

/** The operation's valid request as a URL with a query string, with `name` set to `raw` (or left out). */
function withQuery(
  base: InjectOptions,
  query: Record<string, string>,
  name: string,
  raw: string | null,
): string {
  const parts = Object.entries(query)
    .filter(([key]) => key !== name)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  if (raw !== null) parts.push(`${name}=${raw}`);
  return `${base.url as string}?${parts.join('&')}`;
}

describe('bad input', () => {
  it('to every body: malformed, oversized, mistyped and hostile fields are refused clearly', async () => {
    for (const operation of operations.filter((o) => o.hasBody)) {
      const base = requestOf(operation, ids);
      const valid = base.payload as Record<string, unknown>;
      const name = operation.operationId;
      const json = { 'content-type': 'application/json' };
      await expectHandled(
        `${name} malformed JSON`,
        { ...base, payload: '{"name": ', headers: json },
        { refused: true },
      );
      await expectHandled(
        `${name} XML`,
        { ...base, payload: '<a/>', headers: { 'content-type': 'application/xml' } },
        { refused: true },
      );
      await expectHandled(
        `${name} prototype poisoning`,
        { ...base, payload: '{"__proto__": {"admin": true}}', headers: json },
        { refused: true },
      );
      await expectHandled(
        `${name} oversized`,
        { ...base, payload: { ...valid, padding: 'z'.repeat(200_000) } },
        { refused: true },
      );
      for (const whole of [[], null, 'text', 42]) {
        await expectHandled(
          `${name} body ${JSON.stringify(whole)}`,
          { ...base, payload: JSON.stringify(whole), headers: json },
          { refused: true },
        );
      }
      for (const field of Object.keys(valid)) {
        const { [field]: _left, ...without } = valid;
        await expectHandled(`${name} without ${field}`, { ...base, payload: without });
        const validValue = valid[field];
        for (const hostile of bodyValues) {
          const mistyped =
            Array.isArray(validValue) !== Array.isArray(hostile.value) ||
            (hostile.value !== null && typeof validValue !== typeof hostile.value);
          const value =
            Array.isArray(validValue) && !Array.isArray(hostile.value) ? [hostile.value] : hostile.value;
          await expectHandled(
            `${name} ${field} = ${hostile.label}`,
            { ...base, payload: { ...valid, [field]: value } },
            {
              refused: hostile.refused || mistyped,
            },
          );
        }
      }
    }
  });

  it('to every query: hostile, repeated and unknown parameters are refused clearly', async () => {
    for (const operation of operations.filter((o) => o.queryParameters.length > 0)) {
      const base = requestOf(operation, ids);
      const query = (base.query ?? {}) as Record<string, string>;
      const name = operation.operationId;
      await expectHandled(
        `${name} unknown parameter`,
        { method: base.method, url: withQuery(base, query, 'evil', '1') },
        { refused: true },
      );
      for (const parameter of operation.queryParameters) {
        await expectHandled(`${name} ${parameter} left out`, {
          method: base.method,
          url: withQuery(base, query, parameter, null),
        });
        const twice = `${withQuery(base, query, parameter, 'a')}&${parameter}=b`;
        await expectHandled(`${name} ${parameter} repeated`, { method: base.method, url: twice });
        for (const hostile of wireValues) {
          await expectHandled(
            `${name} ${parameter} = ${hostile.label}`,
            { method: base.method, url: withQuery(base, query, parameter, hostile.raw) },
            hostile,
          );
        }
      }
    }
  });

  it('to every path parameter and idempotency key: hostile values are refused or not found', async () => {
    for (const operation of operations.filter(
      (o) => o.pathParameters.length > 0 || o.headerParameters.length > 0,
    )) {
      const base = requestOf(operation, ids);
      const name = operation.operationId;
      for (const parameter of operation.pathParameters) {
        for (const hostile of [...wireValues, { label: 'not an id', raw: 'not-an-id', refused: true }]) {
          const url = operation.path.replace(/\{(\w+)\}/g, (match, other: string) =>
            other === parameter
              ? hostile.raw || '%20'
              : ((base.url as string).split('/')[operation.path.split('/').indexOf(match)] ?? ''),
          );
          await expectHandled(
            `${name} {${parameter}} = ${hostile.label}`,
            { ...base, url },
            { refused: hostile.refused },
          );
        }
      }
      for (const header of operation.headerParameters) {
        for (const value of ['', ' ', 'k'.repeat(500), 'clé', 'tab\there']) {
          await expectHandled(
            `${name} ${header} = ${JSON.stringify(value.slice(0, 20))}`,
            {
              ...base,
              headers: { [header]: value },
            },
            { refused: value !== '' },
          );
        }
      }
    }
  });

  it('covered every operation that takes input', () => {
    const takesInput = operations.filter((o) => o.hasBody || o.queryParameters.length > 0);
    expect(
      takesInput.filter((o) => !(o.operationId in protectedOperations || o.operationId in publicOperations)),
    ).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });
});
