#!/bin/sh
# System packages some tests need besides the Python ones (run by `make install`; quiet, idempotent):
# Debian's junit5 gives the JUnit 5 console launcher that tests/tasks/test_write_test.py compiles and runs
# the write-test outputs with (no Maven Central needed). Without root or apt-get it only says what is missing.
JAR=/usr/share/java/junit-platform-console-standalone.jar
[ -f "$JAR" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: $JAR is missing and apt-get is not available: install JUnit 5's console launcher (Debian package junit5) for the write-test tests" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "note: $JAR is missing: run 'apt-get install -y --no-install-recommends junit5' as root for the write-test tests" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends junit5 >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq --no-install-recommends junit5 >/dev/null 2>&1; } \
    || echo "note: installing junit5 with apt-get failed: the write-test tests need $JAR" >&2
exit 0
