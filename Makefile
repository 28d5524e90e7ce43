# Ordo — the two commands: `make run` and `make test`. Everything else is a helper.
BUILD     ?= build
ASAN_BUILD ?= build-asan
JOBS      ?= $(shell nproc)
CMAKE_GEN := -G Ninja -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
DB        ?= sqlite:var/ordo.db
LISTEN    ?= 127.0.0.1:8080

.PHONY: all deps build run test test-unit test-sanitize bench clean

all: build

deps:
	@tools/deps.sh build

$(BUILD)/build.ninja:
	@tools/deps.sh build
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/build.ninja
	@tools/deps.sh build
	cmake --build $(BUILD) -j $(JOBS)

# Builds, creates ./var/ordo.db on first start (printing the admin password once) and serves.
run: build
	@mkdir -p var
	@if [ ! -f var/ordo.db ]; then \
	  $(BUILD)/ordo init --db $(DB) --admin-user admin --generate-password --demo; fi
	$(BUILD)/ordo serve --db $(DB) --listen $(LISTEN)

# Every test: unit, API on SQLite and on a real PostgreSQL started here, process-level tests.
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

bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory build
	tools/with-postgres.sh bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
