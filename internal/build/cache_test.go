package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
	"github.com/folio-ssg/folio/internal/wire"
)

// cacheSite is a copy of the bundled example and of the New York executive
// orders sample, built with a build cache.
func cacheSite(t *testing.T) (root, cache string) {
	t.Helper()
	root = siteFromFolder(t, filepath.Join("..", "..", "content"), "title: 缓存\nbase_url: https://example.org/a/\n")
	nyc := siteFromFolder(t, filepath.Join("..", "..", "testdata", "nyc-eo"), "")
	if err := os.CopyFS(filepath.Join(root, "content", "eo"), os.DirFS(filepath.Join(nyc, "content"))); err != nil {
		t.Fatal(err)
	}
	return root, filepath.Join(root, ".folio-cache")
}

// runCached builds root into dest with a new Builder, as a new folio
// process would.
func runCached(t *testing.T, root, dest, cache string) *Result {
	t.Helper()
	res, err := New(Config{Source: root, Dest: dest, Theme: folio.Theme(), CacheDir: cache}).Build(context.Background())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return res
}

func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s is missing", what, name)
		} else if g != want[name] {
			t.Errorf("%s: %s differs from a cold build's", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s is extra", what, name)
		}
	}
}

func TestCacheWarmBuildReusesEverythingAndMatchesACold(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	cold := runCached(t, root, dest, cache)
	if cold.Parsed == 0 || cold.Rendered != cold.Pages {
		t.Fatalf("cold build parsed %d files and rendered %d of %d pages", cold.Parsed, cold.Rendered, cold.Pages)
	}
	if _, err := os.Stat(filepath.Join(cache, cacheFile)); err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	want := readTree(t, dest)

	warm := runCached(t, root, dest, cache)
	if warm.Cache != "" {
		t.Fatalf("warm build ignored the cache: %s", warm.Cache)
	}
	if warm.Parsed != 0 || warm.Rendered != 0 || warm.Written != 0 || len(warm.Changed) != 0 {
		t.Errorf("warm build parsed %d, rendered %d, wrote %d, changed %v; want nothing", warm.Parsed, warm.Rendered, warm.Written, warm.Changed)
	}
	if warm.Files != cold.Files || warm.Search.Files != cold.Search.Files {
		t.Errorf("warm build has %d files (%d of search), cold %d (%d)", warm.Files, warm.Search.Files, cold.Files, cold.Search.Files)
	}
	sameTree(t, "warm", readTree(t, dest), want)

	// One document edited: only what shows it is rendered again, and the
	// output is what a cold build without a cache makes.
	doc := filepath.Join(root, "content", "eo", "1975-EO-040.md")
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte(strings.Replace(string(src), "\n---\n", "\n---\n缓存测试的新段落。\n\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	edit := runCached(t, root, dest, cache)
	if edit.Parsed != 1 {
		t.Errorf("after one edit the build parsed %d files, want 1", edit.Parsed)
	}
	if edit.Rendered == 0 || edit.Rendered > cold.Pages/4 {
		t.Errorf("after one edit the build rendered %d of %d pages", edit.Rendered, cold.Pages)
	}
	ref := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Source: root, Dest: ref, Theme: folio.Theme()}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "after an edit", readTree(t, dest), readTree(t, ref))
	if got := readTree(t, dest)["eo/1975-EO-040/index.html"]; !strings.Contains(got, "缓存测试的新段落") {
		t.Errorf("the edited document's page lacks its new paragraph")
	}
}

func TestCacheThatCannotBeTrustedIsIgnored(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	runCached(t, root, dest, cache)
	want := readTree(t, dest)
	good, err := os.ReadFile(filepath.Join(cache, cacheFile))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		b = slices.Clone(b)
		b[i] ^= 0x20
		return b
	}
	for _, c := range []struct {
		name, why string
		data      []byte
	}{
		{"a flipped byte in the middle", "damaged", flip(good, len(good)/2)},
		{"a flipped byte in the checksum", "damaged", flip(good, len(good)-1)},
		{"truncated", "damaged", good[:len(good)*2/3]},
		{"empty", "not a folio build cache", nil},
		{"another format", "not a folio build cache", append([]byte("folio build cache 0\n"), good[len(cacheMagic):]...)},
		{"from another executable", "another folio executable", withSum(flip(good[:len(good)-32], len(cacheMagic)+3))},
		// Known from its start: the rest is not read.
		{"from another executable, and damaged", "another folio executable", flip(flip(good, len(cacheMagic)+3), len(good)/2)},
		{"checksummed garbage", "cannot decode", withSum(append(slices.Clone(good[:len(cacheMagic)+32]), "\x07garbage"...))},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(cache, cacheFile), c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := runCached(t, root, dest, cache)
			if !strings.Contains(res.Cache, c.why) {
				t.Errorf("Result.Cache = %q, want it to say %q", res.Cache, c.why)
			}
			if res.Parsed == 0 || res.Rendered != res.Pages {
				t.Errorf("an untrusted cache was used: parsed %d, rendered %d of %d pages", res.Parsed, res.Rendered, res.Pages)
			}
			sameTree(t, c.name, readTree(t, dest), want)
			// The build replaced it with a good one.
			if res := runCached(t, root, dest, cache); res.Cache != "" || res.Parsed != 0 {
				t.Errorf("the cache was not replaced: %q, parsed %d", res.Cache, res.Parsed)
			}
		})
	}
}

// withSum appends body's checksum, as writeCache does.
func withSum(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(body, sum[:]...)
}

func TestCacheOutputChangedOrMovedIsWrittenAnew(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	runCached(t, root, dest, cache)
	want := readTree(t, dest)

	// A page of the output edited by hand is replaced; the documents'
	// parse is still reused.
	page := filepath.Join(dest, "eo", "1975-EO-040", "index.html")
	if err := os.WriteFile(page, []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCached(t, root, dest, cache)
	if res.Parsed != 0 {
		t.Errorf("parsed %d files, want the cache's", res.Parsed)
	}
	sameTree(t, "hand-edited page", readTree(t, dest), want)

	// Another destination: everything is written, nothing parsed.
	other := filepath.Join(t.TempDir(), "site")
	res = runCached(t, root, other, cache)
	if res.Parsed != 0 || res.Rendered != res.Pages {
		t.Errorf("new destination: parsed %d, rendered %d of %d", res.Parsed, res.Rendered, res.Pages)
	}
	sameTree(t, "new destination", readTree(t, other), want)
}

func TestCacheFolderInsideTheOutputIsRefused(t *testing.T) {
	t.Parallel()
	root, _ := cacheSite(t)
	dest := filepath.Join(root, "public")
	_, err := New(Config{Source: root, Dest: dest, Theme: folio.Theme(), CacheDir: filepath.Join(dest, "cache")}).Build(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cache folder") {
		t.Errorf("err = %v, want the cache folder refused", err)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Errorf("the refused build wrote %s", dest)
	}
}

func TestCacheLeftoversOfAKilledWriteAreRemoved(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	left := filepath.Join(cache, cacheFile+".tmp-123")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(left, []byte("half a cache"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A body file a killed compaction was writing.
	if err := os.WriteFile(filepath.Join(cache, bodyFilePrefix+"7"), []byte("<p>half a body"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCached(t, root, filepath.Join(t.TempDir(), "public"), cache)
	if _, err := os.Stat(left); err == nil {
		t.Error("a killed write's temporary file is still there")
	}
	// The quick record is there too when the site's files were copied
	// more than the racy margin before the build began (quick.go), which
	// depends on how busy the machine is.
	var names []string
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if e.Name() != quickFile {
			names = append(names, e.Name())
		}
	}
	if want := []string{bodyFilePrefix + "1", cacheFile}; !slices.Equal(names, want) {
		t.Errorf("cache folder holds %v (and perhaps %s), want %v", names, quickFile, want)
	}
}

// A file the previous output holds and the same build overrides (the
// site's static/style.css over the theme's) reaches the output only on
// commit: the previous output keeps its bytes through a build that fails.
func TestOverriddenFileLeavesThePreviousOutput(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	theme := s.file("style.css")
	s.write("static/style.css", "body { color: red }\n")
	s.write("templates/partials/crumbs.html", `{{define "crumbs"}}{{.Page.Nope}}{{end}}`)
	if s.tryBuild(); s.err == nil {
		t.Fatal("a broken template built")
	}
	if got := s.file("style.css"); got != theme {
		t.Errorf("a failed build changed the previous output's style.css to %q", excerpt(got))
	}
	s.remove("templates/partials/crumbs.html")
	s.build()
	if got := s.file("style.css"); got != "body { color: red }\n" {
		t.Errorf("style.css = %q, want the site's", excerpt(got))
	}
}

// stat is the file's FileInfo, which os.SameFile compares: a file written
// anew is another file, a hard link to it the same.
func stat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// A build with a trusted cache writes only the files that changed and
// links the others from the previous output; one that changed nothing
// leaves the output folder as it is; a file of the output edited by hand
// is found by its modification time even when its size is the same.
func TestCacheWarmBuildWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	runCached(t, root, dest, cache)
	folder := stat(t, dest)
	res := runCached(t, root, dest, cache)
	if res.Written != 0 || !os.SameFile(stat(t, dest), folder) {
		t.Errorf("an unchanged build wrote %d files, replaced the folder: %v", res.Written, !os.SameFile(stat(t, dest), folder))
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".public.tmp-*")); len(left) > 0 {
		t.Errorf("an unchanged build left %v", left)
	}

	unchanged := filepath.Join(dest, "interpretations", "最高人民法院关于知识产权法庭若干问题的规定", "index.html")
	before := stat(t, unchanged)
	doc := filepath.Join(root, "content", "eo", "1975-EO-040.md")
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte(strings.Replace(string(src), "\n---\n", "\n---\n只写改动的新段落。\n\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	res = runCached(t, root, dest, cache)
	if res.Written == 0 || res.Written > res.Files/4 {
		t.Errorf("wrote %d of %d files", res.Written, res.Files)
	}
	if os.SameFile(stat(t, dest), folder) {
		t.Error("a build that changed files did not swap in a new tree")
	}
	if !os.SameFile(stat(t, unchanged), before) {
		t.Error("an unchanged page was written again, not linked")
	}
	ref := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Source: root, Dest: ref, Theme: folio.Theme()}); err != nil {
		t.Fatal(err)
	}
	want := readTree(t, ref)
	sameTree(t, "after an edit", readTree(t, dest), want)

	// A page edited by hand to bytes of the same size, after the build:
	// only its modification time tells, and it is written anew.
	page := filepath.Join(dest, "eo", "1974-EO-002", "index.html")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, []byte(strings.Replace(string(data), "<", "[", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(page, later, later); err != nil {
		t.Fatal(err)
	}
	res = runCached(t, root, dest, cache)
	if res.Written != 1 {
		t.Errorf("after a hand edit the build wrote %d files, want the edited page", res.Written)
	}
	sameTree(t, "hand-edited page", readTree(t, dest), want)
}

// A new process does not read again the content files stat shows
// unchanged since they were read; a file whose bytes changed is read,
// even with its size and modification time put back (its change time
// tells), and so is one changed too close to its read to tell (the racy
// margin), or one read with other settings. Not parallel: it sets
// racyMargin.
func TestCacheTrustsStatOnlyWhereItTells(t *testing.T) {
	if _, ok := statOf(stat(t, ".")); !ok {
		t.Skip("no change time from stat here: every file is read")
	}
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	defer func(m int64) { racyMargin = m }(racyMargin)
	racyMargin = int64(time.Hour) // every file changed within the hour: none trusted
	first := runCached(t, root, dest, cache)
	if first.Read == 0 {
		t.Fatal("a cold build read no file")
	}
	if res := runCached(t, root, dest, cache); res.Read != first.Read {
		t.Errorf("with every file inside the racy margin, a build read %d of %d files", res.Read, first.Read)
	}
	racyMargin = 0 // the files read then are older than their read now
	if res := runCached(t, root, dest, cache); res.Read != 0 || res.Parsed != 0 {
		t.Errorf("an unchanged build read %d files and parsed %d, want none", res.Read, res.Parsed)
	}

	// Same size, same modification time, other bytes.
	doc := filepath.Join(root, "content", "eo", "1975-EO-040.md")
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	fi := stat(t, doc)
	edited := []byte(strings.Replace(string(src), "New York", "New Yorq", 1))
	if len(edited) != len(src) || string(edited) == string(src) {
		t.Fatal("the edit does not keep the size")
	}
	time.Sleep(20 * time.Millisecond) // a change time after the one recorded
	if err := os.WriteFile(doc, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(doc, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if res := runCached(t, root, dest, cache); res.Read != 1 || res.Parsed != 1 {
		t.Errorf("after an edit that kept size and time, a build read %d files and parsed %d, want 1 and 1", res.Read, res.Parsed)
	}
	ref := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Source: root, Dest: ref, Theme: folio.Theme()}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "after an edit that kept size and time", readTree(t, dest), readTree(t, ref))

	// Other settings: every file read and parsed again.
	cfg := filepath.Join(root, "folio.yaml")
	y, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(y, "timezone: Asia/Tokyo\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := runCached(t, root, dest, cache); res.Read != first.Read || res.Parsed != first.Read {
		t.Errorf("after a new time zone, a build read %d and parsed %d of %d files", res.Read, res.Parsed, first.Read)
	}
}

// The cache's two streams, decoded at once, give back what was written,
// however the content files fall between them.
func TestCacheStreamsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, 3, 2*cacheChunkLen + 5} {
		c := &cacheData{Files: map[string]cachedFile{}, Sums: map[string][32]byte{}, Sizes: map[string]int64{}, Pages: map[string]pageRec{},
			Dest: "/out", Keys: []string{"dcontent/a.md", "S\x00count\x00"}, URLs: map[string]string{}, Bodies: "bodies-1"}
		if n == 3 {
			// A record larger than the stream's buffer (frameBuffer).
			c.Files["content/long.md"] = cachedFile{Doc: &content.Stored{Doc: content.Doc{Path: "content/long.md", Summary: strings.Repeat("字", frameBuffer)}}}
		}
		for i := range n {
			p := fmt.Sprintf("content/%05d.md", i)
			c.Files[p] = cachedFile{Sum: digest(sha256.Sum256([]byte(p))), Units: i, Stamped: "s"}
			c.URLs[p] = fmt.Sprintf("/%d/", i)
			// keys out of order, more than a chunk of them
			c.Keys = append(c.Keys, fmt.Sprintf("d%s\x00title", p), fmt.Sprintf("a%05d", n-i))
		}
		for i := range n + cacheChunkLen {
			name := fmt.Sprintf("%d/index.html", i)
			c.Sums[name], c.Sizes[name] = sha256.Sum256([]byte(name)), int64(i)
			if i%3 == 0 {
				c.Pages[name] = pageRec{Stamp: pageStamp(sha256.Sum256([]byte("p" + name))), Deps: []uint32{uint32(i), 1}}
			}
		}
		dir := t.TempDir()
		if err := writeCache(dir, c); err != nil {
			t.Fatal(err)
		}
		got, err := readCache(dir)
		if err != nil {
			t.Fatalf("%d files: %v", n, err)
		}
		// The checksum read back is the file's own.
		data, err := os.ReadFile(filepath.Join(dir, cacheFile))
		if err != nil {
			t.Fatal(err)
		}
		if got.sum != [32]byte(data[len(data)-32:]) {
			t.Errorf("%d files: checksum %x, the file ends with %x", n, got.sum, data[len(data)-32:])
		}
		got.sum = [32]byte{}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%d files: read back %d files, %d outputs, %d pages, keys %q; want %d, %d, %d, %q", n, len(got.Files), len(got.Sums), len(got.Pages), got.Keys, len(c.Files), len(c.Sums), len(c.Pages), c.Keys)
		}
	}
}

// Each part of the cache has one place in its streams: what is elsewhere
// is refused, though no checksum would tell (only folio writes them).
func TestCacheStreamsOutOfPlaceAreRefused(t *testing.T) {
	t.Parallel()
	head := &cacheChunk{Head: &cacheData{Dest: "/out"}}
	keys := &cacheChunk{Keys: []string{"k"}}
	urls := &cacheChunk{URLs: []urlEntry{{"content/a.md", "/a/"}}}
	files := &cacheChunk{Files: []fileEntry{{"content/a.md", cachedFile{Units: 1}}}}
	stream := func(chunks ...*cacheChunk) *bytes.Buffer {
		var b bytes.Buffer
		enc := &chunkEncoder{w: &b}
		for _, c := range chunks {
			if err := enc.writeChunk(c); err != nil {
				t.Fatal(err)
			}
		}
		return &b
	}
	decode := func(a, b *bytes.Buffer) (*cacheData, error) {
		return decodeCache(a, b, int64(a.Len()), int64(b.Len()))
	}
	if c, err := decode(stream(files, keys, urls, head), stream(files)); err != nil || len(c.Keys) != 1 || c.URLs["content/a.md"] != "/a/" {
		t.Fatalf("a cache as written: %v, %+v", err, c)
	}
	// Counts are a hint, held to what the stream's length can hold: a
	// damaged one asks for no more memory than that.
	huge := &cacheChunk{Counts: &cacheCounts{Files: 1 << 40, Outputs: 1 << 40, Pages: 1 << 40, Keys: 1 << 40, URLs: 1 << 40}}
	if c, err := decode(stream(huge, files, keys, urls, head), stream(huge, files)); err != nil || len(c.Files) != 1 || len(c.Keys) != 1 {
		t.Fatalf("a cache with damaged counts: %v, %+v", err, c)
	}
	for _, tc := range []struct {
		name string
		a, b *bytes.Buffer
	}{
		{"no record", stream(files, keys), stream()},
		{"a record in the second stream", stream(head), stream(head)},
		{"a chunk after the record", stream(head, files), stream()},
		{"keys in the second stream", stream(head), stream(keys)},
		{"URLs in the second stream", stream(head), stream(urls)},
		{"keys in the record", stream(&cacheChunk{Head: &cacheData{Keys: []string{"k"}}}), stream()},
		{"a frame of an unknown kind", stream(head), bytes.NewBufferString("x\x00")},
		{"a frame cut short", stream(files, head), bytes.NewBufferString("f\x05abc")},
		{"a frame longer than its stream", stream(head), bytes.NewBufferString("f\xff\xff\xff\xff\x0f")},
		{"a record that is not as written", stream(head), bytes.NewBufferString("f\x01\xff")},
	} {
		if _, err := decode(tc.a, tc.b); err == nil {
			t.Errorf("%s: decoded, want an error", tc.name)
		}
	}
}

// A build after an edit makes the search index again from the last one
// (search.Update): only the edited document's entries are made anew, and
// the index is a cold build's. A file of the last index changed by hand is
// never trusted: a shard or part makes the whole index again, a text
// segment its document.
func TestCacheSearchIndexIsUpdated(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	first := runCached(t, root, dest, cache)
	if first.Search.Docs < 20 {
		t.Fatalf("the site has %d documents in its index: too few to tell", first.Search.Docs)
	}
	n := 0
	edit := func(file string) {
		t.Helper()
		n++
		p := filepath.Join(root, "content", "eo", file)
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, fmt.Appendf(src, "\n第%d次追加的段落：数据安全。\n", n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cold := func(what string) {
		t.Helper()
		ref := filepath.Join(t.TempDir(), "public")
		if _, err := Build(context.Background(), Config{Source: root, Dest: ref, Theme: folio.Theme()}); err != nil {
			t.Fatal(err)
		}
		sameTree(t, what, readTree(t, dest), readTree(t, ref))
	}
	tamper := func(name string) {
		t.Helper()
		p := filepath.Join(dest, filepath.FromSlash(name))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)-1] ^= 1
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(2 * time.Second)
		if err := os.Chtimes(p, later, later); err != nil {
			t.Fatal(err)
		}
	}

	// textOf names the first text segment of the document at url.
	textOf := func(url string) string {
		t.Helper()
		chunks, err := filepath.Glob(filepath.Join(dest, "search", "d", "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			b, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			var docs [][]any
			if err := json.Unmarshal(b, &docs); err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				if d[0] == url && len(d) == 5 {
					return fmt.Sprintf("search/t/%s.0.txt", d[4])
				}
			}
		}
		t.Fatalf("no document %s with text in the search index", url)
		return ""
	}
	for _, step := range []struct {
		what, tamper, edit string
		made               int // documents whose entries are made again; -1: all
	}{
		{"after an edit", "", "1975-EO-040.md", 1},
		{"after a text segment changed by hand", textOf("/eo/1975-EO-040/"), "1974-EO-002.md", 2},
		{"after a shard changed by hand", "search/p/0.bin", "1975-EO-040.md", -1},
	} {
		if step.tamper != "" {
			tamper(step.tamper)
		}
		edit(step.edit)
		res := runCached(t, root, dest, cache)
		want := res.Search.Docs - step.made
		if step.made < 0 {
			want = 0
		}
		if res.Search.Reused != want {
			t.Errorf("%s: %d of %d documents' entries reused, want %d", step.what, res.Search.Reused, res.Search.Docs, want)
		}
		cold(step.what)
	}

	// A new document with the newest date is numbered after the others,
	// which keep their entries: an archive taking the day's articles.
	if err := os.WriteFile(filepath.Join(root, "content", "eo", "new.md"), []byte("---\ntitle: 新的文件\ndate: 2026-01-01\n---\n新的正文。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCached(t, root, dest, cache)
	if res.Search.Reused != first.Search.Docs || res.Search.Docs != first.Search.Docs+1 {
		t.Errorf("after a document was added with the newest date, %d of %d documents' entries reused, want %d", res.Search.Reused, res.Search.Docs, first.Search.Docs)
	}
	cold("after a document was added with the newest date")

	// One older than all the others is numbered before every dated
	// document, which are all numbered anew: their entries are still
	// reused, under their new numbers, and their text segments kept where
	// they are: the new document's is the only one written.
	if err := os.WriteFile(filepath.Join(root, "content", "eo", "oldest.md"), []byte("---\ntitle: 最早的文件\ndate: 1900-01-01\n---\n最早的正文。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = runCached(t, root, dest, cache)
	if res.Search.Reused != first.Search.Docs+1 || res.Search.Docs != first.Search.Docs+2 {
		t.Errorf("after the oldest document was added, %d of %d documents' entries reused, want %d", res.Search.Reused, res.Search.Docs, first.Search.Docs+1)
	}
	var texts []string
	for _, name := range res.Changed {
		if strings.HasPrefix(name, "search/t/") {
			texts = append(texts, name)
		}
	}
	if len(texts) != 1 {
		t.Errorf("after the oldest document was added, %d text segments written, want its one: %v", len(texts), texts)
	}
	cold("after the oldest document was added")
}

// A build that fails after it began writing the cache (the content files
// are written while it renders) leaves the cache as it was, and nothing
// beside it.
func TestCacheFailedBuildLeavesItAsItWas(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	runCached(t, root, dest, cache)
	before, err := os.ReadFile(filepath.Join(cache, cacheFile))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(root, "content", "eo", "1975-EO-040.md")
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, append(src, "\n失败的构建之前的新段落。\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(root, "templates", "doc.html")
	if err := os.MkdirAll(filepath.Dir(tmpl), 0o755); err != nil {
		t.Fatal(err)
	}
	// Parsed, but fails on every document it renders.
	if err := os.WriteFile(tmpl, []byte(`{{template "base" .}}{{define "main"}}{{index .Page.Doc.Params.nothing 1}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := New(Config{Source: root, Dest: dest, Theme: folio.Theme(), CacheDir: cache}).Build(context.Background())
	if err == nil || !strings.Contains(err.Error(), "index of untyped nil") {
		t.Fatalf("build = %v, want it to fail rendering", err)
	}
	if res != nil {
		t.Errorf("a failed build gave a result: %+v", res)
	}
	after, err := os.ReadFile(filepath.Join(cache, cacheFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, before) {
		t.Error("a failed build changed the cache")
	}
	if left, _ := filepath.Glob(filepath.Join(cache, cacheFile+".tmp-*")); len(left) > 0 {
		t.Errorf("a failed build left %q", left)
	}

	// The cache is still trusted: the edited file is parsed again, no other.
	if err := os.Remove(tmpl); err != nil {
		t.Fatal(err)
	}
	res = runCached(t, root, dest, cache)
	if res.Cache != "" || res.Parsed != 1 {
		t.Errorf("after the failed build: cache %q, parsed %d, want 1", res.Cache, res.Parsed)
	}
	ref := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Source: root, Dest: ref, Theme: folio.Theme()}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "after a failed build", readTree(t, dest), readTree(t, ref))
}

// Every field of a content file's record comes back as it went, and a
// record cut short or run on is refused, never a panic: a field added to
// cachedFile and not to fileEntry's codec fails here. Each field is given
// a value unlike its zero value, by its type.
func TestCacheRecordsRoundTrip(t *testing.T) {
	t.Parallel()
	doc, errs := content.Parse("content/2025/a.md", []byte("---\ntitle: 关于进一步优化营商环境的意见\ndate: 2025年4月27日\ntags: [营商环境]\n---\n正文。\n"), content.Config{Location: time.UTC})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	stored, ok := doc.Store()
	if !ok {
		t.Fatal("not storable")
	}
	var f cachedFile
	n := 0
	var fill func(v reflect.Value, name string)
	fill = func(v reflect.Value, name string) {
		n++
		switch v.Kind() {
		case reflect.String:
			v.SetString(fmt.Sprintf("%s %d 国务院", name, n))
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64, reflect.Int32:
			v.SetInt(int64(-1000 * n))
		case reflect.Uint64, reflect.Uint32, reflect.Uint8:
			v.SetUint(uint64(n))
		case reflect.Array:
			for i := range v.Len() {
				fill(v.Index(i), name)
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range v.Len() {
				fill(v.Index(i), name)
			}
		case reflect.Pointer:
			if v.Type() == reflect.TypeFor[*content.Stored]() {
				v.Set(reflect.ValueOf(&stored))
				return
			}
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), name)
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					fill(v.Field(i), name+"."+v.Type().Field(i).Name)
				}
			}
		default:
			t.Fatalf("%s is a %s: give it a value here, and add it to fileEntry's codec", name, v.Type())
		}
	}
	fill(reflect.ValueOf(&f).Elem(), "cachedFile")
	for _, in := range []fileEntry{{"content/2025/a.md", f}, {"content/b.md", cachedFile{Links: []site.Link{}, Removed: []string{}, Section: &site.SectionInfo{Intro: []byte{}}}}, {}} {
		var w wire.Writer
		if err := in.encode(&w); err != nil {
			t.Fatal(err)
		}
		b := w.Record(nil)
		var back fileEntry
		if err := back.decode(b); err != nil {
			t.Fatalf("%s: %v", in.Path, err)
		}
		if !reflect.DeepEqual(back, in) {
			g, w := reflect.ValueOf(back.File), reflect.ValueOf(in.File)
			for i := range g.NumField() {
				if g.Type().Field(i).IsExported() && !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
					t.Errorf("%s: %s: round trip gave %#v, want %#v", in.Path, g.Type().Field(i).Name, g.Field(i).Interface(), w.Field(i).Interface())
				}
			}
		}
		for i := range b {
			if err := new(fileEntry).decode(b[:i]); err == nil {
				t.Errorf("%s: %d of %d bytes decoded", in.Path, i, len(b))
			}
		}
		if err := new(fileEntry).decode(append(b, 0)); err == nil {
			t.Errorf("%s: a byte after the record decoded", in.Path)
		}
	}

	sums := sumEntries{{"index.html", digest(sha256.Sum256([]byte("a"))), 7}, {"新闻/index.html", digest{}, 0}}
	pages := pageEntries{{"index.html", pageRec{Stamp: pageStamp(sha256.Sum256([]byte("p"))), Deps: []uint32{0, 1 << 31, 7}}}, {"a/index.html", pageRec{Deps: []uint32{}}}, {"b/index.html", pageRec{}}}
	keys := keyList{"dcontent/a.md\x00title", "", "标签"}
	urls := urlEntries{{"content/a.md", "/a/"}, {"content/新闻.md", "/新闻/"}}
	type entries interface{ encode(*wire.Writer) }
	for _, l := range []entries{sums, pages, keys, urls} {
		var w wire.Writer
		l.encode(&w)
		b := w.Record(nil)
		decoder := func() (reflect.Value, interface{ decode([]byte) error }) {
			v := reflect.New(reflect.TypeOf(l))
			return v, v.Interface().(interface{ decode([]byte) error })
		}
		back, dec := decoder()
		if err := dec.decode(b); err != nil {
			t.Fatalf("%T: %v", l, err)
		}
		if !reflect.DeepEqual(back.Elem().Interface(), l) {
			t.Errorf("%T: round trip gave %#v, want %#v", l, back.Elem().Interface(), l)
		}
		for i := range b {
			if _, dec := decoder(); dec.decode(b[:i]) == nil {
				t.Errorf("%T: %d of %d bytes decoded", l, i, len(b))
			}
		}
	}
}
