package build

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"

	"github.com/folio-ssg/folio"
)

// generateCorpus writes n documents resembling scraped Chinese articles:
// front matter with a Chinese date and tags, a repeated title, bold
// metadata lines and a few paragraphs. The same n gives the same files.
func generateCorpus(tb testing.TB, root string, n int) {
	tb.Helper()
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
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

const benchDocs = 2000

// BenchmarkBuild is a cold build of a generated corpus: load, assemble,
// render and write.
func BenchmarkBuild(b *testing.B) {
	root := b.TempDir()
	generateCorpus(b, root, benchDocs)
	dest := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), Config{Source: root, Dest: dest, Theme: folio.Theme()}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchDocs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkGoldmarkBaseline converts the same corpus with a plain goldmark,
// one document after another: the baseline BenchmarkBuild is compared with.
func BenchmarkGoldmarkBaseline(b *testing.B) {
	root := b.TempDir()
	generateCorpus(b, root, benchDocs)
	var srcs [][]byte
	filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			s, _ := os.ReadFile(p)
			srcs = append(srcs, s)
		}
		return err
	})
	md := goldmark.New()
	var out strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range srcs {
			out.Reset()
			if err := md.Convert(s, &out); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(benchDocs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
