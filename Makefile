# A thin layer over CMake/ctest.  `make demo` and `make test` each install
# what is missing (Debian packages, as root), build, and run.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifeq ($(CI),true)
CMAKE_FLAGS += -DPH_WERROR=ON
endif

# Submissions crash and run out of memory on purpose: let their SIGSEGV and
# failed mallocs reach the harness as they would without ASan; a small
# quarantine keeps freed blocks from counting against the runs' memory limits.
ASAN_RUN_OPTIONS = detect_leaks=1:abort_on_error=1:handle_segv=0:allocator_may_return_null=1:quarantine_size_mb=16

.PHONY: all deps build demo test test-asan bench fuzz-smoke lint format clean install

all: build

deps:
	@sh tools/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	./$(BUILD)/pyharness list
	-./$(BUILD)/pyharness run generators-streaming exercises/generators-streaming/examples/good.py
	-./$(BUILD)/pyharness run generators-streaming exercises/generators-streaming/examples/bad_eager.py
	./$(BUILD)/pyharness grade examples/homework/homework.json examples/homework/class \
	  --out $(BUILD)/demo-results -j $(JOBS)
	@echo "class summary: $(BUILD)/demo-results/summary.html"

# The whole suite, then the unit and integration tests again under ASan+UBSan,
# then a short fuzzing pass over every parser of untrusted bytes, then the
# lint checks (banned functions, formatting).
# Integration tests measure timings (event loops, process pools): they run
# one at a time so that they do not compete for the two cores.
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) -LE integration
	ctest --test-dir $(BUILD) --output-on-failure -L integration
	$(MAKE) test-asan
	PH_FUZZ_SECONDS=15 sh tests/fuzz/run_smoke.sh
	sh tools/lint.sh

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPH_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=$(ASAN_RUN_OPTIONS) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS) -L asan -LE integration
	# One at a time, as above: under ASan a slow student's run takes 3x its
	# CPU time, and test_run beside test_grade's -j 2 pushed one past its limit.
	ASAN_OPTIONS=$(ASAN_RUN_OPTIONS) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -L asan -L integration

bench: build
	sh tests/bench/run.sh $(BUILD)

fuzz-smoke: deps
	sh tests/fuzz/run_smoke.sh

lint:
	sh tools/lint.sh

format:
	clang-format -i harness/*/*.c harness/*/*.h tests/unit/*.c

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
