# syntax=docker/dockerfile:1
# Build stage: dev dependencies and the TypeScript compiler.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# sqlite3 compiles natively when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only (native sqlite3 is compiled here, with the same toolchain).
FROM build AS prod-deps
RUN rm -rf node_modules && npm ci --omit=dev

# Runtime: slim, non-root, a volume for the SQLite file.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 STORE_URL=sqlite://data/flow-trigger.sqlite
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
