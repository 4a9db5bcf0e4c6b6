package build

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/folio-ssg/folio"
)

// testSite is a site built from a txtar archive, in the manner of Hugo's
// IntegrationTestBuilder.
type testSite struct {
	t      *testing.T
	root   string
	dest   string
	b      *Builder
	result *Result
	err    error
}

// newSite writes the archive's files into a temporary site root.
func newSite(t *testing.T, archive string) *testSite {
	t.Helper()
	root := t.TempDir()
	ar := txtar.Parse([]byte(archive))
	for _, f := range ar.Files {
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &testSite{t: t, root: root, dest: filepath.Join(root, "public")}
}

func (s *testSite) config() Config {
	return Config{Source: s.root, Dest: s.dest, Theme: folio.Theme()}
}

// build builds once with cfg adjusted by opts and fails the test on error.
func (s *testSite) build(opts ...func(*Config)) *testSite {
	s.t.Helper()
	s.tryBuild(opts...)
	if s.err != nil {
		s.t.Fatalf("build: %v", s.err)
	}
	return s
}

// tryBuild builds and keeps the error.
func (s *testSite) tryBuild(opts ...func(*Config)) *testSite {
	s.t.Helper()
	if s.b == nil {
		cfg := s.config()
		for _, o := range opts {
			o(&cfg)
		}
		s.b = New(cfg)
	}
	s.result, s.err = s.b.Build(context.Background())
	return s
}

func (s *testSite) write(name, text string) {
	s.t.Helper()
	p := filepath.Join(s.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *testSite) remove(name string) {
	s.t.Helper()
	if err := os.Remove(filepath.Join(s.root, filepath.FromSlash(name))); err != nil {
		s.t.Fatal(err)
	}
}

// file returns an output file's content, failing if it is missing.
func (s *testSite) file(name string) string {
	s.t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dest, filepath.FromSlash(name)))
	if err != nil {
		s.t.Fatalf("output %s: %v", name, err)
	}
	return string(b)
}

func (s *testSite) exists(name string) bool {
	_, err := os.Stat(filepath.Join(s.dest, filepath.FromSlash(name)))
	return err == nil
}

// assertFile checks that each line occurs in the output file; a line
// starting with "! " must not occur.
func (s *testSite) assertFile(name string, lines ...string) {
	s.t.Helper()
	got := s.file(name)
	for _, l := range lines {
		if neg, ok := strings.CutPrefix(l, "! "); ok {
			if strings.Contains(got, neg) {
				s.t.Errorf("%s contains %q, want it absent", name, neg)
			}
			continue
		}
		if !strings.Contains(got, l) {
			s.t.Errorf("%s lacks %q\n--- %s ---\n%s", name, l, name, excerpt(got))
		}
	}
}

func excerpt(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "\n…"
	}
	return s
}

// tree returns every output file, by slash path.
func (s *testSite) tree() map[string]string {
	s.t.Helper()
	return readTree(s.t, s.dest)
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
