#!/bin/sh
# System packages some tests need besides the Python ones (run by `make install`; quiet, idempotent):
# - Debian's junit5 gives the JUnit 5 console launcher that tests/tasks/test_write_test.py compiles and
#   runs the write-test outputs with (no Maven Central needed);
# - Debian's chromium is the headless browser tests/serving/test_ui_browser.py drives through Playwright
#   (its executable_path; `playwright install` and its downloads are not used).
# One apt-get installs whatever is missing. Without root or apt-get it only says what is missing.
JAR=/usr/share/java/junit-platform-console-standalone.jar
MISSING=""
[ -f "$JAR" ] || MISSING="junit5"
command -v chromium >/dev/null 2>&1 || MISSING="$MISSING chromium"
[ -z "$MISSING" ] && exit 0
WHY="the write-test tests need junit5 ($JAR), the /ui browser tests chromium"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: missing$MISSING and apt-get is not available: install them for the tests ($WHY)" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "note: missing$MISSING: run 'apt-get install -y --no-install-recommends$MISSING' as root ($WHY)" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # MISSING is a list of package names
$SUDO apt-get install -y -qq --no-install-recommends $MISSING >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq --no-install-recommends $MISSING >/dev/null 2>&1; } \
    || echo "note: installing$MISSING with apt-get failed: $WHY" >&2
exit 0
