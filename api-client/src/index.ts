export {
  type ApiClient,
  type ApiClientOptions,
  createApiClient,
  isWriteAccepted,
  type OperationCall,
  type OperationId,
  type Schemas,
} from './api-client.ts';
export type { components, operations, paths } from './schema.generated.ts';
