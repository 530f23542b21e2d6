# syntax=docker/dockerfile:1

# ---- build: compile TypeScript (src/ and migrations/) to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# embedded-postgres stays installed: it is a runtime dependency and its module loads the
# platform binaries when imported, even though with DATABASE_URL set it never starts a server.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
COPY --from=build /app/dist ./dist
# The image's own "node" user (uid 1000); the code stays owned by root, read-only to the app.
USER node
EXPOSE 3000
# DATABASE_URL must be set (see docker-compose.yml); migrations run at start-up.
CMD ["node", "dist/src/main.js"]
