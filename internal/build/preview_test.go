package build

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/folio-ssg/folio"
)

// previewSite is rebuildSite's kind of site, as folio serve builds it: a
// Builder told of every change, with a preview hook that records the
// files each preview names, with their bytes as it wrote them.
type previewSite struct {
	*testSite
	previews []map[string]string
	ctx      context.Context
	cancel   func() // called by the preview hook, when set
}

func newPreviewSite(t *testing.T) *previewSite {
	var b strings.Builder
	b.WriteString("-- folio.yaml --\npage_size: 5\n")
	for i := range 30 {
		tag := []string{"甲", "乙", "丙"}[i%3]
		link := ""
		if i%5 == 0 {
			// Links to another document, and to nothing (a warning).
			link = fmt.Sprintf("\n见[另一篇](d%02d.md)和[缺失](missing%d.md)。\n", (i+1)%30, i)
		}
		fmt.Fprintf(&b, "-- content/d%02d.md --\n---\ntitle: 文档%02d\ndate: 2024-%02d-%02d\ntags: [%s]\n---\n正文第%d篇的开头。%s\n", i, i, 1+i%12, 1+i, tag, i, link)
	}
	b.WriteString("-- content/sub/_index.md --\n---\ntitle: 子栏目\n---\n")
	b.WriteString("-- content/sub/e.md --\n---\ntitle: 子文档\ndate: 2023-05-01\n---\n子文档正文。\n")
	ps := &previewSite{testSite: newSite(t, b.String())}
	ps.b = New(Config{Source: ps.root, Dest: ps.dest, Theme: folio.Theme(), InPlace: true, BaseURL: "http://127.0.0.1/",
		Previewed: func(changed []string) {
			files := map[string]string{}
			for _, name := range changed {
				data, err := os.ReadFile(filepath.Join(ps.dest, filepath.FromSlash(name)))
				if err != nil {
					t.Errorf("preview named %s: %v", name, err)
				}
				files[name] = string(data)
			}
			ps.previews = append(ps.previews, files)
			if ps.cancel != nil {
				ps.cancel()
			}
		}})
	ps.b.Changed(nil) // a watcher reports every change, as under serve
	ps.build()
	return ps
}

// cameAndWent, as the text of a file to edit, writes it and removes it.
const cameAndWent = "\x00"

// edit writes files (name, text pairs; "" text removes), tells the
// Builder, and builds.
func (ps *previewSite) edit(files ...string) {
	ps.t.Helper()
	var names []string
	for i := 0; i < len(files); i += 2 {
		switch files[i+1] {
		case "":
			ps.remove(files[i])
		case cameAndWent:
			ps.write(files[i], "临时")
			ps.remove(files[i])
		default:
			ps.write(files[i], files[i+1])
		}
		names = append(names, files[i])
	}
	ps.previews = nil
	ps.b.Changed(names)
	ctx := ps.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	ps.result, ps.err = ps.b.Build(ctx)
}

// checkFullBuild fails the test unless the output is a full build's of
// the same site; what names the step in messages.
func (ps *previewSite) checkFullBuild(what string) {
	ps.t.Helper()
	full := New(Config{Source: ps.root, Dest: ps.dest, Theme: folio.Theme(), BaseURL: "http://127.0.0.1/"})
	full.memory = true
	if _, err := full.Build(context.Background()); err != nil {
		ps.t.Fatal(err)
	}
	got := ps.tree()
	for name, data := range full.dest.mem {
		if got[name] != string(data) {
			ps.t.Fatalf("%s: %s differs from a full build", what, name)
		}
	}
	if len(got) != len(full.dest.mem) {
		ps.t.Fatalf("%s: %d files, a full build has %d", what, len(got), len(full.dest.mem))
	}
}

// checkPreview fails the test unless the one preview of the last edit
// wrote every page whose bytes changed from before to after, with the
// bytes after, and the build after it rendered nothing more.
func (ps *previewSite) checkPreview(what string, before, after map[string]string) {
	ps.t.Helper()
	if len(ps.previews) != 1 {
		ps.t.Fatalf("%s: %d previews, want 1", what, len(ps.previews))
	}
	pv := ps.previews[0]
	for name, data := range pv {
		if after[name] != data {
			ps.t.Errorf("%s: %s as previewed differs from the build's", what, name)
		}
	}
	for name, data := range after {
		if _, ok := pv[name]; !ok && strings.HasSuffix(name, ".html") && before[name] != data {
			ps.t.Errorf("%s: %s changed, but the preview did not write it", what, name)
		}
	}
	if ps.result.Rendered != 0 {
		ps.t.Errorf("%s: the build after the preview rendered %d pages, want 0", what, ps.result.Rendered)
	}
}

// docText is document i of newPreviewSite with title and body.
func docText(i int, title, body string) string {
	tag := []string{"甲", "乙", "丙"}[i%3]
	return fmt.Sprintf("---\ntitle: %s\ndate: 2024-%02d-%02d\ntags: [%s]\n---\n%s", title, 1+i%12, 1+i, tag, body)
}

// TestPreviewWritesWhatTheBuildWould edits documents as a curator does
// under folio serve. An edit of bodies alone is previewed: every page
// whose bytes the edit changes is written by the preview, as the build
// that follows would write it, and that build renders nothing more. Any
// other edit is left to the build. At the end the output is a clean full
// build's.
func TestPreviewWritesWhatTheBuildWould(t *testing.T) {
	t.Parallel()
	ps := newPreviewSite(t)
	link := func(i int) string {
		return fmt.Sprintf("\n见[另一篇](d%02d.md)和[缺失](missing%d.md)。\n", (i+1)%30, i)
	}
	for _, c := range []struct {
		name    string
		files   []string
		preview bool
		want    []string // files the preview must write
	}{
		{"paragraph added", []string{"content/d03.md", docText(3, "文档03", "正文第3篇的开头。\n\n新的一段。\n")}, true, []string{"d03/index.html"}},
		{"summary from the text changed", []string{"content/d04.md", docText(4, "文档04", "改写的开头。\n")}, true, []string{"d04/index.html", "archive/2024/05/index.html", "tags/乙/page/2/index.html"}},
		{"unchanged links", []string{"content/d05.md", docText(5, "文档05", "正文第5篇的开头。"+link(5)+"\n又一段。\n")}, true, []string{"d05/index.html"}},
		{"two documents", []string{"content/d06.md", docText(6, "文档06", "第六篇。\n"), "content/d07.md", docText(7, "文档07", "正文第7篇的开头。\n\n加一段。\n")}, true, []string{"d06/index.html", "d07/index.html"}},
		{"through an editor's temporary file", []string{"content/d08.md.tmp", cameAndWent, "content/d08.md", docText(8, "文档08", "正文第8篇的开头。\n\n另一段。\n")}, true, []string{"d08/index.html"}},
		{"in a section", []string{"content/sub/e.md", "---\ntitle: 子文档\ndate: 2023-05-01\n---\n子文档正文改了。\n"}, true, []string{"sub/e/index.html", "sub/index.html"}},
		{"saved unchanged", []string{"content/d09.md", docText(9, "文档09", "正文第9篇的开头。\n")}, false, nil},
		{"title changed", []string{"content/d10.md", docText(10, "文档十", "正文第10篇的开头。"+link(10)+"\n")}, false, nil},
		{"heading as title", []string{"content/d11.md", "---\ndate: 2024-12-12\ntags: [丙]\n---\n# 标题来自正文\n\n正文。\n"}, false, nil},
		{"a link added", []string{"content/d12.md", docText(12, "文档12", "见[文档一](d01.md)。\n")}, false, nil},
		{"a broken link moved", []string{"content/d15.md", docText(15, "文档15", "\n\n正文第15篇的开头。"+link(15)+"\n")}, false, nil},
		{"front matter spaced out", []string{"content/d13.md", "---\ntitle:   文档13\ndate: 2024-02-14\ntags: [乙]\n---\n正文第13篇的开头。\n"}, false, nil},
		{"a new document", []string{"content/new.md", docText(1, "新文档", "新。\n")}, false, nil},
		{"a removed document", []string{"content/d14.md", ""}, false, nil},
		{"a section's page", []string{"content/sub/_index.md", "---\ntitle: 子栏目\n---\n说明。\n"}, false, nil},
		{"a broken document", []string{"content/d16.md", "---\ntitle: [\n---\n正文。\n"}, false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps.t = t
			before := ps.tree()
			ps.edit(c.files...)
			if c.name == "a broken document" {
				if ps.err == nil || len(ps.previews) > 0 {
					t.Errorf("a broken document: error %v, %d previews", ps.err, len(ps.previews))
				}
				ps.edit("content/d16.md", "")
				return
			}
			if ps.err != nil {
				t.Fatal(ps.err)
			}
			after := ps.tree()
			for _, pv := range ps.previews {
				t.Logf("previewed: %v", slices.Sorted(maps.Keys(pv)))
			}
			if !c.preview {
				if len(ps.previews) > 0 {
					t.Errorf("previewed %v", slices.Sorted(maps.Keys(ps.previews[0])))
				}
				return
			}
			ps.checkPreview(c.name, before, after)
			for _, name := range c.want {
				if _, ok := ps.previews[0][name]; !ok {
					t.Errorf("the preview did not write %s; it wrote %v", name, slices.Sorted(maps.Keys(ps.previews[0])))
				}
			}
		})
	}
	ps.t = t
	ps.checkFullBuild("after every edit")
}

func TestCameAndWent(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n甲\n-- content/sub/b.md --\n乙\n-- content/c.md --\n丙\n")
	sc := &scanned{files: []string{"a.md", "sub/b.md", "c.md"}}
	s.remove("content/sub/b.md")
	s.remove("content/c.md")
	s.write("content/new.md", "新\n")
	for p, want := range map[string]bool{
		"content/a.md.swp": true,  // never there
		"content/a.md":     false, // a file of the walk
		"content/c.md":     false, // one removed since
		"content/sub":      false, // a folder that held one
		"content/new.md":   false, // there now
	} {
		if got := sc.cameAndWent(s.root, p); got != want {
			t.Errorf("cameAndWent(%s) = %v, want %v", p, got, want)
		}
	}
	if err := os.Remove(filepath.Join(s.root, "content", "sub")); err != nil {
		t.Fatal(err)
	}
	if sc.cameAndWent(s.root, "content/sub") {
		t.Error("a removed folder that held a file of the walk came and went")
	}
}

// A newer edit cancels the build that follows a preview (as under folio
// serve); the edit after it is previewed all the same, and the build that
// completes gives a full build's output.
func TestPreviewAfterACancelledBuild(t *testing.T) {
	t.Parallel()
	ps := newPreviewSite(t)
	var cancel func()
	ps.ctx, cancel = context.WithCancel(context.Background())
	ps.cancel = cancel
	ps.edit("content/d17.md", docText(17, "文档17", "第十七篇改了开头。\n"))
	if ps.err == nil || len(ps.previews) != 1 {
		t.Fatalf("the build after the preview: error %v after %d previews, want it cancelled after 1", ps.err, len(ps.previews))
	}
	ps.ctx, ps.cancel = nil, nil
	ps.edit("content/d18.md", docText(18, "文档18", "第十八篇改了开头。\n"))
	if ps.err != nil {
		t.Fatal(ps.err)
	}
	if len(ps.previews) != 1 {
		t.Fatalf("%d previews after a cancelled build, want 1", len(ps.previews))
	}
	if _, ok := ps.previews[0]["d18/index.html"]; !ok {
		t.Errorf("the preview wrote %v, not d18's page", slices.Sorted(maps.Keys(ps.previews[0])))
	}
	ps.assertFile("d17/index.html", "第十七篇改了开头")
	ps.checkFullBuild("after a cancelled build")
}

// TestPreviewsOfRandomEdits saves random edits, a batch at a time, as an
// editor under folio serve does: text appended, a first paragraph (the
// summary) rewritten, a word changed, lines shifted, a link added, a title
// changed. After every batch the output is a full build's, and when the
// batch was previewed, every page it changed was written by the preview
// with those bytes, and the build rendered nothing more.
func TestPreviewsOfRandomEdits(t *testing.T) {
	t.Parallel()
	ps := newPreviewSite(t)
	rng := rand.New(rand.NewPCG(3, 5))
	previewed, declined := 0, 0
	for batch := range 80 {
		before := ps.tree()
		var files []string
		for range 1 + rng.IntN(2) {
			name := fmt.Sprintf("content/d%02d.md", rng.IntN(30))
			if slices.Contains(files, name) {
				continue
			}
			src, err := os.ReadFile(filepath.Join(ps.root, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			head, body, _ := strings.Cut(strings.TrimPrefix(string(src), "---\n"), "---\n")
			switch rng.IntN(7) {
			case 0, 1:
				body += fmt.Sprintf("\n追加的第%d段。\n", batch)
			case 2:
				body = fmt.Sprintf("改写的开头%d。\n\n", batch) + body
			case 3:
				body = strings.Replace(body, "。", "，", 1)
			case 4:
				body = "\n" + body
			case 5:
				body += fmt.Sprintf("\n见[文档](d%02d.md)。\n", rng.IntN(30))
			default:
				head = strings.Replace(head, "title: ", "title: 改", 1)
			}
			files = append(files, name, "---\n"+head+"---\n"+body)
		}
		ps.edit(files...)
		if ps.err != nil {
			t.Fatalf("batch %d: %v", batch, ps.err)
		}
		what := fmt.Sprintf("batch %d", batch)
		ps.checkFullBuild(what)
		if len(ps.previews) == 0 {
			declined++
			continue
		}
		previewed++
		ps.checkPreview(what, before, ps.tree())
	}
	t.Logf("%d batches previewed, %d left to the build", previewed, declined)
	if previewed < 20 || declined < 10 {
		t.Errorf("%d batches previewed and %d declined: the edits do not try both", previewed, declined)
	}
}
