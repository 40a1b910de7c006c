# syntax=docker/dockerfile:1
# Node 24 (LTS). The app also runs on Node 20.18+ (what CI uses) and 22: see `engines`.
# Build stage: dev dependencies, the TypeScript compiler, and the one native build of sqlite3.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# sqlite3 compiles natively when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# .npmrc: the native build prints its progress (foreground-scripts), as it does outside Docker.
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# Production dependencies only, from the tree built above: sqlite3's native binding is kept as
# compiled, not compiled a second time.
RUN npm prune --omit=dev

# Runtime: slim, non-root, a volume for the SQLite file.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 STORE_URL=sqlite://data/flow-trigger.sqlite
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
