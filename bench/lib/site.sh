# The benchmarks' site: the synthetic aawsat site (bench/crawl/gen_site.py) served by nginx
# on 127.0.0.1, its access log with the time of every request. Sourced by bench/crawl/run.sh
# and bench/shared/run.sh, which define say, die, NGINX, WORK, NGINX_PID and ARTICLES first.
#
#   site_serve     generates the site in $WORK/site, starts nginx on a free port, checks that
#                  it serves it; sets PORT and BASE. Access log: $WORK/access.log, one line a
#                  request: $msec $status $body_bytes_sent $request_time "$request_uri" "$http_user_agent"
#   site_stop      stops nginx (for the scripts' exit traps)

site_serve() {
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    BASE=http://127.0.0.1:$PORT
    say "generating the site ($ARTICLES articles) for $BASE"
    python3 "$(dirname "${BASH_SOURCE[0]}")/../crawl/gen_site.py" --out "$WORK/site" --base "$BASE" --articles "$ARTICLES" >&2
    chmod -R a+rX "$WORK/site"

    mkdir -p "$WORK/nginx-tmp"
    cat > "$WORK/nginx.conf" <<EOF
    worker_processes 1;
    pid $NGINX_PID;
    error_log $WORK/nginx-error.log warn;
    events { worker_connections 1024; }
    http {
        include /etc/nginx/mime.types;
        default_type application/octet-stream;
        charset utf-8;
        log_format bench '\$msec \$status \$body_bytes_sent \$request_time "\$request_uri" "\$http_user_agent"';
        access_log $WORK/access.log bench;
        client_body_temp_path $WORK/nginx-tmp/client;
        proxy_temp_path $WORK/nginx-tmp/proxy;
        fastcgi_temp_path $WORK/nginx-tmp/fastcgi;
        uwsgi_temp_path $WORK/nginx-tmp/uwsgi;
        scgi_temp_path $WORK/nginx-tmp/scgi;
        sendfile on;
        tcp_nopush on;
        keepalive_timeout 65;
        keepalive_requests 1000000;
        server {
            listen 127.0.0.1:$PORT;
            server_name bench;
            root $WORK/site;
            location = / { try_files /index.html =404; }
            location = /feed { types { } default_type application/rss+xml; try_files /feed.xml =404; }
            location = /manifest.json { return 404; }
            # /<section>?page=N -> <section>/page-N.html; /<section> -> <section>/index.html;
            # /<section>/<nid>-<slug> -> <section>/<nid>-<slug>.html
            location / { try_files \$uri/page-\$arg_page.html \$uri.html \$uri/index.html \$uri =404; }
        }
    }
EOF
    "$NGINX" -t -q -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
    "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
    for _ in $(seq 50); do [ -s "$NGINX_PID" ] && break; sleep 0.1; done
    python3 - "$BASE" <<'EOF' || die "nginx does not serve the site"
import sys, urllib.request
base = sys.argv[1]
for path in ("/", "/robots.txt", "/sitemap.xml", "/feed", "/%D8%A7%D9%84%D8%AE%D9%84%D9%8A%D8%AC?page=1"):
    with urllib.request.urlopen(base + path, timeout=5) as r:
        assert r.status == 200, (path, r.status)
EOF
}

site_stop() {
    if [ -s "$NGINX_PID" ]; then
        local pid
        pid=$(cat "$NGINX_PID")
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
}
