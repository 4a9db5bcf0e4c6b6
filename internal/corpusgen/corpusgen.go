// Package corpusgen writes generated corpora for benchmarks and
// whole-process measurements: documents resembling scraped Chinese
// articles, the same for the same n.
package corpusgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Write writes n documents resembling scraped Chinese articles:
// front matter with a Chinese date and tags, a repeated title, bold
// metadata lines and a few paragraphs. The same n gives the same files.
func Write(root string, n int) error {
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
