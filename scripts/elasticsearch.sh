#!/usr/bin/env bash
# Fetch, start and stop the Elasticsearch 8 test distribution (integ-test-zip) from Maven Central.
#   scripts/elasticsearch.sh start   # fetches if needed, starts on 127.0.0.1:$ES_PORT, waits
#   scripts/elasticsearch.sh stop
# Cached outside the clone in $ES_CACHE (default ~/.cache/jingjian-elasticsearch; as root
# /var/cache/jingjian-elasticsearch). Elasticsearch
# refuses to run as root, so when run as root it runs as the unprivileged user "elasticsearch".
set -euo pipefail

ES_VERSION=${ES_VERSION:-8.19.9}  # the newest 8.x Maven Central serves here (8.19.10 is not)
ES_PORT=${ES_PORT:-9200}
ES_HEAP=${ES_HEAP:-512m}
# As root the default is under /var/cache: Elasticsearch runs as an unprivileged user, who
# cannot enter /root.
if [ "$(id -u)" = 0 ]; then
    ES_CACHE=${ES_CACHE:-/var/cache/jingjian-elasticsearch}
else
    ES_CACHE=${ES_CACHE:-$HOME/.cache/jingjian-elasticsearch}
fi
ES_HOME="$ES_CACHE/elasticsearch-$ES_VERSION"
ES_RUN="$ES_CACHE/run-$ES_PORT"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"

fetch() {
    if [ -x "$ES_HOME/bin/elasticsearch" ]; then
        return
    fi
    mkdir -p "$ES_CACHE"
    if ! command -v mvn >/dev/null; then
        echo "Maven (mvn) is needed to fetch Elasticsearch; install it (apt-get install maven)." >&2
        exit 1
    fi
    echo "fetching $ARTIFACT with Maven" >&2
    mvn -q -B dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$ES_CACHE" \
        -Dmdep.overWriteReleases=true >&2
    unzip -q -o "$ES_CACHE/elasticsearch-$ES_VERSION.zip" -d "$ES_CACHE"
}

java_home() {
    if [ -n "${ES_JAVA_HOME:-}" ]; then
        echo "$ES_JAVA_HOME"
    elif [ -n "${JAVA_HOME:-}" ]; then
        echo "$JAVA_HOME"
    else
        dirname "$(dirname "$(readlink -f "$(command -v java)")")"
    fi
}

start() {
    fetch
    if curl -fs "http://127.0.0.1:$ES_PORT/_cluster/health" >/dev/null 2>&1; then
        echo "Elasticsearch already answers on 127.0.0.1:$ES_PORT" >&2
        return
    fi
    rm -rf "$ES_RUN"
    mkdir -p "$ES_RUN/data" "$ES_RUN/logs"
    local run_as=()
    if [ "$(id -u)" = "0" ]; then
        id elasticsearch >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin elasticsearch
        chown -R elasticsearch "$ES_HOME" "$ES_RUN"
        run_as=(runuser -u elasticsearch --)
    fi
    local jh
    jh=$(java_home)
    echo "starting Elasticsearch $ES_VERSION on 127.0.0.1:$ES_PORT (Java: $jh)" >&2
    "${run_as[@]}" env ES_JAVA_HOME="$jh" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
        "$ES_HOME/bin/elasticsearch" -d -p "$ES_RUN/pid" \
        -E discovery.type=single-node -E network.host=127.0.0.1 -E http.port="$ES_PORT" \
        -E xpack.security.enabled=false -E path.data="$ES_RUN/data" -E path.logs="$ES_RUN/logs" \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        -E action.destructive_requires_name=false >"$ES_RUN/stdout.log" 2>&1
    for _ in $(seq 1 90); do
        if curl -fs "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" \
            >/dev/null 2>&1; then
            echo "Elasticsearch is up: ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT" >&2
            return
        fi
        sleep 1
    done
    echo "Elasticsearch did not start; last log lines:" >&2
    tail -n 40 "$ES_RUN/stdout.log" "$ES_RUN"/logs/*.log >&2 || true
    exit 1
}

stop() {
    if [ -f "$ES_RUN/pid" ]; then
        local pid
        pid=$(cat "$ES_RUN/pid")  # Elasticsearch removes the file itself as it exits
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        rm -f "$ES_RUN/pid"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    fetch) fetch ;;
    *) echo "usage: $0 start|stop|fetch" >&2; exit 2 ;;
esac
