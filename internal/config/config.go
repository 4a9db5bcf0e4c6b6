// Package config reads folio.yaml, the site configuration: what the
// build, the watcher and the command line share.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai and every other zone, on any machine

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/diag"
)

// Site is folio.yaml at the site root. Every key is optional.
//
//	title: 政策文库              # the site's name
//	base_url: https://user.github.io/repo/
//	language: zh-CN             # BCP 47; zh-* or en-* picks the interface language
//	permalink: /:path/          # the default: the file's path, so a page never moves
//	page_size: 20               # documents per list page
//	timezone: Asia/Shanghai     # for times written without an offset
//	date_keys: [date]           # front-matter keys tried, in order, for a document's date
//	domain: docs.example.org    # a custom domain for GitHub Pages: writes CNAME
//	documents: [.md, .markdown, .txt]  # extensions of documents; other files are assets
//	exclude: ["scripts/**", "*.csv"]   # files and folders under content/ never read
//	include: [README.md]        # a repository's files (README, code) to publish anyway
//	keys:                       # a collection's own front-matter names
//	  发布时间: date
//	  文号: doc_number
//	html: safe                  # raw HTML in bodies: safe (sanitized) or trusted
//	search: true                # the search page and its index; false for neither
//	facets: [source, author, issuer, doc_type]  # keys indexed like tags (the default)
//	id_key: eo_id               # the key relations name documents by, besides slug, file name, path, doc number
//	follow_symlinks: false      # follow symlinks that lead outside the site root (with a warning)
//	max_file_mb: 50             # a larger file under content/ or static/ is an error
//	max_document_mb: 10         # a larger document is an error
//	template_timeout: 10s       # a page whose templates run longer fails the build
//	labels:                     # the theme's words, and labels for front-matter keys
//	  metadata: 文件信息
//	feed:
//	  entries: 20               # newest documents in each feed
//	  content: summary          # summary, or full for the whole text
type Site struct {
	Title     string            `yaml:"title"`
	BaseURL   string            `yaml:"base_url"`
	Language  string            `yaml:"language"`
	Permalink string            `yaml:"permalink"`
	PageSize  int               `yaml:"page_size"`
	Timezone  string            `yaml:"timezone"`
	DateKeys  []string          `yaml:"date_keys"`
	Domain    string            `yaml:"domain"`
	Documents []string          `yaml:"documents"`
	Exclude   []string          `yaml:"exclude"`
	Include   []string          `yaml:"include"`
	Keys      map[string]string `yaml:"keys"`
	HTML      string            `yaml:"html"`
	Search    *bool             `yaml:"search"`
	Facets    []string          `yaml:"facets"`
	IDKey     string            `yaml:"id_key"`
	// Safety limits.
	FollowSymlinks  bool   `yaml:"follow_symlinks"`
	MaxFileMB       int    `yaml:"max_file_mb"`
	MaxDocumentMB   int    `yaml:"max_document_mb"`
	TemplateTimeout string `yaml:"template_timeout"`
	// Labels are the site's own words for the theme's labels and
	// front-matter keys: {"metadata": "文件信息", "is_emergency": "紧急"}.
	Labels  map[string]string `yaml:"labels"`
	timeout time.Duration
	Feed    struct {
		Entries int    `yaml:"entries"`
		Content string `yaml:"content"`
	} `yaml:"feed"`

	location *time.Location
}

// File is the name of the site configuration file.
const File = "folio.yaml"

// Load reads folio.yaml from the site root; a missing file gives
// the defaults.
func Load(root string) (*Site, error) {
	c := &Site{}
	if err := checkFile(root); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(root, File))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", File, err)
	}
	if len(bytes.TrimSpace(b)) > 0 {
		if err := content.DecodeConfig(File, b, c); err != nil {
			return nil, err
		}
	}
	if c.PageSize < 0 {
		return nil, diag.Errorf(diag.Position{Path: File}, "page_size %d: want a positive number", c.PageSize)
	}
	switch c.Feed.Content {
	case "":
		c.Feed.Content = "summary"
	case "summary", "full":
	default:
		return nil, diag.Errorf(diag.Position{Path: File}, "feed.content %q: want summary or full", c.Feed.Content)
	}
	if err := CheckPermalink(c.Permalink); err != nil {
		return nil, diag.Errorf(diag.Position{Path: File}, "%v", err)
	}
	if c.MaxFileMB < 0 {
		return nil, diag.Errorf(diag.Position{Path: File}, "max_file_mb %d: want a positive number", c.MaxFileMB)
	}
	if c.MaxFileMB == 0 {
		c.MaxFileMB = 50
	}
	if c.MaxDocumentMB < 0 {
		return nil, diag.Errorf(diag.Position{Path: File}, "max_document_mb %d: want a positive number", c.MaxDocumentMB)
	}
	if c.MaxDocumentMB == 0 {
		c.MaxDocumentMB = 10
	}
	c.timeout = 10 * time.Second
	if c.TemplateTimeout != "" {
		d, err := time.ParseDuration(c.TemplateTimeout)
		if err != nil || d <= 0 {
			return nil, diag.Errorf(diag.Position{Path: File}, "template_timeout %q: want a duration such as 10s", c.TemplateTimeout)
		}
		c.timeout = d
	}
	switch c.HTML {
	case "":
		c.HTML = "safe"
	case "safe", "trusted":
	default:
		return nil, diag.Errorf(diag.Position{Path: File}, "html %q: want safe or trusted", c.HTML)
	}
	for i, ext := range c.Documents {
		if !strings.HasPrefix(ext, ".") {
			ext = "." + ext
		}
		c.Documents[i] = strings.ToLower(ext)
	}
	if c.Documents != nil && len(c.Documents) == 0 {
		return nil, diag.Errorf(diag.Position{Path: File}, "documents: name at least one extension, such as .md")
	}
	for _, list := range [][]string{c.Exclude, c.Include} {
		for _, p := range list {
			if !content.ValidPattern(p) {
				return nil, diag.Errorf(diag.Position{Path: File}, "pattern %q is malformed", p)
			}
		}
	}
	for k, v := range c.Keys {
		if strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, diag.Errorf(diag.Position{Path: File}, "keys: %q: %q: want a front-matter name and the name folio should read it as", k, v)
		}
	}
	if c.Feed.Entries <= 0 {
		c.Feed.Entries = 20
	}
	if c.Timezone == "" {
		c.Timezone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, diag.Errorf(diag.Position{Path: File}, "timezone %q: %v", c.Timezone, err)
	}
	c.location = loc
	return c, nil
}

// SearchOn reports whether the site has a search page and index.
func (c *Site) SearchOn() bool { return c.Search == nil || *c.Search }

// Files are the rules for which files under content/ are documents, and
// which files may be read at all, for the site at root.
func (c *Site) Files(root string) content.Files {
	return content.Files{Exts: c.Documents, Exclude: c.Exclude, Include: c.Include,
		Root: root, FollowOutside: c.FollowSymlinks, MaxBytes: int64(c.MaxFileMB) << 20, MaxDocBytes: int64(c.MaxDocumentMB) << 20}
}

// checkPermalink refuses patterns that cannot be a path: a query or
// fragment, a backslash, characters file systems refuse, controls.
func CheckPermalink(p string) error {
	for _, r := range p {
		if r < ' ' || r == 0x7f || strings.ContainsRune(`?#\"<>|*`, r) {
			return fmt.Errorf("permalink %q: %q cannot be part of a path; use /, letters and placeholders such as /:path/", p, r)
		}
	}
	if strings.Contains(p, "..") {
		return fmt.Errorf("permalink %q: \"..\" is not allowed", p)
	}
	return nil
}

// maxConfigBytes bounds folio.yaml.
const maxConfigBytes = 1 << 20

// checkFile refuses a folio.yaml that is not a regular file of the
// site (a FIFO would block, /dev/zero never ends) or is implausibly large.
// A symlink is followed only inside the site root.
func checkFile(root string) error {
	p := filepath.Join(root, File)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil // absent: the defaults; unreadable: reported on reading
	}
	at := diag.Position{Path: File}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, out := (content.Files{Root: root}).Outside(File); out {
			return diag.Errorf(at, "a symlink to %s, outside the site root", target)
		}
		if fi, err = os.Stat(p); err != nil {
			return diag.Errorf(at, "follow symlink: %v", err)
		}
	}
	if !fi.Mode().IsRegular() {
		return diag.Errorf(at, "not a regular file: folio reads only regular files")
	}
	if fi.Size() > maxConfigBytes {
		return diag.Errorf(at, "%d bytes: a configuration is at most 1 MB", fi.Size())
	}
	return nil
}

// TemplateLimit bounds the rendering of one page (template_timeout).
func (c *Site) TemplateLimit() time.Duration { return c.timeout }

// Location is the configured time zone.
func (c *Site) Location() *time.Location { return c.location }
