# tools.mk: the kvmarm command, its man pages and its demo (included by
# the top Makefile, whose variables it uses).

# Every tools/*.c is part of the tool: a new subcommand is one new file.
TOOL_SRC = $(sort $(wildcard tools/*.c))
TOOL_OBJ = $(TOOL_SRC:tools/%.c=$(B)/tools/%.o)
TOOL_HDRS = include/kvm_arm.h $(wildcard tools/*.h)
MAN_PAGES = man/kvmarm.1 man/kvm_arm.3

all: $(B)/kvmarm

# The tool sees the public header only, as any user of the library would.
$(B)/tools/%.o: tools/%.c $(TOOL_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) \
	    $(CFLAGS) -Iinclude -c $< -o $@

$(B)/kvmarm: $(TOOL_OBJ) $(LIB_A)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJ) $(LIB_A) $(LIBS)

install: install-tools
uninstall: uninstall-tools

# man kvm_open2, man kvm_read2, ...: every name kvm_arm(3) lists, a link.
MAN3_LINKS = $(shell sed -n 's/^\.Nm \(kvm_[a-z0-9_]*\).*/\1/p' man/kvm_arm.3)

install-tools: $(B)/kvmarm
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3
	install -m 755 $(B)/kvmarm $(DESTDIR)$(BINDIR)/
	install -m 644 man/kvmarm.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/kvm_arm.3 $(DESTDIR)$(MANDIR)/man3/
	for f in $(MAN3_LINKS); do \
		ln -sf kvm_arm.3 $(DESTDIR)$(MANDIR)/man3/$$f.3 || exit 1; \
	done

uninstall-tools:
	rm -f $(DESTDIR)$(BINDIR)/kvmarm $(DESTDIR)$(MANDIR)/man1/kvmarm.1 \
	    $(DESTDIR)$(MANDIR)/man3/kvm_arm.3
	for f in $(MAN3_LINKS); do \
		rm -f $(DESTDIR)$(MANDIR)/man3/$$f.3; \
	done

# The README's first command: from a bundled dump of a kernel that panicked
# (a small kernel run under qemu-arm, fixtures/threads-le.*) to the cause,
# the way one starts with a real vmcore: what the dump is and what the
# kernel left about its panic, then the crashed thread's backtrace.
DEMO_CORE   ?= fixtures/threads-le.core
DEMO_KERNEL ?= fixtures/threads-le.kernel

demo: $(B)/kvmarm
	@echo '$$ kvmarm -N $(DEMO_KERNEL) -M $(DEMO_CORE) info'
	@$(B)/kvmarm -N $(DEMO_KERNEL) -M $(DEMO_CORE) info
	@echo
	@echo '$$ kvmarm -N $(DEMO_KERNEL) -M $(DEMO_CORE) bt'
	@$(B)/kvmarm -N $(DEMO_KERNEL) -M $(DEMO_CORE) bt

.PHONY: install-tools uninstall-tools demo
