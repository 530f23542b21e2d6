# syntax=docker/dockerfile:1

# ---- build: compile TypeScript (src/ and migrations/) to dist/ ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; built below.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No embedded PostgreSQL in the image: it is an optional dependency, left out here, and
# loaded only when DATABASE_URL is unset (the image always gets DATABASE_URL).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --ignore-scripts
COPY --from=build /app/dist ./dist
# The image's own "node" user (uid 1000); the code stays owned by root, read-only to the app.
USER node
EXPOSE 3000
# Node itself is PID 1's child here (exec form, no npm, no shell): `docker stop` sends
# SIGTERM straight to it, and it drains requests within SHUTDOWN_GRACE_MS (under the
# 10 s docker stop waits by default). Migrations run at start-up under an advisory lock.
CMD ["node", "dist/src/main.js"]
