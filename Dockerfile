# One image for every Tether process: `api` (default), `worker`, `platform`.
# Debian (glibc), not Alpine: the Temporal SDK's native core ships prebuilt for glibc.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# npm run build bundles the workflow code once (scripts/bundle-workflows.js) into dist: no webpack at start.
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TETHER_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 3000 API, 4000 platform hub, 9464 worker /metrics + /health/live
EXPOSE 3000 4000 9464
ENTRYPOINT ["node", "bin/tether.js"]
CMD ["api"]
