package build

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// A template that writes without end fails its build at the time limit,
// and the goroutine that ran it stops at its next write instead of
// growing its buffer for as long as the process lives (serve would keep
// one such goroutine per save). Not parallel: it counts goroutines.
func TestEndlessTemplateStopsWriting(t *testing.T) {
	// Without the size limit, which would also stop it.
	defer func(n int) { maxPageBytes = n }(maxPageBytes)
	maxPageBytes = 1 << 40
	before := runtime.NumGoroutine()
	s := newSite(t, `-- folio.yaml --
title: 无尽
template_timeout: 300ms
-- content/a.md --
---
title: 甲
date: 2025-04-27
---
正文。
-- templates/doc.html --
{{template "base" .}}{{define "main"}}{{range 100000000000}}<p>一行又一行，永不停止。</p>{{end}}{{end}}
`)
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "ran longer than 300ms") {
		t.Fatalf("build: %v, want the time limit", s.err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Errorf("5 s after the build failed, %d goroutines run where %d ran before it (heap %d MB)", n, before, ms.HeapAlloc>>20)
	}
}

// A page larger than maxPageBytes fails its build with the size limit,
// before its time is up. The build runs under a limit of 8 MB: what is
// tested is that the limit stops the page, and writing 128 MB through a
// template took seconds of the suite; the real limit is held to its
// purpose here (above what GitHub Pages takes, so it never refuses a page
// Pages would serve), and hostile/tmpl-endless-output runs a page without
// end under it. Not parallel: it sets maxPageBytes.
func TestPageOverTheSizeLimitFails(t *testing.T) {
	if maxPageBytes != 128<<20 || maxPageBytes <= pagesFileLimit {
		t.Fatalf("maxPageBytes = %d, want 128 MB, above GitHub's %d", maxPageBytes, pagesFileLimit)
	}
	defer func(n int) { maxPageBytes = n }(maxPageBytes)
	maxPageBytes = 8 << 20
	s := newSite(t, `-- folio.yaml --
title: 巨页
template_timeout: 120s
-- content/a.md --
---
title: 甲
---
正文。
-- templates/doc.html --
{{template "base" .}}{{define "main"}}{{range 100000000000}}<p>一行又一行，永不停止。一行又一行，永不停止。一行又一行，永不停止。</p>{{end}}{{end}}
`)
	start := time.Now()
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "size limit of 8 MB") {
		t.Fatalf("build: %v, want the size limit", s.err)
	}
	t.Logf("failed after %s", time.Since(start).Round(time.Millisecond))
}
