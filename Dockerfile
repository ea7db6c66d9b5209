# One image for both the worker and the API (compose picks the command). Base images are pinned
# by digest; the tag in front of each digest says what it was, and README ("The images") says how
# to refresh them. Node 26 is the active LTS.

FROM node:26.10.0-trixie-slim@sha256:ec7758ee051e457b468b32bde57b0879010b325bb9862718e9615225ce4aaae1 AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies ship their native parts inside registry packages; no install script is needed.
RUN npm ci --ignore-scripts
COPY . .
# prisma generate only needs the variable to name an existing file (no engine download).
# npm run build:image (scripts/buildImage.ts, which the bench's API build runs too) compiles only
# what runs in production (tsconfig.build.json) into dist/, with the files read at run time and
# the workflow bundle; the dev tools are devDependencies and are pruned before the runtime stage
# copies node_modules.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/package.json npx prisma generate \
 && npm run build:image \
 && npm prune --omit=dev --ignore-scripts

FROM node:26.10.0-trixie-slim@sha256:ec7758ee051e457b468b32bde57b0879010b325bb9862718e9615225ce4aaae1 AS runtime
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
# dist/ holds, beside the compiled code, what is read at run time: the migrations and seed data
# the setup step reads (`node dist/prisma/setup.js`), the web app's stylesheet, the workflow bundle.
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/package.json ./
USER node
EXPOSE 3000 9464
# The API answers /health; the worker serves /metrics. Either proves the process is alive.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "const p=process.env.HEALTHCHECK_URL||'http://127.0.0.1:'+(process.env.PORT||3000)+'/health';fetch(p).then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/api/main.js"]
