package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSlugBytes keeps a slug well inside the 255-byte limit most file
// systems put on one path segment.
const maxSlugBytes = 150

// Slug makes a URL segment from s: letters and digits of every script are
// kept (Chinese stays Chinese), letters are lowercased, and every run
// of other characters becomes one "-". The result is at most 150 bytes and
// never "." or "..": a longer slug is cut at a character boundary and ends
// in "-" and 8 hex digits of a hash of the whole, so two long titles that
// differ only at the end still get different slugs.
func Slug(s string) string {
	full := slug(s)
	if len(full) <= maxSlugBytes {
		return full
	}
	cut := maxSlugBytes - 9
	for !utf8.RuneStart(full[cut]) {
		cut--
	}
	sum := sha256.Sum256([]byte(full))
	return strings.TrimRight(full[:cut], "-") + "-" + hex.EncodeToString(sum[:4])
}

// segment is Slug for a name that must give a non-empty URL segment (a
// folder, a file name, a tag): a name with no letters or digits, such as
// "《》", gets 8 hex digits of a hash of itself, stable and distinct.
func segment(s string) string {
	if sl := Slug(s); sl != "" {
		return sl
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// PathSegment makes a URL segment from a file or folder name, keeping it
// as written wherever a URL can: letters and digits of every script in
// their own case, and "-", "_", ".", "~". Each run of other characters
// (spaces, brackets, Chinese punctuation) becomes one "-", and such runs
// at the ends are dropped, as are dots there. So "6221--s" and "6221-s"
// stay apart, and "民法典（第一编 总则）" gives "民法典-第一编-总则". A name
// with nothing left gets 8 hex digits of a hash of itself; one longer than
// 150 bytes is cut as Slug cuts it. Two names that still fold onto one
// URL (“a b” and “a-b”) are told apart when the site is assembled.
func PathSegment(name string) string {
	var b strings.Builder
	run := false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '-' || r == '_' || r == '.' || r == '~':
			if run && b.Len() > 0 {
				b.WriteByte('-')
			}
			run = false
			b.WriteRune(r)
		default:
			run = true
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		sum := sha256.Sum256([]byte(name))
		return hex.EncodeToString(sum[:4])
	}
	if len(s) > maxSlugBytes {
		cut := maxSlugBytes - 9
		for !utf8.RuneStart(s[cut]) {
			cut--
		}
		sum := sha256.Sum256([]byte(name))
		s = strings.TrimRight(s[:cut], "-.") + "-" + hex.EncodeToString(sum[:4])
	}
	return s
}

// dirPath is the site path of a folder of content/: "laws/刑法" -> "/laws/刑法/".
func dirPath(dir string) string {
	if dir == "" {
		return "/"
	}
	var segs []string
	for _, p := range strings.Split(dir, "/") {
		segs = append(segs, PathSegment(p))
	}
	return "/" + strings.Join(segs, "/") + "/"
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// expand fills a permalink pattern for one document. An undated document
// has "undated" for :year and no :month or :day segments.
func expand(pattern string, d *Doc) (string, error) {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "" {
			continue
		}
		var b strings.Builder
		drop := false
		for len(seg) > 0 {
			i := strings.IndexByte(seg, ':')
			if i < 0 {
				b.WriteString(seg)
				break
			}
			b.WriteString(seg[:i])
			seg = seg[i+1:]
			j := 0
			for j < len(seg) && (seg[j] >= 'a' && seg[j] <= 'z') {
				j++
			}
			name := seg[:j]
			seg = seg[j:]
			dated := !d.Date.IsZero()
			switch name {
			case "year":
				if dated {
					b.WriteString(strconv.Itoa(d.Date.Year()))
				} else {
					b.WriteString("undated")
				}
			case "month":
				if !dated {
					drop = true
				} else {
					fmt.Fprintf(&b, "%02d", int(d.Date.Month()))
				}
			case "day":
				if !dated || d.Date.Day() == 0 {
					drop = true
				} else {
					fmt.Fprintf(&b, "%02d", d.Date.Day())
				}
			case "slug":
				b.WriteString(d.Slug)
			case "filename":
				if d.Doc.Slug != "" {
					b.WriteString(d.Slug) // slug: pins the last segment
				} else {
					b.WriteString(PathSegment(d.Name()))
				}
			case "section":
				if sec := d.Section(); sec != "" {
					b.WriteString(PathSegment(sec))
				}
			case "path":
				last := PathSegment(d.Name())
				if d.Doc.Slug != "" {
					last = d.Slug
				}
				b.WriteString(strings.TrimPrefix(dirPath(d.Dir()), "/") + last)
			default:
				return "", fmt.Errorf("permalink %q: unknown placeholder :%s (want :year, :month, :day, :slug, :filename, :section or :path)", pattern, name)
			}
		}
		s := b.String()
		if drop || s == "" {
			continue
		}
		if s == "." || s == ".." {
			return "", fmt.Errorf("permalink %q: segment %q is not allowed", pattern, s)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "/", nil
	}
	return "/" + strings.Join(out, "/") + "/", nil
}

// outputFile is the file a page path is written to: "/a/b/" -> "a/b/index.html".
func outputFile(p string) string {
	if strings.HasSuffix(p, "/") {
		return strings.TrimPrefix(p, "/") + "index.html"
	}
	return strings.TrimPrefix(p, "/")
}

// splitBaseURL returns the scheme-and-host part and the path of a base URL:
// "https://u.github.io/repo" -> "https://u.github.io", "/repo/".
func splitBaseURL(base string) (origin, path string, err error) {
	if base == "" {
		return "", "/", nil
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("base URL %q: %w", base, err)
	}
	if u.Scheme != "" && u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("base URL %q: want a URL like https://example.org/path/", base)
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if u.Host != "" {
		origin = u.Scheme + "://" + u.Host
	}
	return origin, p, nil
}
