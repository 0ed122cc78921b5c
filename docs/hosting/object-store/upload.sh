#!/bin/sh
# Upload a Crumbless dist folder to an S3-compatible object store with the
# AWS CLI, each object carrying the metadata the widget needs. An object
# store does no content negotiation: it returns the bytes you stored with
# the headers you stored, so every object is uploaded once, under its plain
# name, precompressed, with its Content-Type, Content-Encoding and
# Cache-Control set here.
#
#   docs/hosting/object-store/upload.sh dist/crumbless-0.1.0-abc1234 s3://my-bucket/crumbless
#
# Extra arguments go to every `aws s3 cp` (e.g. --endpoint-url for R2, MinIO
# or another S3-compatible store, --profile, --acl public-read).
# CRUMBLESS_ENCODING=br (default), gzip or identity picks which variant is
# stored: every browser that runs WebAssembly accepts br over HTTPS; use
# gzip for a store served over plain HTTP, identity for a CDN that
# compresses by itself (check that its list includes application/wasm).
#
# Order: the content-hashed files first, the loaders last, so that no page
# ever gets a loader whose runtime is not there yet. Keep the old a/ objects
# for a while after a deploy: pages cached with the previous loader still ask
# for them. The bucket (or the CDN in front of it) also needs a CORS rule
# allowing GET and HEAD from any origin; see README.md next to this script.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 DIST_FOLDER s3://BUCKET/PREFIX [aws s3 cp options…]" >&2
	exit 2
fi
dist=${1%/}
dest=${2%/}
shift 2
encoding=${CRUMBLESS_ENCODING:-br}
case $encoding in
br | gzip | identity) ;;
*)
	echo "$0: CRUMBLESS_ENCODING must be br, gzip or identity (got $encoding)" >&2
	exit 2
	;;
esac
if [ ! -f "$dist/manifest.json" ] || [ ! -f "$dist/crumbless.js" ]; then
	echo "$0: $dist is not a Crumbless dist folder (no manifest.json or crumbless.js)" >&2
	exit 1
fi

immutable="public, max-age=31536000, immutable"

# content_type prints the Content-Type of a dist file.
content_type() {
	case $1 in
	*.wasm) echo "application/wasm" ;; # the loader refuses anything else
	*.js) echo "text/javascript; charset=utf-8" ;;
	*.json) echo "application/json" ;;
	*.html) echo "text/html; charset=utf-8" ;;
	*.md) echo "text/markdown; charset=utf-8" ;;
	*) echo "text/plain; charset=utf-8" ;; # crumbless.d.ts, LICENSE
	esac
}

# put uploads the dist file $key under the same key, with Cache-Control
# $cache; its arguments are the extra aws s3 cp options.
put() {
	src=$dist/$key
	case $encoding in
	br) src=$src.br ;;
	gzip) src=$src.gz ;;
	esac
	if [ ! -f "$src" ]; then
		echo "$0: $src is missing" >&2
		exit 1
	fi
	if [ "$encoding" = identity ]; then
		aws s3 cp "$src" "$dest/$key" --content-type "$(content_type "$key")" \
			--cache-control "$cache" "$@"
	else
		aws s3 cp "$src" "$dest/$key" --content-type "$(content_type "$key")" --content-encoding "$encoding" \
			--cache-control "$cache" "$@"
	fi
}

cd_dist_files() { (cd "$dist" && ls "$@" 2>/dev/null) || true; }

# 1. Content-hashed files: the runtime list, wasm_exec.js, the wasm, content.
for f in $(cd_dist_files a/); do
	case $f in *.br | *.gz) continue ;; esac
	key=a/$f cache=$immutable
	put "$@"
done
# 2. The versioned loader (crumbless.<hash>.js, pinned with SRI).
for f in $(cd_dist_files); do
	case $f in crumbless.*.js.* | crumbless.js) continue ;; crumbless.*.js)
		key=$f cache=$immutable
		put "$@"
		;; esac
done
# 3. What changes with every deploy: revalidated on each use.
for f in manifest.json disclosure.json crumbless.d.ts README.md LICENSE example.html; do
	if [ -f "$dist/$f" ]; then
		key=$f cache=no-cache
		put "$@"
	fi
done
# 4. The stable loader last (pages that load crumbless.js get the new version
#    within five minutes).
key=crumbless.js cache="public, max-age=300"
put "$@"
