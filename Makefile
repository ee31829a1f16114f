# commerce_fdw — PGXS build: `make && make install`, `make installcheck`.
# The regression tests need the bundled simulator and a cluster: scripts/test.sh
# sets both up and runs everything.

MODULE_big = commerce_fdw
MODULEDIR = extension
SRCS = $(sort $(wildcard src/pg/*.cpp)) $(sort $(wildcard src/engine/*/*.cpp)) $(sort $(wildcard src/apis/*.cpp))
OBJS = $(SRCS:.cpp=.o)
# Released install and update scripts are never edited: every SQL change adds
# a version with an update script (docs/architecture.md).
DATA = control/commerce_fdw.control control/commerce_fdw--1.0.sql control/commerce_fdw--1.0--1.1.sql control/commerce_fdw--1.1--1.2.sql
PGFILEDESC = "commerce_fdw - foreign data wrapper for commerce APIs"

REGRESS = $(shell cat sql/schedule 2>/dev/null)
REGRESS_OPTS = --inputdir=. --load-extension=commerce_fdw

PG_CPPFLAGS = -Isrc -I/usr/include/rapidjson
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-missing-field-initializers -Wno-register
SHLIB_LINK = -lcurl -lstdc++

# No LLVM bitcode (it would need clang); the module is plain C++.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The C++ objects depend on their headers.
$(OBJS): $(wildcard src/*/*.h src/*/*/*.h)
