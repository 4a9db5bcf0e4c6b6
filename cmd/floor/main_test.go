package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/corpusgen"
)

func TestFloorWritesOneHTMLFilePerDocument(t *testing.T) {
	site, out := t.TempDir(), t.TempDir()
	if err := corpusgen.Write(site, 3); err != nil {
		t.Fatal(err)
	}
	docs, size, err := run(context.Background(), site, out, 2)
	if err != nil {
		t.Fatal(err)
	}
	if docs != 3 {
		t.Errorf("run converted %d documents, want 3", docs)
	}
	var files []string
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if len(files) != 3 {
		t.Fatalf("run wrote %d files, want 3: %q", len(files), files)
	}
	var total int64
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		total += int64(len(b))
		html := string(b)
		rel, _ := filepath.Rel(out, p)
		if !strings.HasSuffix(p, ".html") {
			t.Errorf("%s: want the .html extension", rel)
		}
		for _, want := range []string{"<h1>关于推进第", "<strong>作者</strong>", "<h2>第1部分</h2>", "健康有序发展。"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s lacks %q:\n%s", rel, want, html)
			}
		}
		if strings.Contains(html, "original_url") {
			t.Errorf("%s kept its front matter:\n%s", rel, html)
		}
		md := strings.TrimSuffix(rel, ".html") + ".md"
		if _, err := os.Stat(filepath.Join(site, "content", md)); err != nil {
			t.Errorf("%s does not mirror a document: %v", rel, err)
		}
	}
	if size != total {
		t.Errorf("run reported %d bytes, files hold %d", size, total)
	}
}

func TestFloorReportsAMissingContentFolder(t *testing.T) {
	if _, _, err := run(context.Background(), t.TempDir(), t.TempDir(), 2); err == nil {
		t.Error("run on a site without content/ = nil, want an error")
	}
}

func TestBodyDropsFrontMatter(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"---\ntitle: x\n---\n# 标题\n", "# 标题\n"},
		{"---\r\ntitle: x\r\n---\r\ntext", "text"},
		{"---\n---\ntext", "text"},
		{"---\ntitle: x\n---", ""},
		{"# no front matter\n---\n", "# no front matter\n---\n"},
		{"---\nnever closed\n", "---\nnever closed\n"},
		{"----\nx\n---\n", "----\nx\n---\n"},
		{"", ""},
	} {
		if got := string(body([]byte(tt.src))); got != tt.want {
			t.Errorf("body(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
