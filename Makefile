# libkvm_arm: read FreeBSD/arm kernel crash dumps on any host.
#
#   make            the library (static and shared) and the kvmarm tool
#   make check      build everything and run every test
#   make demo       run kvmarm on a bundled fixture
#   make install PREFIX=/usr/local DESTDIR=   (make uninstall the same way)

CC      ?= cc
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
VERSION  = 0.1.0
SOVER    = 0

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) -Iinclude -Ilib
LIBS     = -ldw -lelf -lz -lzstd

B        = build
LIB_SRC  = $(sort $(wildcard lib/*.c))
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
PIC_OBJ  = $(LIB_SRC:lib/%.c=$(B)/pic/%.o)
LIB_A    = $(B)/libkvm_arm.a
LIB_SO   = $(B)/libkvm_arm.so.$(SOVER)
LIB_HDRS = include/kvm_arm.h include/kvm.h $(wildcard lib/*.h)

all: $(LIB_A) $(LIB_SO)

$(B)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/pic/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,libkvm_arm.so.$(SOVER) -Wl,--version-script=lib/libkvm_arm.map -o $@ $^ $(LDFLAGS) $(LIBS)
	ln -sf libkvm_arm.so.$(SOVER) $(B)/libkvm_arm.so

# The .pc file is written at install time: it must name this PREFIX.
install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)
	install -m 644 include/kvm_arm.h include/kvm.h $(DESTDIR)$(INCDIR)/
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libkvm_arm.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libkvm_arm.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCDIR@|$(INCDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    libkvm_arm.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libkvm_arm.pc

# Every file install wrote (the tools' part: tools.mk's uninstall-tools).
uninstall:
	rm -f $(DESTDIR)$(INCDIR)/kvm_arm.h $(DESTDIR)$(INCDIR)/kvm.h \
	    $(DESTDIR)$(LIBDIR)/libkvm_arm.a $(DESTDIR)$(LIBDIR)/libkvm_arm.so \
	    $(DESTDIR)$(LIBDIR)/libkvm_arm.so.$(SOVER) \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/libkvm_arm.pc

clean:
	rm -rf $(B)

.PHONY: all install uninstall clean check demo

# Pieces with their own fragment: tests, the tool, benchmarks, fuzzing.
include tests/tests.mk
-include tools/tools.mk
-include bench/bench.mk
-include fuzz/fuzz.mk
-include python/python.mk
