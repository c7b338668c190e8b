# Production image: the backend (and, once built, the web app it serves). TypeScript runs natively on
# Node 24, so the image carries sources and production dependencies only.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY postgres/package.json postgres/
COPY eventstore/package.json eventstore/
COPY projections/package.json projections/
COPY backend/package.json backend/
COPY sandbox/package.json sandbox/
COPY bench/package.json bench/
RUN npm ci --omit=dev --no-audit --no-fund
# MTProto decryption with AES-NI (ADR 0006): compiled here, only the addon reaches the image.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY backend/native backend/native
RUN node backend/native/build-aes-ige.ts

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY contracts contracts
COPY postgres postgres
COPY eventstore eventstore
COPY projections projections
COPY backend backend
COPY --from=deps /app/backend/native/build backend/native/build
COPY sandbox sandbox
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "backend/src/server.ts"]
