# bench.mk: `make bench`, the benchmarks against a FreeBSD-libkvm-style
# baseline (included by the top Makefile; not part of `make check`).

BENCH_OBJ = $(B)/bench/bench.o $(B)/bench/baseline.o $(B)/bench/input.o \
            $(B)/bench/measure.o $(B)/bench/compressed.o \
            $(B)/bench/alloc_count.o
BENCH_ARGS ?=

$(B)/bench/%.o: bench/%.c bench/*.h include/kvm_arm.h tests/mkcore.h tests/mapdesc.h tests/compress.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -c $< -o $@

$(B)/bench/bench: $(BENCH_OBJ) $(TEST_SUPPORT) $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: $(B)/bench/bench
	$(B)/bench/bench $(BENCH_ARGS)

# kvmarm bt -a on 1013 threads against kvmarm ps on the same dump.
bench-bt: all $(B)/tests/mkcore $(B)/kvmarm
	sh bench/bt.sh $(B)

.PHONY: bench bench-bt

# kvmarm elfcore against cp and gzip -dc (bench/elfcore.sh; a shell script,
# apart from bench.c).  BENCH_ELFCORE_ROUNDS rounds, medians compared.
BENCH_ELFCORE_ROUNDS ?= 5

bench-elfcore: $(B)/kvmarm $(B)/tests/mkcore
	sh bench/elfcore.sh $(B) $(BENCH_ELFCORE_ROUNDS)

bench: bench-elfcore

bench: bench-bt

.PHONY: bench-elfcore
