package build

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/folio-ssg/folio"
)

// quickSite is part of the bundled example with a draft, an asset in
// content/, a template and a static file of its own, and a build cache;
// its files are old enough for their stats to be trusted (racyMargin).
func quickSite(t *testing.T) (root, cache string) {
	t.Helper()
	root = siteFromFolder(t, filepath.Join("..", "..", "content"), "title: 快速\nbase_url: https://example.org/q/\n")
	// A few of its documents (a law, the seed article, English executive
	// orders) keep each of the many builds below quick.
	for _, dir := range []string{"interpretations", "notes", "laws/administrative", "laws/constitutional", "laws/economic", "laws/social"} {
		if err := os.RemoveAll(filepath.Join(root, "content", filepath.FromSlash(dir))); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{
		"content/laws/草稿.md":  "---\ntitle: 未完成的草稿\ndate: 2025年4月27日\ndraft: true\n---\n草稿正文。\n",
		"content/laws/附件.pdf": "an attachment published as it is\n",
		"templates/404.html":  themeFile(t, "templates/404.html") + "<!-- 本站的 404 -->\n",
		"static/extra.css":    "body { color: #111 }\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, root)
	return root, filepath.Join(root, ".folio-cache")
}

// themeFile is the default theme's file name, as text.
func themeFile(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(folio.Theme(), name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// settle waits until every file changed so far under root is older than
// the racy margin, so that the next build trusts its stat: the coarse one
// where the file system gives whole seconds.
func settle(t *testing.T, root string) {
	t.Helper()
	margin := racyMargin
	if fi, err := os.Stat(filepath.Join(root, "static", "extra.css")); err != nil {
		t.Fatal(err)
	} else if fi.ModTime().Nanosecond() == 0 {
		margin = racyMarginCoarse
	}
	time.Sleep(time.Duration(margin) + 20*time.Millisecond)
}

func buildWith(t *testing.T, cfg Config) *Result {
	t.Helper()
	if cfg.Theme == nil {
		cfg.Theme = folio.Theme()
	}
	res, err := New(cfg).Build(context.Background())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return res
}

// A second build of a site that has not changed finds it so from the
// quick record, changes nothing, and reports what a build that reads
// the whole cache reports.
func TestQuickUnchangedBuildDoesNothing(t *testing.T) {
	t.Parallel()
	root, cache := quickSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	cfg := Config{Source: root, Dest: dest, CacheDir: cache}
	cold := buildWith(t, cfg)
	if cold.Unchanged {
		t.Fatal("a cold build says it found the site unchanged")
	}
	if _, err := os.Stat(filepath.Join(cache, quickFile)); err != nil {
		t.Fatalf("no quick record after a cold build: %v", err)
	}
	want := readTree(t, dest)
	folder := stat(t, dest)

	quick := buildWith(t, cfg)
	if !quick.Unchanged {
		t.Fatal("an unchanged site was built again")
	}
	if quick.Parsed != 0 || quick.Read != 0 || quick.Rendered != 0 || quick.Written != 0 || len(quick.Changed) != 0 {
		t.Errorf("an unchanged build parsed %d, read %d, rendered %d, wrote %d files", quick.Parsed, quick.Read, quick.Rendered, quick.Written)
	}
	if !os.SameFile(stat(t, dest), folder) {
		t.Error("an unchanged build replaced the output folder")
	}
	sameTree(t, "unchanged", readTree(t, dest), want)

	// The whole cache read, the site assembled and every stamp checked:
	// the same report.
	if err := os.Remove(filepath.Join(cache, quickFile)); err != nil {
		t.Fatal(err)
	}
	full := buildWith(t, cfg)
	if full.Unchanged || full.Written != 0 {
		t.Fatalf("without the quick record: unchanged %v, wrote %d files", full.Unchanged, full.Written)
	}
	for _, r := range []*Result{quick, full} {
		r.Duration, r.Phases, r.Unchanged = 0, nil, false
	}
	if !reflect.DeepEqual(quick, full) {
		t.Errorf("an unchanged build reports\n%+v\nthe full build\n%+v", quick, full)
	}
	if quick.Drafts == 0 || len(quick.Assets) != 1 || quick.Docs == 0 || quick.Search.Docs == 0 {
		t.Errorf("an unchanged build reports %d drafts, assets %v, %d documents, %d indexed", quick.Drafts, quick.Assets, quick.Docs, quick.Search.Docs)
	}
	// And the full build wrote the record again.
	if res := buildWith(t, cfg); !res.Unchanged {
		t.Error("the quick record was not written again")
	}
}

// Any change to what a build reads or to what it wrote is found: the
// build goes on as usual and makes what a cold build makes; the build
// after it finds the site unchanged again.
func TestQuickRecordIsNotTakenAfterAChange(t *testing.T) {
	t.Parallel()
	write := func(rel, data string) func(t *testing.T, root, dest, cache string) {
		return func(t *testing.T, root, dest, cache string) {
			p := filepath.Join(root, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	edit := func(rel, old, new string) func(t *testing.T, root, dest, cache string) {
		return func(t *testing.T, root, dest, cache string) {
			p := filepath.Join(root, filepath.FromSlash(rel))
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), old) {
				t.Fatalf("%s holds no %q", rel, old)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(rel string) func(t *testing.T, root, dest, cache string) {
		return func(t *testing.T, root, dest, cache string) {
			if err := os.Remove(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
				t.Fatal(err)
			}
		}
	}
	// An output file edited by hand to bytes of the same size: only its
	// modification time tells.
	handEdit := func(t *testing.T, root, dest, cache string) {
		page := filepath.Join(dest, "index.html")
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
	}
	flip := func(name string) func(t *testing.T, root, dest, cache string) {
		return func(t *testing.T, root, dest, cache string) {
			if name == bodyFilePrefix {
				m, _ := filepath.Glob(filepath.Join(cache, bodyFilePrefix+"*"))
				if len(m) != 1 {
					t.Fatalf("body files %v", m)
				}
				name = filepath.Base(m[0])
			}
			p := filepath.Join(cache, name)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)/2] ^= 0x20
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	doc := "content/laws/criminal/刑法修正案六.md"
	for _, c := range []struct {
		name   string
		change func(t *testing.T, root, dest, cache string)
		cfg    func(*testing.T, *Config)
		warned string // what Result.Cache says, if anything
	}{
		{name: "a document edited", change: edit(doc, "\n---\n", "\n---\n快速记录之后的新段落。\n\n")},
		{name: "a document touched", change: func(t *testing.T, root, dest, cache string) {
			later := time.Now().Add(time.Second)
			if err := os.Chtimes(filepath.Join(root, doc), later, later); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a document added", change: write("content/laws/新文件.md", "---\ntitle: 新文件\ndate: 二〇二五年四月二十七日\n---\n新的正文。\n")},
		{name: "a document removed", change: remove(doc)},
		{name: "a section's _index.md edited", change: write("content/laws/_index.md", "---\ntitle: 法律（改）\n---\n")},
		{name: "an asset edited", change: write("content/laws/附件.pdf", "another attachment\n")},
		{name: "an asset added", change: write("content/laws/附件二.pdf", "a second attachment\n")},
		{name: "a site template edited", change: edit("templates/404.html", "本站的 404", "本站改过的 404")},
		{name: "a site template added", change: func(t *testing.T, root, dest, cache string) {
			write("templates/partials/pager.html", themeFile(t, "templates/partials/pager.html")+"<!-- 本站的翻页 -->\n")(t, root, dest, cache)
		}},
		{name: "a static file edited", change: write("static/extra.css", "body { color: #222 }\n")},
		{name: "a static file added", change: write("static/robots.txt", "User-agent: *\n")},
		{name: "folio.yaml edited", change: write("folio.yaml", "title: 快速（改）\nbase_url: https://example.org/q/\n")},
		{name: "drafts", cfg: func(_ *testing.T, c *Config) { c.Drafts = true }},
		{name: "another base URL", cfg: func(_ *testing.T, c *Config) { c.BaseURL = "https://example.com/other/" }},
		{name: "a source date", cfg: func(_ *testing.T, c *Config) { c.SourceDate = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }},
		{name: "another theme", cfg: func(t *testing.T, c *Config) {
			theme := fstest.MapFS{}
			fs.WalkDir(folio.Theme(), ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					data, _ := fs.ReadFile(folio.Theme(), p)
					theme[p] = &fstest.MapFile{Data: data}
				}
				return err
			})
			// One byte of the style sheet: the same files, of the same sizes.
			css := theme["static/style.css"].Data
			i := strings.IndexByte(string(css), '{')
			css[i-1] = '\t'
			if string(css) == themeFile(t, "static/style.css") {
				t.Fatal("the theme's style sheet is as it was")
			}
			c.Theme = theme
		}},
		{name: "an output file edited by hand", change: handEdit},
		{name: "an output file removed", change: func(t *testing.T, root, dest, cache string) {
			if err := os.Remove(filepath.Join(dest, "index.html")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "the cache file damaged", change: flip(cacheFile), warned: "damaged"},
		{name: "the body file damaged", change: flip(bodyFilePrefix), warned: "body file"},
		{name: "the quick record damaged", change: flip(quickFile)},
		{name: "the quick record removed", change: func(t *testing.T, root, dest, cache string) {
			if err := os.Remove(filepath.Join(cache, quickFile)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			root, cache := quickSite(t)
			dest := filepath.Join(t.TempDir(), "public")
			cfg := Config{Source: root, Dest: dest, CacheDir: cache}
			buildWith(t, cfg)
			if res := buildWith(t, cfg); !res.Unchanged {
				t.Fatal("the build after a cold one did not find the site unchanged")
			}
			if c.change != nil {
				c.change(t, root, dest, cache)
			}
			if c.cfg != nil {
				c.cfg(t, &cfg)
			}
			settle(t, root) // so that this build may write a record of its own
			res := buildWith(t, cfg)
			if res.Unchanged {
				t.Fatal("the change went unseen: the build did nothing")
			}
			if !strings.Contains(res.Cache, c.warned) {
				t.Errorf("Result.Cache = %q, want it to say %q", res.Cache, c.warned)
			}
			ref := cfg
			ref.Dest, ref.CacheDir = filepath.Join(t.TempDir(), "public"), ""
			buildWith(t, ref)
			sameTree(t, c.name, readTree(t, dest), readTree(t, ref.Dest))
			if res := buildWith(t, cfg); !res.Unchanged {
				t.Error("the build after the change found the site changed again")
			}
		})
	}
}

// A build that began within the racy margin of a change to one of its
// inputs writes no quick record: the bytes it read may not be the ones
// the stat it would record describes. Not parallel: it sets racyMargin.
func TestQuickRecordIsNotWrittenWhereStatCannotTell(t *testing.T) {
	root, cache := quickSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	cfg := Config{Source: root, Dest: dest, CacheDir: cache}
	defer func(m int64) { racyMargin = m }(racyMargin)
	racyMargin = int64(time.Hour)
	buildWith(t, cfg)
	if _, err := os.Stat(filepath.Join(cache, quickFile)); err == nil {
		t.Error("a quick record was written with every file inside the racy margin")
	}
	if res := buildWith(t, cfg); res.Unchanged {
		t.Error("a build took a quick record it should not have found")
	}
	racyMargin = 0
	buildWith(t, cfg)
	if res := buildWith(t, cfg); !res.Unchanged {
		t.Error("with every file outside the racy margin, an unchanged site was built again")
	}
}

// The record's numbers come back as written, negative and large ones
// too; bytes that are not whole numbers are refused.
func TestQuickNumbersRoundTrip(t *testing.T) {
	t.Parallel()
	want := ints{0, 1, -1, 1 << 62, -1 << 63, 1_764_633_600_123_456_789}
	b := want.bytes()
	if got, err := intsOf(b); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	if _, err := intsOf(b[:len(b)-1]); err == nil {
		t.Error("7 bytes short of a number were taken")
	}
}

// A record whose parts do not add up is refused, checksum or not.
func TestQuickRecordOutOfShapeIsRefused(t *testing.T) {
	t.Parallel()
	root, cache := quickSite(t)
	buildWith(t, Config{Source: root, Dest: filepath.Join(t.TempDir(), "public"), CacheDir: cache})
	path := filepath.Join(cache, quickFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readQuick(cache); err != nil {
		t.Fatalf("the record as written: %v", err)
	}
	body := good[:len(good)-32]
	head := len(quickMagic) + 32
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"a list cut short", body[:len(body)-3]},
		{"a byte after the lists", append(slices.Clone(body), 0)},
		{"the record's length past its end", append(append(slices.Clone(body[:head]), 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), body[head+8:]...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, withSum(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			if rec, err := readQuick(cache); err == nil {
				t.Errorf("read a record of %d texts", len(rec.Texts)/textFields)
			}
		})
	}
}
