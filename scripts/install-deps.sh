#!/usr/bin/env bash
# Installs the system libraries Recur builds against (Debian/Ubuntu), when they are missing:
# OpenBLAS for matrix products, ICU for tokenisation, pkg-config to find both, and oneDNN
# for bf16 training (its headers at build time; the library is opened only when used).
set -euo pipefail

if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas icu-i18n \
    && [ -f /usr/include/oneapi/dnnl/dnnl.h ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Recur needs OpenBLAS (pkg-config 'openblas') and ICU (pkg-config 'icu-i18n'), and oneDNN for bf16 training; install them with your package manager." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "Installing libopenblas-dev and libicu-dev needs root: run 'apt-get install -y libopenblas-dev libicu-dev libdnnl-dev pkg-config' as root." >&2
        exit 1
    fi
fi
echo "Installing libopenblas-dev libicu-dev libdnnl-dev pkg-config with apt-get…" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libopenblas-dev libicu-dev libdnnl-dev pkg-config >/dev/null
