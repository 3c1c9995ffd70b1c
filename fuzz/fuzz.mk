# fuzz.mk: libFuzzer targets and the sanitizer and valgrind runs of the
# tests (included by the top Makefile, whose variables it uses).
#
#   make fuzz FUZZ_SECONDS=N   build the fuzz targets with clang
#                              (ASan+UBSan+libFuzzer), seed them, run each
#                              for N seconds; a crash fails the run and is
#                              saved under build-fuzz/crashes/
#   make fuzz-seeds            only write the seed corpora
#   make check-asan            the whole test suite built with ASan+UBSan
#   make check-valgrind        every test program under valgrind memcheck

FUZZ_B       = build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# Inputs up to 256 KiB: bigger than every seed, small enough to run fast.
FUZZ_MAX_LEN ?= 262144
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
FUZZ_CFLAGS  = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) \
               -g -O1 $(FUZZ_SAN) -Iinclude -Ilib -Itests
FUZZ_LIB_OBJ = $(LIB_SRC:lib/%.c=$(FUZZ_B)/lib/%.o)
FUZZ_SUPPORT = $(FUZZ_B)/tests/mapdesc.o $(FUZZ_B)/tests/mkcore.o \
               $(FUZZ_B)/fuzz/fuzz_file.o
FUZZ_TARGETS = $(FUZZ_B)/fuzz_core $(FUZZ_B)/fuzz_kernel $(FUZZ_B)/fuzz_threads \
               $(FUZZ_B)/fuzz_gdb_packet $(FUZZ_B)/fuzz_gdb_server \
               $(FUZZ_B)/fuzz_export
# A run: stop after FUZZ_SECONDS; an input slower than 10 s is a hang; an
# allocation over 64 MiB for an input of at most 256 KiB is a finding.
FUZZ_RUN_FLAGS = -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
                 -timeout=10 -malloc_limit_mb=64 -rss_limit_mb=1024 \
                 -print_final_stats=1

# The library and the fixture writer instrumented for coverage; only the
# targets link libFuzzer's main.
$(FUZZ_B)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/tests/%.o: tests/%.c tests/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_B)/fuzz/%.o: fuzz/%.c fuzz/*.h include/kvm_arm.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/fuzz/fuzz_%.o $(FUZZ_SUPPORT) $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# The gdb stub, from the tool's sources: its packet receiver alone, and its
# commands on a real dump (the threads-le fixture).
$(FUZZ_B)/tools/%.o: tools/%.c tools/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

FUZZ_GDB_SERVER = $(FUZZ_B)/tools/gdb_server.o $(FUZZ_B)/tools/contexts.o \
                  $(FUZZ_B)/tools/gdb_packet.o
$(FUZZ_B)/fuzz_gdb_packet: $(FUZZ_B)/tools/gdb_packet.o
$(FUZZ_B)/fuzz_gdb_server: $(FUZZ_GDB_SERVER)
# The ELF export, from the tool's sources, over mutated dumps.
FUZZ_EXPORT = $(FUZZ_B)/tools/elfcore_export.o $(FUZZ_B)/tools/elfcore_write.o \
              $(FUZZ_B)/tools/contexts.o $(FUZZ_B)/tools/util.o
$(FUZZ_B)/fuzz_export: $(FUZZ_EXPORT)

# Keep the objects between runs (make would delete them as intermediates).
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_SUPPORT) $(FUZZ_TARGETS:$(FUZZ_B)/%=$(FUZZ_B)/fuzz/%.o) \
            $(FUZZ_GDB_SERVER) $(FUZZ_EXPORT)

# Seeds: the fixtures that exist (fixtures/*.core, *.gz, *.kernel), and
# dumps and kernels written from fuzz/seeds/*.desc by the fixture writer;
# for the thread target, the qemu-run kernel's dumps behind its header
# byte (fuzz/fuzz_threads.c), one of them with a patch of its unwind tables;
# for the export, every fixture dump (and a gzip and an LPAE copy of the
# qemu-run ones) behind the byte that picks its kernel (fuzz/fuzz_export.c);
# for the gdb stub, streams of packets (fuzz/seeds/gdb/*.raw; to the packet
# target the first byte sets the size of the pieces the rest is fed in).
fuzz-seeds: $(B)/tests/mkcore
	rm -rf $(FUZZ_B)/seeds
	mkdir -p $(FUZZ_B)/seeds/core $(FUZZ_B)/seeds/kernel $(FUZZ_B)/seeds/threads \
	    $(FUZZ_B)/seeds/gdb_packet $(FUZZ_B)/seeds/gdb_server \
	    $(FUZZ_B)/seeds/export
	cp fuzz/seeds/gdb/*.raw $(FUZZ_B)/seeds/gdb_packet/
	cp fuzz/seeds/gdb/*.raw $(FUZZ_B)/seeds/gdb_server/
	for d in fuzz/seeds/*.desc; do \
	    n=$$(basename $$d .desc); \
	    $(B)/tests/mkcore $$d $(FUZZ_B)/seeds/core/$$n.core \
	        $(FUZZ_B)/seeds/kernel/$$n.kernel || exit 1; \
	done
	for f in fixtures/*.core fixtures/*.gz; do \
	    [ ! -f "$$f" ] || cp "$$f" $(FUZZ_B)/seeds/core/ || exit 1; \
	done
	for f in fixtures/*.kernel; do \
	    [ ! -f "$$f" ] || cp "$$f" $(FUZZ_B)/seeds/kernel/ || exit 1; \
	done
	{ printf '\000'; cat fixtures/threads-le.core; } >$(FUZZ_B)/seeds/threads/le
	{ printf '\001'; cat fixtures/threads-be.core; } >$(FUZZ_B)/seeds/threads/be
	{ printf '\000'; cat fixtures/threads-loop.core; } >$(FUZZ_B)/seeds/threads/loop
	{ printf '\002\020\000\010\000\377\377\377\377\200\200\200\200'; \
	    cat fixtures/threads-le.core; } >$(FUZZ_B)/seeds/threads/patched
	set -e; k=0; for n in threads-le threads-be threads-dwarf armv7-v2 \
	    armv5-v1-be elfcore-v6-be lpae-v2 old-v1 wrapped-v2-be; do \
	    b=$$(printf '\\%03o' $$k); k=$$((k + 1)); \
	    { printf "$$b"; cat fixtures/$$n.core; } >$(FUZZ_B)/seeds/export/$$n; \
	done
	{ printf '\011'; cat fixtures/armv7-v2.core; } >$(FUZZ_B)/seeds/export/nokernel
	{ printf '\000'; cat fixtures/threads-loop.core; } >$(FUZZ_B)/seeds/export/loop
	{ printf '\000'; cat fixtures/threads-cut.core; } >$(FUZZ_B)/seeds/export/cut
	{ printf '\000'; gzip -c fixtures/threads-le.core; } >$(FUZZ_B)/seeds/export/le-gz
	$(B)/tests/mkcore fixtures/threads-be-lpae.desc $(FUZZ_B)/seeds/be-lpae.core >/dev/null
	{ printf '\001'; cat $(FUZZ_B)/seeds/be-lpae.core; } >$(FUZZ_B)/seeds/export/be-lpae
	rm -f $(FUZZ_B)/seeds/be-lpae.core

# Each target in turn; new inputs go to build-fuzz/corpus/NAME (kept between
# runs), the seeds and the committed corpus (fuzz/corpus/NAME) are read
# only.  A crash stops the run with the command that reproduces it.
FUZZ_NAMES = core kernel threads gdb_packet gdb_server export
fuzz: $(FUZZ_TARGETS) fuzz-seeds
	mkdir -p $(FUZZ_B)/crashes
	for t in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_B)/corpus/$$t fuzz/corpus/$$t || exit 1; \
	    KVM_ARM_NO_CACHE=1 $(FUZZ_B)/fuzz_$$t $(FUZZ_RUN_FLAGS) \
	        -artifact_prefix=$(FUZZ_B)/crashes/$$t- \
	        $(FUZZ_B)/corpus/$$t $(FUZZ_B)/seeds/$$t fuzz/corpus/$$t || { \
	        for c in $(FUZZ_B)/crashes/$$t-*; do \
	            echo "fuzz_$$t found a crash; reproduce: $(FUZZ_B)/fuzz_$$t $$c"; \
	        done; exit 1; }; \
	done

# The release check: an hour of each target.
fuzz-long:
	$(MAKE) fuzz FUZZ_SECONDS=3600

# The test suite with ASan and UBSan, in its own build directory; any
# report fails the run (UBSan halts on its first).  Tests that compile a
# program of their own against the library with plain `cc` (the install
# test) find a cc on PATH that adds the sanitizers, which a program linked
# with an instrumented library needs.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

check-asan:
	@mkdir -p build-asan/bin
	@real=$$(command -v cc) && \
	printf '#!/bin/sh\nexec %s -fsanitize=address,undefined "$$@"\n' \
	    "$$real" > build-asan/bin/cc && chmod +x build-asan/bin/cc
	PATH="$(CURDIR)/build-asan/bin:$$PATH" \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
	    $(MAKE) B=build-asan CFLAGS='$(ASAN_FLAGS)' \
	    LDFLAGS='-fsanitize=address,undefined' check

# Every test program under memcheck: an error or a leak makes valgrind exit
# 99; a test that fails exits 1.  Logs in $(B)/valgrind/.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
           --show-leak-kinds=definite,indirect,possible \
           --errors-for-leak-kinds=definite,indirect,possible

check-valgrind: tests
	@mkdir -p $(B)/valgrind; status=0; \
	for t in $(B)/tests/test_*; do \
	    [ -x "$$t" ] || continue; \
	    n=$$(basename $$t); \
	    XDG_CACHE_HOME=$(CURDIR)/$(B)/valgrind/cache $(VALGRIND) $$t \
	        > $(B)/valgrind/$$n.log 2>&1; rc=$$?; \
	    if [ $$rc -eq 99 ]; then \
	        echo "not ok - valgrind $$n: memcheck errors or leaks (see $(B)/valgrind/$$n.log)"; status=1; \
	    elif [ $$rc -ne 0 ]; then \
	        echo "not ok - valgrind $$n: tests failed with exit $$rc (see $(B)/valgrind/$$n.log)"; status=1; \
	    else \
	        echo "ok - valgrind $$n"; \
	    fi; \
	done; exit $$status

.PHONY: fuzz fuzz-long fuzz-seeds check-asan check-valgrind
