import { describe, expect, it } from 'vitest';
import { describeResponses, tidyComponents } from './openapi.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('tidyComponents', () => {
  it('keeps the models the paths use, once each, under their plain names, sorted', () => {
    const document = {
      paths: {
        '/files': {
          post: {
            requestBody: { content: { 'application/json': { schema: ref('RenameInput') } } },
            responses: { 200: { content: { 'application/json': { schema: ref('Page') } } } },
          },
        },
      },
      components: {
        schemas: {
          Page: { type: 'object', properties: { items: { type: 'array', items: ref('File') } } },
          PageInput: { type: 'object' },
          File: { type: 'object', properties: { kind: ref('Kind') } },
          FileInput: { type: 'object' },
          Kind: { enum: ['video'] },
          KindInput: { enum: ['video'] },
          Rename: { type: 'object' },
          RenameInput: { type: 'object', properties: { kind: ref('KindInput') } },
          Unused: { type: 'string' },
        },
      },
    };
    const tidy = tidyComponents(document);
    expect(Object.keys(tidy.components.schemas)).toEqual(['File', 'Kind', 'Page', 'Rename']);
    expect(tidy.components.schemas.Rename).toEqual({ type: 'object', properties: { kind: ref('Kind') } });
    expect(JSON.stringify(tidy.paths)).toContain('"#/components/schemas/Rename"');
  });

  it('names an input-only model without the suffix, dropping an unused output twin', () => {
    const document = {
      paths: {
        '/x': { post: { requestBody: { content: { 'application/json': { schema: ref('CreateInput') } } } } },
      },
      components: {
        schemas: { Create: { type: 'object', title: 'output' }, CreateInput: { type: 'object' } },
      },
    };
    const tidy = tidyComponents(document);
    expect(tidy.components.schemas).toEqual({ Create: { type: 'object' } });
    expect(JSON.stringify(tidy.paths)).toContain('"#/components/schemas/Create"');
  });
});

describe('describeResponses', () => {
  it("replaces fastify's placeholder with what the status means, and keeps real descriptions", () => {
    const document = {
      paths: {
        '/x': {
          get: { responses: { 404: { description: 'Default Response' }, 200: { description: 'the file' } } },
        },
      },
    };
    const described = describeResponses(document);
    expect(described.paths['/x'].get.responses[404].description).toMatch(/^Not found/);
    expect(described.paths['/x'].get.responses[200].description).toBe('the file');
  });
});
