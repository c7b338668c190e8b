import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The stream engine's Prometheus metrics, registered on the given registry (never the global one). */
export function createStreamMetrics(registry: Registry) {
  const registers = [registry];
  return {
    bytesStreamed: new Counter({
      name: 'teleplay_stream_bytes_total',
      help: 'Bytes delivered to stream consumers',
      registers,
    }),
    activeStreams: new Gauge({
      name: 'teleplay_stream_active',
      help: 'Streams open right now',
      registers,
    }),
    timeToFirstByte: new Histogram({
      name: 'teleplay_stream_time_to_first_byte_seconds',
      help: 'Time from opening a stream to its first byte',
      buckets: [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3, 6, 12],
      registers,
    }),
    botInFlight: new Gauge({
      name: 'teleplay_stream_bot_in_flight',
      help: 'getFile requests in flight per bot',
      labelNames: ['bot'] as const,
      registers,
    }),
    botConcurrency: new Gauge({
      name: 'teleplay_stream_bot_concurrency',
      help: 'Adaptive getFile concurrency limit per bot',
      labelNames: ['bot'] as const,
      registers,
    }),
    botBytes: new Counter({
      name: 'teleplay_stream_bot_bytes_total',
      help: 'Bytes received from Telegram per bot',
      labelNames: ['bot'] as const,
      registers,
    }),
    botErrors: new Counter({
      name: 'teleplay_stream_bot_errors_total',
      help: 'Failed getFile requests per bot, by kind',
      labelNames: ['bot', 'kind'] as const,
      registers,
    }),
    floodWaits: new Counter({
      name: 'teleplay_stream_flood_waits_total',
      help: 'FLOOD_WAIT answers per bot',
      labelNames: ['bot'] as const,
      registers,
    }),
    floodWaitSeconds: new Counter({
      name: 'teleplay_stream_flood_wait_seconds_total',
      help: 'Seconds of FLOOD_WAIT imposed per bot',
      labelNames: ['bot'] as const,
      registers,
    }),
    hedges: new Counter({
      name: 'teleplay_stream_hedges_total',
      help: 'Head-of-line parts re-issued on a second bot because the first was slow',
      registers,
    }),
    cacheLookups: new Counter({
      name: 'teleplay_stream_cache_lookups_total',
      help: 'Block cache lookups: hit (cached), shared (joined a request in flight), miss',
      labelNames: ['result'] as const,
      registers,
    }),
    cacheBytes: new Gauge({
      name: 'teleplay_stream_cache_bytes',
      help: 'Bytes held by blocks in flight and cached',
      registers,
    }),
  };
}

export type StreamMetrics = ReturnType<typeof createStreamMetrics>;
