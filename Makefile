# Ordo — the two commands: `make run` and `make test`. Everything else is a helper.
BUILD     ?= build
ASAN_BUILD ?= build-asan
JOBS      ?= $(shell nproc)
CMAKE_GEN := -G Ninja -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
DB        ?= sqlite:var/ordo.db
LISTEN    ?= 127.0.0.1:8080

.PHONY: all deps build web run test test-unit test-sanitize test-e2e screenshots bench clean

all: build

deps:
	@tools/deps.sh build

$(BUILD)/build.ninja:
	@tools/deps.sh build
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/build.ninja web
	@tools/deps.sh build
	cmake --build $(BUILD) -j $(JOBS)

# The web UI (web/dist), rebuilt only when its sources or its lock file change. npm ci
# installs exactly the lock file into web/node_modules, with its download cache in
# web/.npm-cache: nothing is written outside the clone.
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@tools/deps.sh build
	cd web && npm ci --no-audit --no-fund --loglevel=error --cache .npm-cache

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run --silent build

# Builds, creates ./var/ordo.db on first start (printing the admin password once) and serves.
run: build
	@mkdir -p var
	@if [ ! -f var/ordo.db ]; then \
	  $(BUILD)/ordo init --db $(DB) --admin-user admin --generate-password --demo; fi
	$(BUILD)/ordo serve --db $(DB) --listen $(LISTEN) --static-dir web/dist

# Every test: unit, API on SQLite and on a real PostgreSQL started here, process-level tests,
# and the browser e2e run (headless Chromium against a real ordo serve).
test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory build
	tools/with-postgres.sh ctest --test-dir $(BUILD) --output-on-failure --no-tests=error -j $(JOBS)

# The same unit and API tests under AddressSanitizer + UBSan (CI runs this too).
test-sanitize:
	@tools/deps.sh test
	@[ -f $(ASAN_BUILD)/build.ninja ] || cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DORDO_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target ordo_domain_tests ordo_store_tests ordo_app_tests ordo_api_tests
	tools/with-postgres.sh ctest --test-dir $(ASAN_BUILD) --output-on-failure --no-tests=error -j $(JOBS) -L 'unit|api'

# Only the browser tests (tests/e2e); `make screenshots` also refreshes docs/screenshots.
test-e2e:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD) --output-on-failure --no-tests=error -L e2e

screenshots:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory build
	node tests/e2e/run.mjs --ordo $(BUILD)/ordo --dist web/dist --screenshots docs/screenshots

bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory build
	tools/with-postgres.sh bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
