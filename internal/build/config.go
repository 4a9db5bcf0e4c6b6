package build

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
	_ "time/tzdata" // Asia/Shanghai and every other zone, on any machine

	"gopkg.in/yaml.v3"

	"github.com/folio-ssg/folio/internal/diag"
)

// SiteConfig is folio.yaml at the site root. Every key is optional.
//
//	title: 政策文库              # the site's name
//	base_url: https://user.github.io/repo/
//	language: zh-CN             # BCP 47; zh-* or en-* picks the interface language
//	permalink: /:year/:month/:slug/
//	page_size: 20               # documents per list page
//	timezone: Asia/Shanghai     # for times written without an offset
//	date_keys: [date]           # front-matter keys tried, in order, for a document's date
//	domain: docs.example.org    # a custom domain for GitHub Pages: writes CNAME
//	feed:
//	  entries: 20               # newest documents in each feed
//	  content: summary          # summary, or full for the whole text
type SiteConfig struct {
	Title     string   `yaml:"title"`
	BaseURL   string   `yaml:"base_url"`
	Language  string   `yaml:"language"`
	Permalink string   `yaml:"permalink"`
	PageSize  int      `yaml:"page_size"`
	Timezone  string   `yaml:"timezone"`
	DateKeys  []string `yaml:"date_keys"`
	Domain    string   `yaml:"domain"`
	Feed      struct {
		Entries int    `yaml:"entries"`
		Content string `yaml:"content"`
	} `yaml:"feed"`

	location *time.Location
}

// ConfigFile is the name of the site configuration file.
const ConfigFile = "folio.yaml"

var yamlErrLine = regexp.MustCompile(`line (\d+): `)

// LoadSiteConfig reads folio.yaml from the site root; a missing file gives
// the defaults.
func LoadSiteConfig(root string) (*SiteConfig, error) {
	c := &SiteConfig{}
	b, err := os.ReadFile(filepath.Join(root, ConfigFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", ConfigFile, err)
	}
	if len(bytes.TrimSpace(b)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			var errs diag.List
			var te *yaml.TypeError
			if errors.As(err, &te) {
				for _, e := range te.Errors {
					errs.Add(yamlPos(e), yamlMsg(e))
				}
			} else {
				errs.Add(yamlPos(err.Error()), yamlMsg(err.Error()))
			}
			return nil, errs.Err()
		}
	}
	if c.PageSize < 0 {
		return nil, diag.Errorf(diag.Position{Path: ConfigFile}, "page_size %d: want a positive number", c.PageSize)
	}
	switch c.Feed.Content {
	case "":
		c.Feed.Content = "summary"
	case "summary", "full":
	default:
		return nil, diag.Errorf(diag.Position{Path: ConfigFile}, "feed.content %q: want summary or full", c.Feed.Content)
	}
	if c.Feed.Entries <= 0 {
		c.Feed.Entries = 20
	}
	if c.Timezone == "" {
		c.Timezone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, diag.Errorf(diag.Position{Path: ConfigFile}, "timezone %q: %v", c.Timezone, err)
	}
	c.location = loc
	return c, nil
}

// Location is the configured time zone.
func (c *SiteConfig) Location() *time.Location { return c.location }

func yamlPos(msg string) diag.Position {
	pos := diag.Position{Path: ConfigFile}
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
	}
	return pos
}

func yamlMsg(msg string) string {
	if loc := yamlErrLine.FindStringIndex(msg); loc != nil {
		msg = msg[:loc[0]] + msg[loc[1]:]
	}
	if len(msg) > 0 && msg[:min(5, len(msg))] != "yaml:" {
		msg = "yaml: " + msg
	}
	return msg
}
