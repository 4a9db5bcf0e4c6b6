package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/cli"
)

// copyTree copies the folder src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, root string, args ...string) (lines []string, code int, out string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code = cli.Main(context.Background(), append([]string{"check", "--source", root}, args...), &stdout, &stderr)
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if l != "" && !strings.HasPrefix(l, "folio check:") && !strings.HasPrefix(l, "::") {
			lines = append(lines, l)
		}
	}
	return lines, code, stdout.String()
}

// plant is one planted problem: a file to write and the line folio check
// must report for it.
type plant struct{ file, text, want string }

var planted = []plant{
	{"content/planted/bad-date.md", "---\ntitle: 日期错误\ndate: 2025年13月01日\n---\n正文。\n", `content/planted/bad-date.md:3:7: date "2025年13月01日": month out of range`},
	{"content/planted/bad-yaml.md", "---\ntitle: 坏\nauthor: 人民日报: 记者\n---\n正文。\n", "content/planted/bad-yaml.md:3:9: yaml: mapping value is not allowed in this context"},
	{"content/planted/bad-toml.md", "+++\ntitle = \"坏\"\ndate = \n+++\n正文。\n", "content/planted/bad-toml.md:3:8: toml: expected value but found '\\n' instead"},
	{"content/planted/bad-json.md", "{\n  \"title\": \"坏\",\n  \"date\": ,\n}\n正文。\n", "content/planted/bad-json.md:3:11: json: invalid character ','"},
	{"content/planted/bad-draft.md", "---\ntitle: 草稿\ndraft: maybe\n---\n正文。\n", `content/planted/bad-draft.md:3:8: draft "maybe": want true or false`},
	{"content/planted/typo.md", "---\ntilte: 标题拼错\n---\n正文。\n", "content/planted/typo.md:2:8: warning: tilte: did you mean title?"},
	{"content/planted/link.md", "---\ntitle: 链接\n---\n见[下一期](./no-such-file.md)。\n", "content/planted/link.md:4:4: warning: link to ./no-such-file.md: no document or file content/planted/no-such-file.md"},
	{"content/planted/relation.md", "---\ntitle: 关系\nsupersedes: [国发〔1990〕99号]\n---\n正文。\n", `content/planted/relation.md:3:14: warning: supersedes "国发〔1990〕99号" names no document of the collection; it is shown as text`},
	{"content/planted/dup1.md", "---\ntitle: 一\noriginal_url: https://www.gov.cn/zhengce/content/2025-01/01/content_1.htm\n---\n正文。\n", ""},
	{"content/planted/dup2.md", "---\ntitle: 二\noriginal_url: https://www.gov.cn/zhengce/content/2025-01/01/content_1.htm\n---\n正文。\n", "content/planted/dup2.md:3:15: warning: original_url https://www.gov.cn/zhengce/content/2025-01/01/content_1.htm is also content/planted/dup1.md's: one document twice?"},
	{"content/planted/empty.md", "---\ntitle: 空\n---\n", "content/planted/empty.md:4:1: warning: empty document: no text after the front matter"},
	{"content/planted/script.md", "---\ntitle: 脚本\n---\n<p>正文</p>\n<script>alert(1)</script>\n", "content/planted/script.md:5:1: warning: removed <script> and its content"},
	{"content/planted/0cc289df36280051.md", "正文没有标题。\n", `content/planted/0cc289df36280051.md:1:1: warning: no title, and the file name "0cc289df36280051" reads as none (add title: or a # heading)`},
	{"content/planted/status.md", "---\ntitle: 效力\nstatus: 不明确\n---\n正文。\n", `content/planted/status.md:3:9: warning: status "不明确": want 有效, 失效, 已修改 or 未知 (in force, repealed, amended, unknown)`},
}

// TestCheckReportsPlantedErrorsAndNothingElse plants a dozen problems in
// a copy of the real corpora (or of the repository's samples of them) and
// expects folio check to report each at its line, and nothing it did not
// report before.
func TestCheckReportsPlantedErrorsAndNothingElse(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	corpus := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err == nil {
		for _, c := range []string{"laws-zh", "nyc-eo"} {
			copyTree(t, filepath.Join(corpus, c), filepath.Join(root, "content", c))
		}
	} else if os.Getenv("FOLIO_REQUIRE_CORPUS") != "" {
		t.Fatalf("corpus required here: %v", err)
	} else {
		copyTree(t, filepath.Join("..", "..", "testdata", "nyc-eo"), filepath.Join(root, "content", "nyc-eo"))
		copyTree(t, filepath.Join("..", "..", "testdata", "transcripts", "content"), filepath.Join(root, "content", "transcripts"))
	}
	// The corpora's own README, LICENSE and SOURCE files are not documents.
	os.WriteFile(filepath.Join(root, "folio.yaml"), []byte("id_key: eo_id\nexclude: [README.md, 'LICENSE*', SOURCE.tsv]\n"), 0o644)
	before, code, _ := check(t, root)
	if code != 0 {
		t.Fatalf("the corpus alone: exit %d: %v", code, before)
	}
	for _, p := range planted {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p.file)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p.file), []byte(p.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	after, code, out := check(t, root)
	if code != 1 {
		t.Errorf("exit %d with errors planted, want 1", code)
	}
	var added []string
	for _, l := range after {
		if !slices.Contains(before, l) {
			added = append(added, l)
		}
	}
	var want []string
	for _, p := range planted {
		if p.want != "" {
			want = append(want, p.want)
		}
	}
	for _, w := range want {
		found := false
		for _, l := range added {
			if strings.HasPrefix(l, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("not reported: %s", w)
		}
	}
	if len(added) != len(want) {
		t.Errorf("reported %d new findings for %d planted problems:\n%s", len(added), len(want), strings.Join(added, "\n"))
	}
	if !strings.Contains(out, "folio check: 5 errors, ") {
		t.Errorf("summary: %s", out[strings.LastIndex(out, "folio check:"):])
	}
}

func TestCheckFormatsAndAnnotations(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	os.WriteFile(filepath.Join(root, "content", "a.md"), []byte("---\ntitle: 甲\ndate: 2025年13月01日\n---\n正文。\n"), 0o644)
	os.WriteFile(filepath.Join(root, "content", "b.md"), []byte("---\ntilte: 乙\n---\n正文。\n"), 0o644)
	_, code, out := check(t, root, "--format", "json")
	var rep struct {
		Errors, Warnings int
		Diagnostics      []struct {
			Path, Severity, Message string
			Line, Col               int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--format json: %v\n%s", err, out)
	}
	if code != 1 || rep.Errors != 1 || rep.Warnings != 1 || rep.Diagnostics[0].Path != "content/a.md" || rep.Diagnostics[0].Line != 3 || rep.Diagnostics[0].Col != 7 {
		t.Errorf("json report (exit %d): %+v", code, rep)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	_, _, out = check(t, root)
	for _, want := range []string{
		"::error file=content/a.md,line=3,col=7::date \"2025年13月01日\"%3A month out of range",
		"::warning file=content/b.md,line=2,col=8::tilte%3A did you mean title?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("annotations lack %q:\n%s", want, out)
		}
	}
	// Clean, it exits 0; a warning fails only with --strict.
	os.Remove(filepath.Join(root, "content", "a.md"))
	if _, code, _ := check(t, root); code != 0 {
		t.Errorf("warnings only: exit %d, want 0", code)
	}
	if _, code, _ := check(t, root, "--strict"); code != 1 {
		t.Errorf("warnings only with --strict: exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); err == nil {
		t.Error("folio check wrote a site")
	}
}
