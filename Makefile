# Parley: the two commands are `make run` and `make test` (README.md).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: run test bench fuzz deps build test-sanitize clean

deps:
	@bash scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null
	@ninja -C $(BUILD_DIR) -j$(JOBS)

run: build
	@exec $(BUILD_DIR)/parley serve $(ARGS)

test: build
	@bash scripts/run_tests.sh $(BUILD_DIR)

# The same suites on an AddressSanitizer + UndefinedBehaviorSanitizer build.
test-sanitize:
	@$(MAKE) --no-print-directory test BUILD_DIR=build-asan CMAKE_FLAGS="-DPARLEY_SANITIZE=address,undefined -DPARLEY_BUILD_BENCH=OFF"

bench: build
	@bash scripts/run_bench.sh $(BUILD_DIR)

fuzz: deps
	@bash scripts/fuzz.sh

clean:
	rm -rf build build-asan build-fuzz
