import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

const HEADER = '// Generated from docs/openapi.json by `npm run openapi`: do not edit.\n';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The generated sources of the client, by path relative to `api-client/`: the types of every path
 * and model (openapi-typescript), and the method and path of every operation by its operationId.
 */
export async function clientSources(document: OpenAPI3): Promise<Record<string, string>> {
  // A field with a default may be left out of a request: keep it optional in the types.
  const types = astToString(await openapiTS(document, { defaultNonNullable: false }));
  const operations: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, { operationId?: string } | undefined>)[method];
      if (!operation?.operationId) continue;
      operations.push(`  ${operation.operationId}: { method: '${method}', path: '${path}' },`);
    }
  }
  return {
    'src/schema.generated.ts': `${HEADER}\n${types}`,
    'src/operations.generated.ts': `${HEADER}\n/** Each operation of the API by its operationId: the name of its function in the client. */\nexport const operationRoutes = {\n${operations.join('\n')}\n} as const;\n`,
  };
}
