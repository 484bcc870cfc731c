# The same image `make image` builds without Docker (scripts/k8s/image.sh): the rootfs comes from the
# same script, then lands in an empty image. docker build -t p2pool-ts:0.1.0 .
FROM debian:bookworm-slim AS rootfs
RUN apt-get update && apt-get install -y --no-install-recommends npm ca-certificates git && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/k8s/rootfs.sh /rootfs

FROM scratch
COPY --from=rootfs /rootfs /
USER 10001:10001
WORKDIR /app
ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_ENV=production
ENTRYPOINT ["node"]
CMD ["services/cli/main.ts"]
