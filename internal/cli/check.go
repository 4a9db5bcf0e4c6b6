package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/folio-ssg/folio/internal/build"
	"github.com/folio-ssg/folio/internal/diag"
)

// finding is one diagnostic of folio check.
type finding struct {
	Path     string `json:"path"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
	Severity string `json:"severity"` // "error" or "warning"
	Message  string `json:"message"`
}

func (f finding) String() string {
	var b strings.Builder
	b.WriteString(f.Path)
	if f.Line > 0 {
		b.WriteString(":" + strconv.Itoa(f.Line))
		if f.Col > 0 {
			b.WriteString(":" + strconv.Itoa(f.Col))
		}
	}
	if f.Path != "" {
		b.WriteString(": ")
	}
	if f.Severity == "warning" {
		b.WriteString("warning: ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// positioned reads "path:line:col: message" (line and column optional).
var positioned = regexp.MustCompile(`^([^\s:][^:]*?)(?::(\d+))?(?::(\d+))?: (.*)$`)

func parseFinding(s, severity string) finding {
	s = strings.TrimPrefix(s, "warning: ")
	if m := positioned.FindStringSubmatch(s); m != nil && (strings.Contains(m[1], "/") || strings.Contains(m[1], ".")) && (m[2] != "" || !strings.Contains(m[1], " ")) {
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		return finding{Path: m[1], Line: l, Col: c, Severity: severity, Message: m[4]}
	}
	return finding{Severity: severity, Message: s}
}

// runCheck loads and validates a site without writing anything.
func runCheck(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("folio check", flag.ContinueOnError)
	var bf buildFlags
	fs.StringVar(&bf.source, "source", ".", "the site root: holds content/ and optionally templates/, static/, folio.yaml")
	fs.StringVar(&bf.baseURL, "base-url", "", "the URL the site will be published at (overrides folio.yaml)")
	fs.BoolVar(&bf.drafts, "drafts", false, "check documents marked draft: true as published")
	format := fs.String("format", "text", "text, or json")
	strict := fs.Bool("strict", false, "fail on warnings too")
	if !parse(fs, e, args) {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "folio check: --format %q: want text or json\n", *format)
		return 2
	}
	cfg := bf.config(e)
	cfg.DryRun = true
	res, err := build.Build(ctx, cfg)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "folio check: interrupted")
		return 1
	}
	var findings []finding
	if res != nil {
		for _, group := range [][]string{res.Warnings, res.Checks, res.Removed} {
			for _, w := range group {
				findings = append(findings, parseFinding(w, "warning"))
			}
		}
	}
	if err != nil {
		var list diag.List
		if errors.As(err, &list) {
			for _, d := range list {
				findings = append(findings, finding{Path: d.Pos.Path, Line: d.Pos.Line, Col: d.Pos.Col, Severity: "error", Message: d.Msg})
			}
		} else {
			var d *diag.Error
			if errors.As(err, &d) {
				findings = append(findings, finding{Path: d.Pos.Path, Line: d.Pos.Line, Col: d.Pos.Col, Severity: "error", Message: d.Msg})
			} else {
				findings = append(findings, parseFinding(err.Error(), "error"))
			}
		}
	}
	slices.SortStableFunc(findings, func(a, b finding) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	errorsN, warningsN := 0, 0
	for _, f := range findings {
		if f.Severity == "error" {
			errorsN++
		} else {
			warningsN++
		}
	}
	docs := 0
	if res != nil {
		docs = res.Docs
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if findings == nil {
			findings = []finding{}
		}
		enc.Encode(map[string]any{"documents": docs, "errors": errorsN, "warnings": warningsN, "diagnostics": findings})
	} else {
		for _, f := range findings {
			fmt.Fprintln(e.stdout, f)
		}
		fmt.Fprintf(e.stdout, "folio check: %s, %s in %s\n", plural(errorsN, "error"), plural(warningsN, "warning"), plural(docs, "document"))
	}
	// GitHub Actions turns these lines into annotations on the files.
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		for _, f := range findings {
			fmt.Fprintf(e.stdout, "::%s %s::%s\n", f.Severity, annotationPlace(f), annotationEscape(f.Message))
		}
	}
	if errorsN > 0 || *strict && warningsN > 0 {
		return 1
	}
	return 0
}

func annotationPlace(f finding) string {
	var parts []string
	if f.Path != "" {
		parts = append(parts, "file="+annotationEscape(f.Path))
	}
	if f.Line > 0 {
		parts = append(parts, "line="+strconv.Itoa(f.Line))
	}
	if f.Col > 0 {
		parts = append(parts, "col="+strconv.Itoa(f.Col))
	}
	return strings.Join(parts, ",")
}

// annotationEscape escapes a workflow command's text as GitHub's toolkit does.
func annotationEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
