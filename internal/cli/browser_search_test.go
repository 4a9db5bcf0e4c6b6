package cli_test

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// bundledSite copies the repository's bundled example (content/ and
// folio.yaml) into a new site root.
func bundledSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	repo := filepath.Join("..", "..")
	for _, name := range []string{"content", "folio.yaml"} {
		err := filepath.WalkDir(filepath.Join(repo, name), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(repo, p)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dst := filepath.Join(root, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const (
	seedTitle = "习近平在中共中央政治局第二十次集体学习时强调"
	results   = `[...document.querySelectorAll(".search-results li")]`
)

func TestBrowserSearchFindsChinese(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	_, site := startServe(t, bundledSite(t))

	// A link with a query: the seed article comes first, its snippet
	// highlights the match.
	step(t, ctx, "open the search page with a query", chromedp.Navigate(site+"search/?q="+url.QueryEscape("人工智能")))
	poll(t, ctx, "results for 人工智能", results+`.length > 0`)
	if first := eval[string](t, ctx, results+`[0].querySelector("a").textContent`); first != seedTitle {
		t.Errorf("first result for 人工智能 = %q, want the seed article", first)
	}
	if href := eval[string](t, ctx, `decodeURIComponent(new URL(`+results+`[0].querySelector("a").href).pathname)`); href != "/repo/news/000_0cc289df36280051/" {
		t.Errorf("first result links to %q, want a page under /repo/news/", href)
	}
	if mark := eval[string](t, ctx, results+`[0].querySelector("mark")?.textContent ?? ""`); mark != "人工智能" {
		t.Errorf("snippet highlights %q, want 人工智能", mark)
	}
	all := eval[int](t, ctx, results+`.length`)

	// A filter narrows the results, and the URL keeps the search.
	step(t, ctx, "filter by a tag", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector('select[name="tag"]');
		const o = [...s.options].find(o => o.value && o.textContent.startsWith("科技政策"));
		s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`))
	poll(t, ctx, "the tag filter narrows the results", results+`.length > 0 && `+results+`.length < `+itoa(all)+` && location.search.includes("tag=")`)

	// Typing a phrase from one of the bundled laws lists that law, and the
	// address follows the query.
	step(t, ctx, "clear the filter and the box", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector('select[name="tag"]'); s.value = ""; s.dispatchEvent(new Event("change", {bubbles: true}));
		const q = document.querySelector('input[name="q"]'); q.value = ""; q.dispatchEvent(new Event("input", {bubbles: true}));
	})()`))
	step(t, ctx, "type a phrase", chromedp.SendKeys(`input[name="q"]`, "市场调节价"))
	// Typed a character at a time: the first four already find the law,
	// so the poll waits for the whole phrase in the address as well.
	poll(t, ctx, "the law is found, and the address has the typed phrase", results+`.length === 1 && `+results+`[0].textContent.includes("中华人民共和国价格法") && new URLSearchParams(location.search).get("q") === "市场调节价"`)
	// Every result contains the phrase: 调节 alone elsewhere does not count.
	if n := eval[int](t, ctx, results+`.filter(li => !li.textContent.includes("市场调节价")).length`); n != 0 {
		t.Errorf("%d results do not show the phrase", n)
	}
}

func itoa(n int) string {
	return strconv.Itoa(n)
}
