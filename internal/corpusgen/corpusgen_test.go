package corpusgen

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeReference is Write as it was first written, one file after another:
// benchmarks and tests rely on its corpora, so Write must produce the same.
func writeReference(root string, n int) error {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	tags := []string{"人工智能", "数据安全", "科技政策", "教育", "环境", "金融", "交通", "医疗", "农业", "外交"}
	para := "习近平在主持学习时强调，面对新一代人工智能技术快速演进的新形势，要充分发挥新型举国体制优势，坚持自立自强，突出应用导向，推动我国人工智能朝着有益、安全、公平方向健康有序发展。"
	for i := range n {
		y, m, d := 2000+rng.IntN(26), 1+rng.IntN(12), 1+rng.IntN(28)
		title := fmt.Sprintf("关于推进第%d项政策的通知", i)
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %s\ndate: %d年%02d月%02d日\nauthor: 人民日报\nversion: 第%02d版\nsource: 人民日报\noriginal_url: http://example.com/%d.html\ntags: [%s, %s]\n---\n\n",
			title, y, m, d, 1+rng.IntN(20), i, tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))])
		fmt.Fprintf(&b, "# %s\n\n**作者**: 人民日报  \n**日期**: %d年%02d月%02d日  \n\n", title, y, m, d)
		for p := range 4 + rng.IntN(8) {
			fmt.Fprintf(&b, "## 第%d部分\n\n%s\n%s\n\n", p+1, para, para)
		}
		p := filepath.Join(root, "content", fmt.Sprintf("%d", y), fmt.Sprintf("doc%06d.md", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteMatchesTheFirstGenerator(t *testing.T) {
	for _, n := range []int{0, 1, 3, 120} {
		got, want := t.TempDir(), t.TempDir()
		if err := Write(got, n); err != nil {
			t.Fatalf("Write(%d): %v", n, err)
		}
		if err := writeReference(want, n); err != nil {
			t.Fatal(err)
		}
		g, w := readTree(t, got), readTree(t, want)
		if len(g) != n || len(w) != n {
			t.Fatalf("Write(%d) wrote %d files, reference %d", n, len(g), len(w))
		}
		for name, body := range w {
			if g[name] != body {
				t.Errorf("Write(%d): %s differs from the reference", n, name)
			}
		}
	}
}

func TestWriteReportsAFileItCannotCreate(t *testing.T) {
	root := t.TempDir()
	// A directory where the first document goes, in every year it may fall in.
	for y := 2000; y < 2026; y++ {
		if err := os.MkdirAll(filepath.Join(root, "content", fmt.Sprint(y), "doc000000.md"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err := Write(root, 500)
	if err == nil || !strings.Contains(err.Error(), "doc000000.md") {
		t.Fatalf("Write over a directory = %v, want an error naming doc000000.md", err)
	}
}

func TestWriteReportsAnUnusableRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(root, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(root, 10); err == nil {
		t.Fatal("Write under a regular file = nil, want an error")
	}
}
