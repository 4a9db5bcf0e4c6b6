package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// latency starts folio serve on the corpus and saves one document edits
// times, as an editor saves it. It returns the time until serve printed
// its address (the first build), with the peak RSS then; each save's time
// from the rename to the live-reload event, with serve's peak RSS over the
// whole session; and which document it saved.
func latency(ctx context.Context, lim limits, folio string, c *corpus, edits int) (first sample, saves []sample, doc string) {
	ch := make(chan string, 1024)
	proc, err := start(ctx, lim, &lines{ch: ch}, folio, "serve", "--source", c.site, "--addr", "127.0.0.1:0")
	if err != nil {
		return sample{fail: err.Error(), files: -1}, nil, ""
	}
	exited := make(chan sample, 1)
	go func() { exited <- proc.wait() }()
	stopServe := func() sample {
		proc.interrupt()
		return <-exited
	}

	var url string
	for url == "" {
		select {
		case l := <-ch:
			if u, ok := strings.CutPrefix(l, "serving at "); ok {
				url = u
			}
		case s := <-exited:
			if s.fail == "" {
				s.fail = "serve exited before it served"
			}
			return s, []sample{{fail: s.fail, files: -1}}, ""
		}
	}
	first = sample{wall: time.Since(proc.start), rss: peakRSS(proc.cmd.Process.Pid), files: -1}

	doc = c.docs[len(c.docs)/2]
	e, err := c.edit()
	if err != nil {
		stopServe()
		return first, []sample{{fail: err.Error(), files: -1}}, doc
	}
	for i := range edits {
		s := saveToReload(ctx, url, e, doc, i, ch)
		saves = append(saves, s)
		if s.fail != "" {
			break
		}
	}
	end := stopServe()
	if err := e.restore(); err != nil && end.fail == "" {
		end.fail = err.Error()
	}
	for i := range saves {
		saves[i].rss = end.rss
	}
	if last := &saves[len(saves)-1]; last.fail == "" && end.fail != "" {
		last.fail = "serve: " + end.fail
	}
	return first, saves, doc
}

// saveToReload opens an event stream, saves doc with one more paragraph,
// and returns the time from the save to the reload event; then it waits
// for serve to report the rebuild done, so that saves never overlap.
func saveToReload(ctx context.Context, url string, e *edit, doc string, i int, out <-chan string) sample {
	fail := func(format string, args ...any) sample {
		return sample{fail: fmt.Sprintf(format, args...), files: -1}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url+"_folio/events", nil)
	if err != nil {
		return fail("%v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fail("%v", err)
	}
	defer resp.Body.Close()
	events := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				select {
				case events <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	if !wait(ctx, events, "hello") {
		return fail("no hello event from serve")
	}
drain:
	for {
		select {
		case <-out:
		default:
			break drain
		}
	}
	saved, err := e.appendLine(doc, fmt.Sprintf("第%d次保存追加的段落。", i+1))
	if err != nil {
		return fail("%v", err)
	}
	if !wait(ctx, events, "reload") {
		return fail("no reload event within 2 min of a save")
	}
	s := sample{wall: time.Since(saved), files: -1}
	if !wait(ctx, out, "built ") {
		return fail("serve did not report the rebuild within 2 min")
	}
	return s
}

// wait reads from ch until a string that starts with prefix, and says
// whether it came before ctx was done.
func wait(ctx context.Context, ch <-chan string, prefix string) bool {
	for {
		select {
		case s := <-ch:
			if strings.HasPrefix(s, prefix) {
				return true
			}
		case <-ctx.Done():
			return false
		}
	}
}
