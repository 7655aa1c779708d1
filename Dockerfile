# syntax=docker/dockerfile:1
# Production image: Asterisk 22 and Switchboard in one container, configured by the same
# scripts/asterisk.sh as development (native mode). Build: docker build -t switchboard .
# Run:  docker run --network host -e SWITCHBOARD_TRUNK_MATCH=<carrier IPs> \
#         -e SWITCHBOARD_TRUNK_HOST=<carrier host> -v switchboard-data:/var/lib/switchboard switchboard
# (host networking: SIP and a range of RTP ports otherwise need publishing one by one.)

# --- build: compile TypeScript, install production dependencies (better-sqlite3 native) ---------
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# --- runtime: Debian sid has the Asterisk 22 package (bookworm has none) -------------------------
FROM debian:sid-slim
# Check-Valid-Until: sid mirror snapshots can be past their Release file's Valid-Until date.
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      asterisk asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav asterisk-moh-opsound-wav curl ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
# The same Node build the native module was compiled against.
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY asterisk-config ./asterisk-config
COPY scripts/asterisk.sh scripts/docker-entrypoint.sh ./scripts/
COPY ivr-flows ./ivr-flows
COPY sounds ./sounds
ENV NODE_ENV=production \
    SWITCHBOARD_ASTERISK_MODE=native \
    SWITCHBOARD_HOST=0.0.0.0 \
    SWITCHBOARD_SIP_BIND=0.0.0.0 \
    SWITCHBOARD_DATA_DIR=/var/lib/switchboard \
    SWITCHBOARD_FLOWS_DIR=/app/ivr-flows
VOLUME /var/lib/switchboard
EXPOSE 3000 5060/udp
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:3000/api/v1/health || exit 1
ENTRYPOINT ["/usr/bin/tini", "-g", "--", "/app/scripts/docker-entrypoint.sh"]
