# One image for every regsync service; docker-compose.yml and deploy/ pick the app with the command.
FROM node:20-bookworm-slim AS build
WORKDIR /regsync
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /regsync
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /regsync/node_modules ./node_modules
COPY --from=build /regsync/dist ./dist
COPY --from=build /regsync/schemas ./schemas
# the DIN 91379 list the text rule reads at start-up (CC BY 4.0, licence beside it)
COPY --from=build /regsync/libs/register-domain/data ./libs/register-domain/data
COPY --from=build /regsync/deploy ./deploy
COPY --from=build /regsync/nx.json /regsync/package.json ./
USER node
CMD ["node", "dist/apps/federal-register/src/main.js"]
