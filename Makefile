# TechWalk: `make run` and `make test` do all set-up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
export LANG := en_US.UTF-8
BIN := bin/techwalk
GO ?= go
# The version lives in FyneApp.toml alone; every build stamps it into the binary.
VERSION := $(shell bash .ci/fyneapp.sh Version)
LDFLAGS := -X techwalk/audit/build.Version=$(VERSION)

.PHONY: run test setup build dist vet bench fuzz smoke clean

run: setup build
	./$(BIN)

# With TECHWALK_DIST set (CI sets it), the release packages are built first
# and dist_test.go checks them.
test: setup build vet
	@if [ -n "$$TECHWALK_DIST" ]; then $(MAKE) --no-print-directory dist; fi
	TECHWALK_REQUIRE_SMOKE=1 TECHWALK_REQUIRE_PG=1 $(GO) test -race -timeout 50m ./...

setup:
	@bash .ci/setup.sh

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/techwalk

# Release packages in dist/: Linux archive and AppStream metainfo, Windows
# exe (mingw-w64), SHA256SUMS (see .ci/dist.sh).
dist: setup
	bash .ci/dist.sh dist

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

# Runs every benchmark and writes BENCHMARKS.md (see .ci/bench.sh).
bench: setup
	bash .ci/bench.sh

# Runs each fuzz target for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin dist
