# Crumbless build. `make run` to try it, `make test` for every test tier.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO       ?= go
ADDR     ?= 127.0.0.1:8080
DATA     ?= ./data
# The release in VERSION, then the commit (git describe), e.g. 0.1.0-8803b86.
# Computed once and exported, so that the sub-make of make test sees the same.
VERSION  := $(or $(VERSION),$(shell cat VERSION 2>/dev/null || echo 0.0.0)-$(shell git describe --tags --always --dirty 2>/dev/null || echo dev))
export VERSION
STAGE    := build/stage
WEB      := server/web
TOOLS    := $(CURDIR)/bin/tools
WASMEXEC := $(TOOLS)/go_js_wasm_exec
ESBUILD_VERSION := v0.27.7
ESBUILD  := $(TOOLS)/esbuild-$(ESBUILD_VERSION)
MINIFY   := --minify --target=es2020 --charset=utf8 --log-level=warning
# wasm_exec.js keeps its stand-ins for Node's fs, process and path in locals
# instead of globals of the host page, where a library that looks for Node
# would find them (the widget links no syscall package, which would look them
# up through js.Global). Only Go stays global.
WASMEXEC_LOCALS := --define:globalThis.fs=_fs --define:globalThis.process=_process --define:globalThis.path=_path \
	--define:fs=_fs '--banner:js="use strict";(()=>{let _fs,_process,_path;' '--footer:js=})();'
# axe-core for the e2e accessibility scan, from npm, pinned; test-only, under build/.
AXE_VERSION := 4.10.3
AXE      := $(CURDIR)/build/axe/node_modules/axe-core/axe.min.js
# The e2e test of the npm package builds a project with Vite and tsc, pinned
# (with everything they pull in) by the project's package-lock.json; make deps
# fills this npm cache from it, and the test installs from the cache offline.
NPMAPP   := internal/testenv/e2e/testdata/npmapp
NPMCACHE := $(CURDIR)/build/npm-cache
NPMCACHE_READY := $(NPMCACHE)/.ready

.PHONY: all build wasm stage pack server run test test-host test-wasm test-e2e test-engines deps bench clean

all: build

## build: the wasm runtime, the hashed + precompressed web files, bin/crumbless
build: server

# The widget's flags, the same in internal/testenv/wasmsize (Flags), whose
# tests build it and the hello world of its budget with them. The widget's own
# packages are compiled without inlining (-l): inlined syscall/js accessors
# copied into every call site cost about 18 KB brotli, and the widget's code
# is DOM building and glue, where a call more does not show.
WIDGETFLAGS := -trimpath -ldflags="-s -w" -gcflags=github.com/crumbless/crumbless/wasm/...=-l

wasm:
	@mkdir -p $(STAGE)
	GOOS=js GOARCH=wasm $(GO) build $(WIDGETFLAGS) -o $(STAGE)/crumbless.wasm ./wasm
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(STAGE)/console.wasm ./console

stage: wasm $(ESBUILD)
	$(ESBUILD) $(MINIFY) static/crumbless.js --outfile=$(STAGE)/crumbless.js
	$(ESBUILD) $(MINIFY) static/panel.css --outfile=$(STAGE)/panel.css
	$(ESBUILD) $(MINIFY) static/invite.js --outfile=$(STAGE)/invite.js
	# Go's wasm_exec.js with static/exec.js appended (Go.compile: the wasm compiled as it downloads, checked before use).
	cat "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" static/exec.js > build/wasm_exec.js
	$(ESBUILD) $(MINIFY) $(WASMEXEC_LOCALS) build/wasm_exec.js --outfile=$(STAGE)/wasm_exec.js
	$(ESBUILD) $(MINIFY) static/console.js --outfile=$(STAGE)/console.js
	$(ESBUILD) $(MINIFY) static/console.css --outfile=$(STAGE)/console.css
	$(ESBUILD) $(MINIFY) "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" --outfile=$(STAGE)/console_exec.js
	cp static/index.html static/strict.html static/demo.css static/console.html $(STAGE)/
	cp static/content/answers.json static/content/forms.json $(STAGE)/
	# The message catalogs but English (compiled into the wasm), fetched per language.
	rm -f $(STAGE)/i18n.*.json
	for f in wasm/i18n/catalogs/*.json; do l=$$(basename $$f .json); [ $$l = en ] || cp $$f $(STAGE)/i18n.$$l.json; done

pack: stage
	$(GO) run ./internal/tools/pack -in $(STAGE) -out $(WEB) -version $(VERSION)

server: pack
	$(GO) build -trimpath -o bin/crumbless ./cmd/crumbless

# esbuild, run as a Go program (no npm), minifies the loader and wasm_exec.js.
$(ESBUILD):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install github.com/evanw/esbuild/cmd/esbuild@$(ESBUILD_VERSION)
	mv $(TOOLS)/esbuild $@

## run: build and serve the demo at http://$(ADDR)/
run: build
	./bin/crumbless -addr $(ADDR) -data $(DATA)

## dist: the self-hostable distribution dist/crumbless-$(VERSION)/ and its .tar.gz,
## and the npm package dist/crumbless-$(VERSION).tgz (ESM entry from static/npm/)
.PHONY: dist
dist: stage
	$(ESBUILD) $(MINIFY) --format=esm static/npm/index.js --outfile=build/npm/index.js
	$(GO) run ./internal/tools/pack -in $(STAGE) -dist dist -version $(VERSION) -license LICENSE -types static/crumbless.d.ts \
		-npm build/npm/index.js -npm-dir static/npm

## test: install what is missing (make deps), then run the host, wasm, end-to-end and engines tiers
test: deps build dist
	gofmt_out="$$(gofmt -l cmd server wasm internal bundle console)"; if [ -n "$$gofmt_out" ]; then echo "gofmt needed: $$gofmt_out"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./console/...
	$(GO) vet -tags e2e ./internal/testenv/e2e/ ./internal/testenv/webdriver/
	$(MAKE) --no-print-directory test-host test-wasm test-e2e test-engines

# The host and e2e tiers share a throwaway PostgreSQL server each
# (internal/testenv/pgcluster: Debian's postgresql from make deps, a cluster
# under build/pg on a loopback port, stopped afterwards). Each tier runs
# go test -json; .ci/tier shows it as -v would and counts the tests.
PGCLUSTER := $(GO) run ./internal/testenv/pgcluster -dir $(CURDIR)/build/pg --
export GO

test-host:
	.ci/tier host $(PGCLUSTER) $(GO) test -race -count=1 -json ./...
	.ci/tier fuzz $(GO) test -run '^$$' -fuzz '^FuzzServe$$' -fuzztime 150000x -json ./server/assets/
	.ci/tier fuzz $(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 100000x -json ./internal/shared/envelope/
	.ci/tier fuzz $(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime 100000x -json ./internal/shared/textrule/

test-wasm: $(WASMEXEC)
	PATH="$(TOOLS):$$PATH" .ci/tier wasm $(GO) run ./internal/testenv/withapi -- env GOOS=js GOARCH=wasm $(GO) test -count=1 -json ./wasm/... ./console/...

## test-e2e: the end-to-end tier alone, against the build and the dist it makes first
test-e2e: deps build dist
	CRUMBLESS_BIN=$(CURDIR)/bin/crumbless CRUMBLESS_AXE=$(AXE) CRUMBLESS_DIST=$(CURDIR)/dist/crumbless-$(VERSION) CRUMBLESS_NPM_CACHE=$(NPMCACHE) .ci/tier e2e $(PGCLUSTER) $(GO) test -tags e2e -count=1 -json -timeout 20m -skip '^TestEngines$$' ./internal/testenv/e2e/

## test-engines: the widget's core set in Chromium, Firefox ESR and WebKitGTK (Debian's), through
## WebDriver (internal/testenv/webdriver); screenshots in out/engines/
test-engines: debian-deps build
	CRUMBLESS_BIN=$(CURDIR)/bin/crumbless .ci/tier engines $(GO) test -tags e2e -count=1 -json -timeout 15m -p 1 \
		-run '^(TestEngines|TestDrive)$$' ./internal/testenv/webdriver/ ./internal/testenv/e2e/

## deps: what the tests use, installed when missing: Debian's chromium, postgresql,
## nginx-light (+ brotli module), caddy, npm, and the engines tier's chromium-driver,
## firefox-esr, webkit2gtk-driver and xvfb, python3-aiosmtpd for the mail tests (apt-get, as root, asks nothing),
## axe-core and the npm test project's Vite and TypeScript from npm, and the wasm test
## runner under the worktree. Tests never install: one that lacks a tool fails naming make deps.
deps: debian-deps $(WASMEXEC) $(AXE) $(NPMCACHE_READY)

.PHONY: debian-deps
debian-deps:
	DEBIAN_FRONTEND=noninteractive $(GO) run ./internal/tools/installdeps </dev/null

$(AXE): | debian-deps
	@mkdir -p build/axe
	npm install --prefix build/axe --no-save --no-audit --no-fund axe-core@$(AXE_VERSION)

$(NPMCACHE_READY): $(NPMAPP)/package.json $(NPMAPP)/package-lock.json | debian-deps
	rm -rf build/npmapp && mkdir -p build/npmapp
	cp $^ build/npmapp/
	npm ci --prefix build/npmapp --cache $(NPMCACHE) --no-audit --no-fund
	touch $@

# wasmbrowsertest is installed with its own go.mod: it needs an older chromedp
# than the e2e tests pin, and one module cannot hold both.
WASMBROWSERTEST := github.com/agnivade/wasmbrowsertest@v0.11.0
$(WASMEXEC):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install $(WASMBROWSERTEST)
	mv $(TOOLS)/wasmbrowsertest $@

## screenshots: the README's pictures, taken by the e2e tier (TestReadmeScreenshots), into docs/images/
.PHONY: screenshots
screenshots: build
	CRUMBLESS_BIN=$(CURDIR)/bin/crumbless $(GO) test -tags e2e -count=1 -run '^TestReadmeScreenshots$$' ./internal/testenv/e2e/
	@mkdir -p docs/images
	cp out/e2e/readme-home.png out/e2e/readme-chat.png docs/images/

## bench: web file sizes (raw, gzip, brotli), the wasm budget, store Get/Set cost and size, the loader's cost,
## the console, views, tabs, click to ready per engine against its Go hello world; never part of make test
bench: build $(WASMEXEC)
	$(GO) run ./internal/bench/sizes $(WEB)
	@echo; echo "wasm: the Go hello world and the widget, brotli; the widget's budget is 1.5 × the hello world"
	$(GO) run ./internal/bench/wasmcost -budget
	@echo; echo "store: Get/Set in Chromium (ns per op)"
	PATH="$(TOOLS):$$PATH" GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench . -benchtime 1s ./wasm/store/ | grep -E '^Benchmark'
	@echo; echo "store: brotli cost (a program touching storage through syscall/js alone, then through package store)"
	$(GO) run ./internal/bench/wasmcost ./wasm/store/internal/probe/without ./wasm/store/internal/probe/with
	@echo; echo "console: load, sign-in to ready, visitor POST to notification (its wasm's size is in the table above)"
	$(GO) run ./internal/bench/consolebench -bin bin/crumbless
	@echo; echo "loader: what the widget costs an embedding page; click to ready against the Go hello world, cold, prefetched, warm"
	$(GO) run ./internal/bench/loaderbench -bin bin/crumbless -web $(WEB)
	@echo; echo "views: render a 500-message conversation, switch views (Chromium, ns per op)"
	PATH="$(TOOLS):$$PATH" GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench . -benchtime 20x ./wasm/views/ | grep -E '^Benchmark'
	@echo; echo "tabs and networks: server streams per visitor, leader takeover, outbox drain (Chromium)"
	$(GO) run ./internal/bench/tabsbench -bin bin/crumbless
	@echo; echo "engines: click to ready in Chromium, Firefox ESR and WebKitGTK, against each engine's Go hello world"
	$(GO) run ./internal/bench/enginebench -bin bin/crumbless -web $(WEB)

## bench-chat: chat delivery latency with 1,000 agent streams, messages/s, RSS with 10,000 idle streams;
## then the same on PostgreSQL (a throwaway cluster, fsync on): one instance, and two (POST on one, streams on the other)
.PHONY: bench-chat
bench-chat: server
	$(GO) run ./internal/bench/chatbench -bin bin/crumbless $(CHAT_BENCH_FLAGS)
	$(GO) run ./internal/bench/chatbench -bin bin/crumbless -postgres -idle 0 $(CHAT_BENCH_FLAGS)
	$(GO) run ./internal/bench/chatbench -bin bin/crumbless -postgres -instances 2 -idle 0 $(CHAT_BENCH_FLAGS)

## bench-soak: 10,000 event streams through nginx for 10 minutes with messages flowing: the server's
## RSS, goroutines and delivery p99 at the start and the end, and stalled clients dropped.
## SOAK_FLAGS="-streams 2000 -duration 1m" for a short run; never part of make test.
.PHONY: bench-soak
bench-soak:
	$(GO) run ./internal/bench/soakbench $(SOAK_FLAGS)

## bench-server: req/s and p99 of the server against nginx and Caddy on the same files
## (installs nginx-light, caddy, wrk when missing; about 8 minutes; never part of make test)
.PHONY: bench-server
bench-server: build
	$(GO) run ./internal/bench/benchserver -web $(WEB) -bin bin/crumbless -out out/bench-server $(BENCH_FLAGS)

clean:
	rm -rf bin build out dist $(WEB)/*
