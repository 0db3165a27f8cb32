#!/bin/sh
# Writes the seed corpora of the fuzz targets into OUT/<target>/, made
# from the articles in CORPUS (default: the repository's corpus/) and the
# hand-written seeds in tests/fuzz/seeds/.  Article text is never copied
# into the repository: seeds are generated at run time.
# Usage: tests/fuzz/make-seeds.sh OUT [CORPUS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-seeds.sh OUT [CORPUS]}
corpus=${2:-$here/../../corpus}

for t in analyzer passages front_matter query highlight synonyms; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
done

# Every non-empty line of the articles (one paragraph each in these
# files), numbered.
lines=$out/.lines
for f in "$corpus"/*.txt; do
	[ "$(basename "$f")" = synonyms.txt ] || cat "$f"
done | awk 'NF' > "$lines"
n_lines=$(wc -l < "$lines")

# analyzer: byte 0 the language (0 english, 1 none, then the others),
# byte 1 no early stop, then a paragraph.
i=0
while IFS= read -r line; do
	i=$((i + 1))
	lang=$((i % 8 == 0 ? i / 8 % 20 : 0))
	{ printf '%b' "\\$(printf '%03o' "$lang")\\000"; printf '%s' "$line"; } \
		> "$out/analyzer/line-$i"
done < "$lines"

# passages: the articles whole, and runs of a few lines of each.
for f in "$corpus"/*.txt; do
	b=$(basename "$f" .txt)
	[ "$b" = synonyms ] && continue
	cp "$f" "$out/passages/$b"
	total=$(wc -l < "$f")
	s=1
	while [ "$s" -le "$total" ]; do
		sed -n "$s,$((s + 5))p" "$f" > "$out/passages/$b-$s"
		s=$((s + 6))
	done
done

# front_matter: the hand-written blocks, alone and before an article.
for fm in "$here"/seeds/front_matter/*; do
	b=$(basename "$fm")
	cp "$fm" "$out/front_matter/$b"
	for f in "$corpus"/*.txt; do
		{ cat "$fm"; head -n 3 "$f"; } > "$out/front_matter/$b-$(basename "$f" .txt)"
	done
done
for f in "$corpus"/*.txt; do
	head -n 3 "$f" > "$out/front_matter/plain-$(basename "$f" .txt)"
done

# query: the hand-written queries, and the first words of each line.
cp "$here"/seeds/query/* "$out/query/"
awk '{ n = NF < 4 ? NF : 4; s = $1; for (k = 2; k <= n; k++) s = s " " $k;
       printf "%s", s > (dir "/words-" NR); close(dir "/words-" NR) }' \
	dir="$out/query" "$lines"

# highlight: a query, a newline, a paragraph.
set -- "$here"/seeds/query/*
n_q=$#
i=0
while IFS= read -r line; do
	i=$((i + 1))
	k=$((i % n_q + 1))
	q=$(printf '%s\n' "$@" | sed -n "${k}p")
	{ cat "$q"; printf '\n%s' "$line"; } > "$out/highlight/pair-$i"
	# and the line's own first words as the query
	{ printf '%s\n%s' "$(printf '%s' "$line" | cut -d' ' -f1-2)" "$line"; } \
		> "$out/highlight/own-$i"
done < "$lines"

# synonyms: the corpus's synonyms file, and hand-written ones.
[ -f "$corpus/synonyms.txt" ] && cp "$corpus/synonyms.txt" "$out/synonyms/corpus"
cp "$here"/seeds/synonyms/* "$out/synonyms/"

rm -f "$lines"
echo "seeds from $n_lines lines of $corpus in $out"
