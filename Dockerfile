# keyplan-server, built with the Swift toolchain image and run on a slim Debian with libpq only.
# The Swift runtime is linked statically, so the runtime image needs no toolchain.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits don't refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product keyplan-server \
    && install -D "$(swift build -c release --show-bin-path)/keyplan-server" /out/keyplan-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin keyplan
COPY --from=build /out/keyplan-server /usr/local/bin/keyplan-server
COPY Schema /usr/share/keyplan/Schema
ENV KEYPLAN_SCHEMA_DIR=/usr/share/keyplan/Schema
USER keyplan
EXPOSE 7400 9400
ENTRYPOINT ["keyplan-server"]
CMD ["serve"]
