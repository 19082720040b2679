#!/usr/bin/env bash
# Puts Multi30k (task 1, raw text) where the Multi30k recipes read it: corpora/multi30k/.
#
#   corpora/multi30k.sh DIR        # DIR holds train/val/test2016/test2017 .en/.de/.fr
#                                  # (on Recur's machines: ../shared/corpora/multi30k)
#
# Multi30k: English descriptions of Flickr30k images with German (Elliott et al. 2016,
# W16-3210) and French (Elliott et al. 2017, W17-4718) translations, from the public
# repository multi30k/dataset, data/task1/raw. Terms: the repository has no licence file;
# its README says the data derives from Flickr30K, whose images are for non-commercial
# research and educational use. The files are linked, not copied, and never committed.
set -euo pipefail

source_dir=${1:?usage: corpora/multi30k.sh DIR (the directory with train.en, train.de, ...)}
target_dir=$(cd "$(dirname "$0")" && pwd)/multi30k
mkdir -p "$target_dir"
for split in train val test2016 test2017; do
    for language in en de fr; do
        file="$source_dir/$split.$language"
        if [ ! -f "$file" ]; then
            echo "error: $file is missing; pass the directory that holds Multi30k's $split.$language" >&2
            exit 1
        fi
        ln -sf "$(cd "$(dirname "$file")" && pwd)/$split.$language" "$target_dir/$split.$language"
    done
done
echo "Multi30k (Elliott et al. 2016, 2017; Flickr30K-derived, non-commercial research use) linked into $target_dir:"
wc -l "$target_dir"/train.en "$target_dir"/val.en "$target_dir"/test2016.en "$target_dir"/test2017.en | sed 's/^/  /'
