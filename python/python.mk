# python.mk: the Python package python/kvmarm (included by the top Makefile).
#   make install        also puts it in $(PYTHONDIR), with the LIBDIR it loads
#                       libkvm_arm from, so it uses the library of its prefix
#   make bench-python   its per-read cost against Python's own mmap slicing

PYTHONDIR ?= $(PREFIX)/lib/python3/dist-packages
PYTHON3   ?= /usr/bin/python3
PY_SRC     = $(filter-out python/kvmarm/_libdir.py,$(wildcard python/kvmarm/*.py))

install: install-python

install-python:
	install -d $(DESTDIR)$(PYTHONDIR)/kvmarm
	install -m 644 $(PY_SRC) $(DESTDIR)$(PYTHONDIR)/kvmarm/
	printf '# Written by make install: the library this package loads.\nLIBDIR = %s\n' \
	    "'$(LIBDIR)'" > $(DESTDIR)$(PYTHONDIR)/kvmarm/_libdir.py

uninstall: uninstall-python

# The package's own directory only: dist-packages may hold others'.
uninstall-python:
	rm -f $(PY_SRC:python/kvmarm/%=$(DESTDIR)$(PYTHONDIR)/kvmarm/%) \
	    $(DESTDIR)$(PYTHONDIR)/kvmarm/_libdir.py
	rm -rf $(DESTDIR)$(PYTHONDIR)/kvmarm/__pycache__
	-rmdir $(DESTDIR)$(PYTHONDIR)/kvmarm 2>/dev/null

bench-python: all
	KVMARM_LIBRARY=$(B)/libkvm_arm.so.$(SOVER) PYTHONPATH=python \
	    $(PYTHON3) bench/python_read.py $(BENCH_PY_ARGS)

.PHONY: install-python uninstall-python bench-python
