# One image for the ticket engine's API and workers; the compose command picks the role (--api / --worker).
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first so a source-only change reuses this layer. tsx is a runtime dependency, so
# dev tools (tap, eslint, typescript) stay out; optional packages stay in because esbuild's
# platform binary, which tsx needs, is one.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

# The image's `node` user: PostgreSQL and Redis come from DATABASE_URL / REDIS_URL here, so
# nothing needs root, and the app cannot rewrite its own code.
USER node
EXPOSE 3000
CMD ["npx", "tsx", "src/cli/start.ts"]
