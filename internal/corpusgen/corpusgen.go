// Package corpusgen writes generated corpora for benchmarks and
// whole-process measurements: documents resembling scraped Chinese
// articles, the same for the same n.
//
// Write holds only a few documents in memory at a time, so it writes a
// million as readily as a thousand; the time goes to creating files.
package corpusgen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// writers is how many goroutines create files while one generates them.
// Creating a file costs far more than generating its text, nearly all of
// it in the kernel (on ext4, finding a free inode); two writers overlap
// that with the generation and with each other, and more added only
// system time on a two-core machine.
const writers = 2

// Write writes n documents resembling scraped Chinese articles:
// front matter with a Chinese date and tags, a repeated title, bold
// metadata lines and a few paragraphs. The same n gives the same files.
func Write(root string, n int) error {
	files := make(chan file, 64)
	stop := make(chan struct{})
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			close(stop)
		})
	}
	for range writers {
		wg.Go(func() {
			for f := range files {
				if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	err := generate(root, n, func(f file) bool {
		select {
		case files <- f:
			return true
		case <-stop:
			return false
		}
	})
	close(files)
	wg.Wait()
	if err != nil {
		return err
	}
	return firstErr
}

// A file is one generated document: where it goes and its bytes.
type file struct {
	path string
	data []byte
}

// generate makes the n documents in order, creating each year's directory
// before handing over its first document, until emit returns false.
func generate(root string, n int, emit func(file) bool) error {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	tags := []string{"人工智能", "数据安全", "科技政策", "教育", "环境", "金融", "交通", "医疗", "农业", "外交"}
	para := "习近平在主持学习时强调，面对新一代人工智能技术快速演进的新形势，要充分发挥新型举国体制优势，坚持自立自强，突出应用导向，推动我国人工智能朝着有益、安全、公平方向健康有序发展。"
	made := make(map[int]bool)
	for i := range n {
		// The order of the calls to rng is the corpus: keep it.
		y, m, d := 2000+rng.IntN(26), 1+rng.IntN(12), 1+rng.IntN(28)
		title := fmt.Sprintf("关于推进第%d项政策的通知", i)
		var b bytes.Buffer
		b.Grow(8 << 10)
		fmt.Fprintf(&b, "---\ntitle: %s\ndate: %d年%02d月%02d日\nauthor: 人民日报\nversion: 第%02d版\nsource: 人民日报\noriginal_url: http://example.com/%d.html\ntags: [%s, %s]\n---\n\n",
			title, y, m, d, 1+rng.IntN(20), i, tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))])
		fmt.Fprintf(&b, "# %s\n\n**作者**: 人民日报  \n**日期**: %d年%02d月%02d日  \n\n", title, y, m, d)
		for p := range 4 + rng.IntN(8) {
			fmt.Fprintf(&b, "## 第%d部分\n\n%s\n%s\n\n", p+1, para, para)
		}
		dir := filepath.Join(root, "content", strconv.Itoa(y))
		if !made[y] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			made[y] = true
		}
		if !emit(file{filepath.Join(dir, fmt.Sprintf("doc%06d.md", i)), b.Bytes()}) {
			return nil
		}
	}
	return nil
}
