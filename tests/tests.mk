# Tests: the fixture writer, the test programs, and `make check`.

TEST_CFLAGS = $(ALL_CFLAGS) -Itests
TEST_SUPPORT = $(B)/tests/mapdesc.o $(B)/tests/mkcore.o
TEST_PROGS = $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_*.c))

$(B)/tests/%.o: tests/%.c tests/*.h $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(B)/tests/mkcore: $(B)/tests/mkcore_main.o $(TEST_SUPPORT)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/test_%: $(B)/tests/test_%.o $(TEST_SUPPORT) $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

tests: all $(B)/tests/mkcore $(TEST_PROGS)

check: tests
	sh tests/run.sh $(B)

.PHONY: tests

# Keep object files between runs (they are intermediates of pattern rules).
.SECONDARY: $(TEST_PROGS:%=%.o) $(TEST_SUPPORT) $(B)/tests/mkcore_main.o

# The ELF core writer is the tool's (tools/elfcore_write.c), tested alone.
$(B)/tests/test_elfcore_write.o: TEST_CFLAGS += -Itools
$(B)/tests/test_elfcore_write.o: tools/elfcore_write.h
$(B)/tests/test_elfcore_write: $(B)/tools/elfcore_write.o

# The protocol layer of kvmarm's gdb stub, tested on its own.
$(B)/tests/test_gdb_packet: $(B)/tools/gdb_packet.o
