// Package scaffold creates new sites and new documents.
//
// Site writes a site that builds at once: folio.yaml, content/ with an
// example document, a .gitignore for public/ and the temporary folders of
// killed builds, and .github/workflows/pages.yml, which installs folio at a
// pinned version, runs folio check, builds with the base URL GitHub Pages
// reports, and deploys with
// actions/upload-pages-artifact and actions/deploy-pages.
//
// Doc writes content/<slug>.md with today's date and the front-matter keys
// the site's documents already use, so a curator fills in a familiar form.
package scaffold

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
)

//go:embed all:site
var siteFiles embed.FS

// Site creates a new site in dir, which must not exist or be empty.
// version pins the folio the workflow installs; "" or "(devel)" is "latest".
func Site(dir, version string, today time.Time) ([]string, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("new site: %s exists and is not empty", dir)
	}
	if version == "" || version == "(devel)" || strings.HasPrefix(version, "v0.0.0-") {
		version = "latest"
	}
	var written []string
	err := fs.WalkDir(siteFiles, "site", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := siteFiles.ReadFile(p)
		if err != nil {
			return err
		}
		b = bytes.ReplaceAll(b, []byte("{{VERSION}}"), []byte(version))
		b = bytes.ReplaceAll(b, []byte("{{DATE}}"), []byte(today.Format(time.DateOnly)))
		rel := strings.TrimPrefix(p, "site/")
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		written = append(written, rel)
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return nil, fmt.Errorf("new site: %w", err)
	}
	slices.Sort(written)
	return written, nil
}

// Doc creates a document titled title in root's content/ and returns its
// path relative to root. The file is named after the title's slug and never
// overwrites an existing file.
func Doc(root, title string, today time.Time) (string, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return "", errors.New("new doc: the title is empty")
	}
	keys, err := usedKeys(root)
	if err != nil {
		return "", fmt.Errorf("new doc: %w", err)
	}
	slug := site.Slug(title)
	if slug == "" {
		slug = "untitled"
	}
	// A second document with the same title gets its own file and slug,
	// so both have a page.
	name := slug
	for i := 2; ; i++ {
		if _, err := os.Stat(filepath.Join(root, "content", name+".md")); errors.Is(err, fs.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s-%d", slug, i)
	}
	rel := path.Join("content", name+".md")

	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", yamlString(title))
	fmt.Fprintf(&b, "date: %s\n", today.Format(time.DateOnly))
	b.WriteString("tags: []\n")
	if name != slug {
		fmt.Fprintf(&b, "slug: %s\n", name)
	}
	for _, k := range keys {
		if k != "slug" || name == slug {
			fmt.Fprintf(&b, "%s:\n", k)
		}
	}
	b.WriteString("---\n\n")
	dst := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("new doc: %w", err)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("new doc: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return "", fmt.Errorf("new doc: %w", err)
	}
	return rel, f.Close()
}

// usedKeys lists the front-matter keys of the site's documents other than
// title, date, tags and draft, most used first.
func usedKeys(root string) ([]string, error) {
	fsys := os.DirFS(root)
	files, err := content.Walk(fsys, "content")
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	for _, f := range files {
		if content.Classify(f) != content.KindDoc {
			continue
		}
		src, err := fs.ReadFile(fsys, "content/"+f)
		if err != nil {
			return nil, err
		}
		d, _ := content.Parse("content/"+f, src, content.Config{})
		if d == nil {
			continue
		}
		for k := range d.Params {
			switch k {
			case "title", "date", "tags", "draft":
			default:
				count[k]++
			}
		}
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b)) })
	return keys, nil
}

// yamlString quotes s when YAML would read it as something else.
func yamlString(s string) string {
	var v any
	if strings.ContainsAny(s, ":#[]{}&*!|>'\"%@`,\n\t\\") || strings.TrimSpace(s) != s ||
		yaml.Unmarshal([]byte(s), &v) != nil || v != s {
		return fmt.Sprintf("%q", s)
	}
	return s
}
