package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	folio "github.com/folio-ssg/folio"
)

// ownBase is a site's own base template: every page is rendered again.
const ownBase = `{{define "base"}}<!DOCTYPE html><title>{{.Page.Title}}</title><main>{{block "main" .}}{{end}}</main>{{end}}`

// A body file that is not what the cache recorded makes the whole cache
// untrusted, as a damaged cache file does: everything is built again, the
// output is a cold build's, and the next build trusts the new cache.
func TestCacheBodyFileThatCannotBeTrustedIsIgnored(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	runCached(t, root, dest, cache)
	want := readTree(t, dest)
	bodies := filepath.Join(cache, bodyFilePrefix+"1")
	good, err := os.ReadFile(bodies)
	if err != nil {
		t.Fatal(err)
	}
	if len(good) < 1000 {
		t.Fatalf("the body file holds %d bytes: the bodies are not in it", len(good))
	}
	for _, c := range []struct {
		name   string
		damage func() error
	}{
		{"a flipped byte", func() error {
			b := []byte(string(good))
			b[len(b)/2] ^= 0x20
			return os.WriteFile(bodies, b, 0o644)
		}},
		{"truncated", func() error { return os.WriteFile(bodies, good[:len(good)/2], 0o644) }},
		{"missing", func() error { return os.Remove(bodies) }},
		{"a folder", func() error {
			if err := os.Remove(bodies); err != nil {
				return err
			}
			return os.Mkdir(bodies, 0o755)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runCached(t, root, dest, cache) // a good cache again
			if err := c.damage(); err != nil {
				t.Fatal(err)
			}
			res := runCached(t, root, dest, cache)
			if !strings.Contains(res.Cache, "body file") {
				t.Errorf("Result.Cache = %q, want it to name the body file", res.Cache)
			}
			if res.Parsed == 0 || res.Rendered != res.Pages {
				t.Errorf("an untrusted cache was used: parsed %d, rendered %d of %d pages", res.Parsed, res.Rendered, res.Pages)
			}
			sameTree(t, c.name, readTree(t, dest), want)
			if res := runCached(t, root, dest, cache); res.Cache != "" || res.Parsed != 0 {
				t.Errorf("the cache was not replaced: %q, parsed %d", res.Cache, res.Parsed)
			}
		})
	}
}

// A body file changed while a Builder uses it (after the cache was
// checked) fails the build that reads it; the next build parses every
// file again and succeeds.
func TestBodyChangedUnderTheBuilderFailsTheBuild(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	b := New(Config{Source: root, Dest: dest, Theme: folio.Theme(), CacheDir: cache})
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := readTree(t, dest)
	bodies := filepath.Join(cache, b.bodies.name)
	good, err := os.ReadFile(bodies)
	if err != nil {
		t.Fatal(err)
	}
	bad := []byte(string(good))
	for i := range bad {
		bad[i] = 'x'
	}
	if err := os.WriteFile(bodies, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	// A site's own base template renders every page again, reading
	// every body.
	if err := os.MkdirAll(filepath.Join(root, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "templates", "base.html"), []byte(ownBase), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Build(context.Background()); err == nil || !strings.Contains(err.Error(), "not the one written") {
		t.Fatalf("build over a changed body file: %v, want it to fail and say why", err)
	}
	sameTree(t, "after the failed build", readTree(t, dest), want)
	if err := os.Remove(filepath.Join(root, "templates", "base.html")); err != nil {
		t.Fatal(err)
	}
	res, err := b.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Parsed == 0 {
		t.Error("the build after the failed one reused what it had loaded")
	}
	sameTree(t, "after the next build", readTree(t, dest), want)
}

// When most of the body file is bodies no file still has, saving the
// cache writes the others into the next body file and removes the old
// one; the next process reads them from there.
func TestBodyFileIsCompacted(t *testing.T) {
	t.Parallel()
	root, cache := cacheSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	b := New(Config{Source: root, Dest: dest, Theme: folio.Theme(), CacheDir: cache})
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := b.bodies.name
	before, err := os.Stat(filepath.Join(cache, first))
	if err != nil {
		t.Fatal(err)
	}
	b.bodies.slack = 0
	// Keep only the four executive orders: most of the bodies go.
	entries, err := os.ReadDir(filepath.Join(root, "content"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "eo" {
			if err := os.RemoveAll(filepath.Join(root, "content", e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b.bodies.name == first {
		t.Fatalf("the body file %s was kept with most of it unused", first)
	}
	if _, err := os.Stat(filepath.Join(cache, first)); err == nil {
		t.Errorf("the old body file %s is still there", first)
	}
	after, err := os.Stat(filepath.Join(cache, b.bodies.name))
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() >= before.Size()/2 {
		t.Errorf("the body file went from %d to %d bytes", before.Size(), after.Size())
	}
	got := readTree(t, dest)

	// A new process trusts it, reuses every file, and a cold build of the
	// same site gives the same output.
	res := runCached(t, root, dest, cache)
	if res.Cache != "" || res.Parsed != 0 {
		t.Errorf("after compaction: cache %q, parsed %d", res.Cache, res.Parsed)
	}
	cold := filepath.Join(t.TempDir(), "public")
	if _, err := New(Config{Source: root, Dest: cold, Theme: folio.Theme()}).Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "compacted", got, readTree(t, cold))
	// The pages rendered from the compacted file, after a template
	// change that renders all of them, still match.
	if err := os.MkdirAll(filepath.Join(root, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "templates", "base.html"), []byte(ownBase), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := runCached(t, root, dest, cache); res.Parsed != 0 || res.Rendered != res.Pages {
		t.Errorf("with its own base template: parsed %d, rendered %d of %d pages; want 0 and all", res.Parsed, res.Rendered, res.Pages)
	}
	cold2 := filepath.Join(t.TempDir(), "public")
	if _, err := New(Config{Source: root, Dest: cold2, Theme: folio.Theme()}).Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "compacted, rendered again", readTree(t, dest), readTree(t, cold2))
}
