# driftd: build, demo, test, benchmarks. Everything a fresh machine needs is installed from here.
SWIFT      ?= swift
CONFIG     ?= release
BUILD_ARGS := -c $(CONFIG) -Xswiftc -enable-testing
VENV       := .venv
PYTHON     := $(VENV)/bin/python
BIN_DIR     = $(shell $(SWIFT) build $(BUILD_ARGS) --show-bin-path)
OUT        := out

.PHONY: reliability sanitize fuzz all build demo test test-systemd check-units venv fixtures samples bench check-rules clean deb test-deb

all: build

build:
	$(SWIFT) build $(BUILD_ARGS) --product driftd

$(PYTHON): scripts/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
	touch $(PYTHON)

venv: $(PYTHON)

## demo: replay the bundled sample streams and print what drifted where; then run the daemon on a
## live stream that decays, and watch it retrain, promote and recover (scripts/demo_retrain.py).
demo: build
	@mkdir -p $(OUT)
	@echo "== driftd check rules/*.json"
	@$(BIN_DIR)/driftd check rules/taxi-duration.json rules/churn.json rules/taxi-hourly.json && echo "all rule files valid"
	@for rule in taxi-duration churn taxi-hourly; do \
		echo; echo "== driftd replay rules/$$rule.json --report $(OUT)/$$rule.json --html $(OUT)/$$rule.html"; \
		$(BIN_DIR)/driftd replay rules/$$rule.json --report $(OUT)/$$rule.json --html $(OUT)/$$rule.html || exit 1; \
	done
	@echo; echo "HTML reports (self-contained, open them in a browser): $(OUT)/taxi-duration.html $(OUT)/churn.html $(OUT)/taxi-hourly.html"
	@echo; echo "== the retrain-check loop, live: scripts/demo_retrain.py"
	@python3 scripts/demo_retrain.py $(BIN_DIR)/driftd $(OUT)/demo-retrain

## test: the whole suite (Swift tests against a real journald, the unit file checks, the rule schema
## check against the examples, the example trainers' tests, and promtool on contrib/). journald is
## started if none runs, and stopped after the Swift tests whether they pass or not.
test: venv
	$(SWIFT) build $(BUILD_ARGS) --build-tests
	scripts/journald.sh start
	trap 'scripts/journald.sh stop' EXIT; trap 'exit 130' INT TERM; \
	DRIFTD_BINARY=$(BIN_DIR)/driftd DRIFTD_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test $(BUILD_ARGS) --skip-build
	DRIFTD_BINARY=$(BIN_DIR)/driftd scripts/check_units.sh
	$(PYTHON) scripts/check_rules_schema.py
	python3 sample-streams/trainers/test_trainers.py
	scripts/check_contrib.sh

## test-systemd: opt-in, not part of `make test`: driftd.service hosted by a real systemd manager,
## the host's /usr booted in systemd-nspawn (scripts/systemd_host_test.sh, docs/systemd.md). Needs
## root; installs systemd-container if systemd-nspawn is missing; builds driftd if it is missing.
test-systemd:
	SWIFT=$(SWIFT) SWIFT_BUILD_ARGS="$(BUILD_ARGS)" scripts/systemd_host_test.sh

## check-units: systemd-analyze verify and security on the units in systemd/.
check-units:
	scripts/check_units.sh

## fuzz: coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the record, rule and duration/timestamp
## parsers, FUZZ_SECONDS (default 60) each (scripts/fuzz.sh, RELIABILITY.md). Not part of `make test`.
FUZZ_SECONDS ?= 60
fuzz:
	SWIFT=$(SWIFT) scripts/fuzz.sh $(FUZZ_SECONDS)

## reliability: the fault-injection runs of RELIABILITY.md against the built daemon, one after the
## other (about 45 minutes): 200 kill -9 (Reliability/crash.py), a logrotate storm and 10,000
## rotations (rotation.py), webhook receivers down and misbehaving (receivers.py), a full state disk
## and memory bounds (resources.py). Needs root (it mounts a tmpfs) and logrotate. Logs and result
## lines in out/reliability-*.log. RELIABILITY_ARGS=--quick for a run of a few minutes each.
## Not part of `make test`.
RELIABILITY_ARGS ?=
reliability: build
	@mkdir -p $(OUT)
	scripts/journald.sh start
	@trap 'scripts/journald.sh stop' EXIT; status=0; \
	for run in crash rotation receivers resources; do \
		echo "== Reliability/$$run.py $(RELIABILITY_ARGS) (log: $(OUT)/reliability-$$run.log)"; \
		python3 Reliability/$$run.py $(BIN_DIR)/driftd $(RELIABILITY_ARGS) > $(OUT)/reliability-$$run.log 2>&1 || status=1; \
		tail -n 1 $(OUT)/reliability-$$run.log; \
	done; exit $$status

## sanitize: the test suite (but the end-to-end tests) under AddressSanitizer and ThreadSanitizer,
## each in its own build folder (scripts/sanitizers.sh; a first build takes most of an hour).
sanitize:
	SWIFT=$(SWIFT) scripts/sanitizers.sh

## deb: the Debian package, $(OUT)/driftd_<version>_<arch>.deb (scripts/build_deb.sh, docs/packaging.md).
deb: build
	rm -f $(OUT)/driftd_*.deb
	scripts/build_deb.sh $(BIN_DIR)/driftd $(OUT)

## test-deb: as root, installs the package on this machine, checks it, runs lintian, then purges it
## (scripts/test_deb.sh). Not part of `make test`.
test-deb: deb
	scripts/test_deb.sh $(OUT)/driftd_*.deb

## fixtures: regenerate the reference values from numpy/scipy/scikit-learn (committed).
fixtures: venv
	for script in scripts/fixtures/gen_*.py; do $(PYTHON) $$script || exit 1; done

## samples: regenerate the sample streams (committed; deterministic).
samples: venv
	$(PYTHON) sample-streams/generate.py

## bench: hot paths side by side with the references; figures go to BENCHMARKS.md by hand.
bench: venv
	$(SWIFT) build -c release --scratch-path .build-bench --product driftd-bench
	$(SWIFT) build -c release --scratch-path .build-bench --product driftd
	$(PYTHON) Benchmarks/run.py --bench-binary $$($(SWIFT) build -c release --scratch-path .build-bench --show-bin-path)/driftd-bench

clean:
	rm -rf .build $(OUT)
