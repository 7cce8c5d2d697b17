#!/bin/sh
# tests/tls/nginx-start.sh DIR [REDIRECT_URL]: make a CA and a certificate
# for 127.0.0.1 in DIR, start Debian's nginx on a free port of 127.0.0.1
# serving DIR/www over HTTPS with HTTP/2 (its own config, prefix, pid and
# logs in DIR), and print the port. /redirect-out answers 302 to
# REDIRECT_URL. The access log (DIR/access.log) has $connection first.
set -eu
dir=$1
redirect=${2:-http://127.0.0.1:1/}
cd "$dir"
mkdir -p www tmp
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 \
    -subj /CN=integ-test-ca 2>/dev/null
# shellcheck disable=SC2086
openssl req $ec -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out srv.pem -days 2 -extfile srv.ext 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user=
[ "$(id -u)" -ne 0 ] || user='user root;'
cat >nginx.conf <<EOC
$user
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
	log_format conn '\$connection \$server_protocol \$status \$request_uri';
	access_log $dir/access.log conn;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	types { application/json json; }
	default_type application/json;
	keepalive_requests 100000;
	gzip on;
	gzip_types application/json;
	gzip_min_length 0;
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $dir/srv.pem;
		ssl_certificate_key $dir/srv.key;
		root $dir/www;
		location = /redirect-out { return 302 $redirect; }
	}
}
EOC
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>>"$dir/error.log"
i=0
while [ ! -s "$dir/nginx.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$dir/nginx.pid" ] || { cat "$dir/error.log" >&2; exit 1; }
echo "$port"
