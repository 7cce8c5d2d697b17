# integ-source with one manifest baked in, as an Airbyte connector image.
# Build from the top of the source tree:
#   docker build -f connectors/integ-source.Dockerfile \
#       --build-arg MANIFEST=connectors/pokeapi/manifest.yaml \
#       --build-arg NAME=airbyte/source-pokeapi --build-arg VERSION=0.1.0 \
#       -t airbyte/source-pokeapi:0.1.0 .
#   docker run --rm airbyte/source-pokeapi:0.1.0 spec
# The manifest's folder (its schemas) goes to /etc/integ; INTEG_MANIFEST
# names the manifest, so the entrypoint takes the connector's command line.
FROM debian:12-slim AS build
# the build stage of connectors/Dockerfile, word for word: one cached layer
RUN apt-get update && apt-get install -y --no-install-recommends \
	gcc libc6-dev make pkg-config libcurl4-openssl-dev libjq-dev libonig-dev \
	libbsd-dev libyaml-dev ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -j2 B=/build /build/bin/integ-source
ARG MANIFEST=connectors/pokeapi/manifest.yaml
RUN PATH=/build/bin:$PATH sh connectors/bake-manifest.sh "$MANIFEST" /out/etc/integ

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
	libcurl4 libjq1 libonig5 libbsd0 libyaml-0-2 ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin --uid 10001 --user-group integ
COPY --from=build /build/bin/integ-source /usr/local/bin/integ-source
COPY --from=build /out/etc/integ /etc/integ
# The connector needs no privilege: it runs as a user of its own.
USER integ
ENV INTEG_MANIFEST="/etc/integ/integ-manifest"
ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/integ-source"
ENTRYPOINT ["/usr/local/bin/integ-source"]
ARG NAME=airbyte/source-pokeapi
ARG VERSION=0.1.0
LABEL io.airbyte.name=$NAME
LABEL io.airbyte.version=$VERSION
