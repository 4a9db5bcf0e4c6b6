package search

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html/atom"

	"github.com/folio-ssg/folio/internal/corpusgen"
	"github.com/folio-ssg/folio/internal/markdown"
)

// cleanRef is clean as it was before it returned clean text as it is.
func cleanRef(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := -1 // -1: not in a run; 0: a run without newline; 1: with
	for _, r := range s {
		if unicode.IsSpace(r) {
			if space < 0 {
				space = 0
			}
			if r == '\n' {
				space = 1
			}
			continue
		}
		if class(fold(r)) == ignored {
			continue
		}
		if space >= 0 {
			if b.Len() > 0 {
				b.WriteByte(" \n"[space])
			}
			space = -1
		}
		b.WriteRune(r)
	}
	return b.String()
}

// skippedRef and blocksRef are the elements skipped and block were
// written from.
var (
	skippedRef = map[atom.Atom]bool{
		atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
		atom.Head: true, atom.Title: true, atom.Svg: true, atom.Math: true,
		atom.Iframe: true, atom.Object: true, atom.Rp: true, atom.Select: true,
	}
	blocksRef = map[atom.Atom]bool{
		atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
		atom.Br: true, atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Div: true,
		atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
		atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true,
		atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
		atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
		atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
		atom.Table: true, atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true,
		atom.Thead: true, atom.Tr: true, atom.Ul: true, atom.Body: true, atom.Html: true,
	}
)

// skipped and block hold for the elements of skippedRef and blocksRef,
// and for no other atom.
func TestSkippedAndBlockAsBefore(t *testing.T) {
	n := 0
	// An atom is the offset of its name in the atoms' text and its length.
	for off := 0; ; off++ {
		inText := false
		for l := 1; l < 256; l++ {
			a := atom.Atom(off<<8 | l)
			name := a.String()
			if name == "" {
				break
			}
			inText = true
			if atom.Lookup([]byte(name)) != a {
				continue
			}
			n++
			if skipped(a) != skippedRef[a] || block(a) != blocksRef[a] {
				t.Errorf("%s: skipped %v, block %v", name, skipped(a), block(a))
			}
		}
		if !inText {
			break
		}
	}
	if n < 300 {
		t.Errorf("found only %d atoms", n)
	}
}

// trickyHTML are cases at the edges of what textFromPlainHTML reads, and
// past them.
var trickyHTML = []string{
	"",
	"plain text",
	"<p>人工<b>智能</b></p><p>第二段</p>",
	"<h1 id=\"标题\">标题</h1>\n<ul>\n<li>一</li>\n<li>二<ul><li>二.一</li></ul></li>\n</ul>\n<ol start=\"3\"><li><p>三</p></li></ol>",
	"<table>\n<thead>\n<tr>\n<th align=\"left\">甲</th>\n<th>乙</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td><code>x &amp; y</code></td>\n</tr>\n</tbody>\n</table>",
	"<pre><code class=\"language-go\">func main() {\n\tfmt.Println(&quot;hi&quot;)\n}\n</code></pre>\n<p>after</p>",
	"<p>a  \n b<br>c<br/>d<br />e<BR>f</p>",
	"<p>&amp; &lt; &gt; &quot; &#39; &apos; &nbsp; &copy; &copy &ampx; &amp &; &AMP; &amp;amp; &notit; &notin; &lt&gt</p>",
	"<p>&#0; &#x110000; &#128; &#x80; &#x9f; &#159; &#xD800; &#55296; &#99999999999; &#x; &#; &# &#x41 &#65x &#X41; &#x00000041; &#13; &#10;x &#32;y &#160;z &#xa0;</p>",
	"AT&T & co &",
	"&#x4g; &#xg; &#x1F600; &#XaF; &#xFFFFFFFFFF; &#1114111; &#1114112;",
	"&#",
	"&#x",
	"&",
	"&amp",
	"a&#2",
	"<p>图<img src=\"x.png\" alt=\"示意图\">说明</p>",
	"<img src=\"a\" alt=\"a &amp; b &lt;c&gt; &#20154; &#x4eba; &quot;q&quot; &apos; &nbsp; end\">",
	"<img alt=\"&copy; 2025\">",
	"<img alt=\"a&amp=b &ampx; &amp\">",
	"<img alt=\"&; & &# &#x; x\">",
	"<img alt='single &amp; quoted'>",
	"<img alt=unquoted>", "<img alt=a\tb>", "<img alt=a\nb>x", "<img alt=x/>", "<img alt=\"q\"\"r\">",
	"<img alt=\"x\"/>after",
	"<img/alt=\"x\">",
	"<img alt = \"spaced\" >",
	"<img alt>",
	"<img alt=\"\">",
	"<img alt=>x",
	"<img alt=\"first\" ALT=\"second\">",
	"<IMG SRC=\"x\" ALT=\"upper\">",
	"<img src=\"x\">",
	"<img alt=\"line\nbreak\ttab\">",
	"<img alt=\"a\"b=\"c\">",
	"<img alt=\"x\" / >",
	"<p>a<img alt=\"x\">b<img alt=\"y\">c</p>",
	"<h2 id=\"第一章-总则\">第一章 总则</h2><p>第一条 为了规范价格行为。</p>",
	"<p>inline<em>across</em>words <strong>and</strong> <a href=\"/x/\">links</a>.</p>",
	"<p>中文　全角空格\u00a0nbsp\u2003em\ufeffbom\u200bzwsp\u0085nel\u2028ls\u00adshy</p>",
	"<a href=\"x>y\" title='a>b'>link</a> rest",
	"<p>a<!-- c --> b</p>",
	"<!---->x", "<!-->x", "<!--", "<!-x>y", "<!>", "<!",
	"<script>var s = '<p>no</p>';</script><style>p{}</style><p>y</p>",
	"<![CDATA[x]]>after",
	"<!DOCTYPE html><html><head><title>t</title></head><body><p>b</p></body></html>",
	"<?xml version=\"1.0\"?><p>x</p>",
	"<P>A</P><DIV>B</DIV><Ul><Li>c</LI></uL>",
	"a < b", "a <3", "a<", "<", "</", "</>", "</ p>", "</3>", "<3", "a<=b", "<<p>>",
	"<p", "<p ", "<p class=\"x", "<img alt=\"x", "<a href='x", "<p class", "<p class=", "</p", "</p class=\"x\"",
	"<textarea><p>x</p></textarea>y", "<xmp><b>x</b></xmp>", "<plaintext><p>x", "<title>t &amp;</title>x",
	"<noembed>n</noembed>x", "<noframes>n</noframes>x", "<iframe>i</iframe>x", "<noscript>n</noscript>x",
	"<svg><text>x</text></svg>y", "<template><p>hidden</p></template>ok", "<select><option>o</option></select>z",
	"<svg/>after", "<math><mi>x</mi></math>y", "<object>o</object>p", "<rp>(</rp>", "<head>h</head>b",
	"</script>x</p>y", "</svg></template>z",
	"<p/>x", "<p / >x", "<p =x>y", "<p a=>y", "<p a= >y", "<p a=\"x\"b=\"y\">z", "<p\vclass=\"x\">y", "<p\fclass=\"x\">y",
	"<p\tclass=\"x\"\n>y</p\n>", "<p class=\"a\" class=\"b\">x</p>", "<p data-x=\"1\" aria-label=\"l\" xml:lang=\"zh\">x</p>",
	"<p<b>x", "<a:b>x</a:b>", "<h1x>x</h1x>", "<my-element>x</my-element>", "<h7>x</h7>y",
	"<" + strings.Repeat("a", 40) + ">x", "<" + strings.Repeat("A", 40) + ">x", "<DIV" + strings.Repeat("V", 30) + ">x",
	"</p class=\"x\">y", "</p foo>y", "</p/>y", "</P>y", "</div\n>y",
	"<p>a\r\nb\rc</p>", "<p>a\x00b</p>", "<p a=\"\x00\">x</p>",
	"<p>\xff\xfe</p>", "a\xe4\xc2\xa0b", "\xc2", "a\xe3\x80", "<img alt=\"\xff\">",
	"<div><p>嵌套</p>尾</div>", "<p>unclosed <em>em", "<blockquote>\n<p>q</p>\n</blockquote>",
	"<dl><dt>t</dt><dd>d</dd></dl>", "<hr><hr/>x<hr>",
	"<sup id=\"fnref:1\"><a href=\"#fn:1\" class=\"footnote-ref\" role=\"doc-noteref\">1</a></sup><div class=\"footnotes\" role=\"doc-endnotes\"><hr><ol><li id=\"fn:1\"><p>note&#160;<a href=\"#fnref:1\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a></p></li></ol></div>",
	"<ul><li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li></ul>",
	"   \n\t  ", "<p>   </p>", "<p> a </p> <p> </p> b",
}

// trickyText are cases for clean.
var trickyText = []string{
	"", " ", "\n", "a", " a", "a ", "a\n", "\na", "a b", "a  b", "a \n b", "a\n\nb", "a \nb", "a\tb", "a\vb",
	"a\u200bb", "a \u200b b", "\u200b", "a\u00adb", "\xff", "a\xffb", "a\xe4\xc2\xa0b", "\ufffd",
	"a\u0085b", "a\u00a0b", "a\u3000b", "ｇｄｐ\u3000增长５ｇ", "İı", "\ufeffa", "a\ufeff", "人工 智能\n经济",
	"a\xed\xa0\x80b", "\xe4\xb8", "\xe4\xb8\x41", "a\xe0\x80\x80", "\xec\xbf\xbf\xee\x80\x80", "a\ufe0fb", "Ǆ",
	"co\u00adop\u200dera\u2060tion", "x\u2028y", "\u3001、\ufdff\ufe00\ufe0f\ufe10",
}

// textInputs returns HTML of the kinds TextFromHTML meets: the bodies
// folio renders from every Markdown file of the repository, the files
// in its txtar archives and corpusgen's documents, the same bodies
// rendered by plain goldmark, with raw HTML and without, and every file
// as it is, HTML or not. plain lists the bodies folio renders from
// corpusgen's documents and the search testdata, which
// textFromPlainHTML must read.
func textInputs(tb testing.TB) (inputs map[string][]byte, plain []string) {
	tb.Helper()
	inputs = make(map[string][]byte)
	conv := markdown.New()
	rawHTML := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithRendererOptions(ghtml.WithUnsafe()))
	add := func(name string, b []byte, md bool) {
		inputs[name] = b
		if !md {
			return
		}
		body := b
		if rest, ok := bytes.CutPrefix(b, []byte("---\n")); ok {
			if _, after, ok := bytes.Cut(rest, []byte("\n---\n")); ok {
				body = after
			}
		}
		for _, trust := range []bool{false, true} {
			r, err := conv.Convert(body, markdown.Options{TrustHTML: trust})
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			if trust {
				inputs[name+" (trusted)"] = r.HTML
			} else {
				inputs[name+" (folio)"] = r.HTML
			}
		}
		var buf bytes.Buffer
		if err := goldmark.Convert(b, &buf); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		inputs[name+" (goldmark)"] = bytes.Clone(buf.Bytes())
		buf.Reset()
		if err := rawHTML.Convert(b, &buf); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		inputs[name+" (raw HTML)"] = bytes.Clone(buf.Bytes())
	}
	// Files may come and go while the repository is being worked on.
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(p)
		if ext != ".md" && ext != ".html" && ext != ".txtar" {
			return nil
		}
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		add(p, b, ext == ".md")
		if ext == ".txtar" {
			for _, f := range txtar.Parse(b).Files {
				add(p+"/"+f.Name, f.Data, strings.HasSuffix(f.Name, ".md"))
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	for name := range inputs {
		if strings.Contains(name, filepath.Join("internal", "search", "testdata")) && strings.HasSuffix(name, ".md (folio)") {
			plain = append(plain, name)
		}
	}
	dir := tb.TempDir()
	if err := corpusgen.Write(dir, 30); err != nil {
		tb.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		add("corpusgen/"+d.Name(), b, true)
		plain = append(plain, "corpusgen/"+d.Name()+" (folio)")
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	for i, s := range trickyHTML {
		inputs[fmt.Sprintf("tricky/%d", i)] = []byte(s)
	}
	return inputs, plain
}

// TextFromHTML reads the HTML it is given as the tokenizer does.
func TestTextFromHTMLAsTokenizer(t *testing.T) {
	inputs, plain := textInputs(t)
	fast := 0
	for name, b := range inputs {
		want := textFromHTMLTokenizer(b)
		if got := TextFromHTML(b); got != want {
			t.Errorf("%s: TextFromHTML differs from the tokenizer's\n got %.300q\nwant %.300q", name, got, want)
		}
		if _, ok := textFromPlainHTML(b); ok {
			fast++
		}
		if got, want := clean(want), cleanRef(want); got != want {
			t.Errorf("%s: clean of its text differs\n got %.300q\nwant %.300q", name, got, want)
		}
		if got, want := clean(string(b)), cleanRef(string(b)); got != want {
			t.Errorf("%s: clean of it differs\n got %.300q\nwant %.300q", name, got, want)
		}
	}
	t.Logf("%d of %d inputs read without the tokenizer", fast, len(inputs))
	if len(plain) < 30 {
		t.Errorf("only %d documents folio renders", len(plain))
	}
	for _, name := range plain {
		if _, ok := textFromPlainHTML(inputs[name]); !ok {
			t.Errorf("%s: the tokenizer reads what folio renders", name)
		}
	}
}

// htmlPieces are what randomHTML strings together: mostly what
// textFromPlainHTML reads, and some of what it leaves to the tokenizer.
var htmlPieces = []string{
	"人工智能", "，", "。", "a", "Word", "1", " ", "  ", "\n", "\t", "\f", "\v", "\u00a0", "\u3000", "\u2003", "\ufeff",
	"\u0085", "\u200b", "\u1680", "\u2028", "\u205f", "\xff", "\xe4", "\xc2", "\xa0", "\xe3\x80", "\xef\xbb",
	"&amp;", "&amp", "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", "&copy;", "&copy", "&ampx;", "&notin;", "&notit;",
	"&AMP;", "&#39;", "&#x41;", "&#x4g;", "<img alt=a\tb>", "&#20154;", "&#128;", "&#x9F;", "&#0;", "&#x110000;", "&#xD800;", "&#", "&#x", "&", "&;",
	"<", "< ", "<3", "<=", ">", "=", "\"", "'", "/",
	"<p>", "</p>", "<P>", "</P>", "<li>", "</li>", "<ul>", "</ul>", "<div class=\"x\">", "</div>", "<br>", "<br/>", "<BR />",
	"<h2 id=\"第一章-总则\">", "</h2>", "<em>", "</em>", "<a href=\"x>y\" title='a>b'>", "</a>", "<span data-x=\"1\">",
	"</span>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<pre><code class=\"language-go\">", "</code></pre>",
	"<img alt=\"", "<img src=\"x.png\" alt=\"示意 &amp; 图\">", "<img alt='x'>", "<img alt>", "<img ALT=\"u\">",
	"<img alt=\"a\" alt=\"b\">", "<img/alt=\"x\">", "<img alt=\"&copy;\">", "<img alt=\"&#128;&#39;\">", "<img src=x>",
	"<p/>", "<p / >", "<p a=>", "<p =x>", "<p a=\"1\"b='2'>", "</p class=\"x\">", "<my-el>", "</my-el>", "<svg>", "</svg>",
	"</script>", "<script>", "<!-- c -->", "<!DOCTYPE html>", "<?x?>", "</>", "</ p>", "<textarea>", "<xmp>", "<title>",
	"\r\n", "\x00", "<p\n>", "</p\t>", "<p\vx>",
}

// randomHTML strings n pieces together.
func randomHTML(rng *rand.Rand, n int) []byte {
	var b []byte
	for range n {
		b = append(b, htmlPieces[rng.IntN(len(htmlPieces))]...)
	}
	return b
}

// TextFromHTML reads random strings of the pieces of HTML as the
// tokenizer does.
func TestTextFromHTMLRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	const runs = 20000
	for i := range runs {
		b := randomHTML(rng, 1+i%20)
		if got, want := TextFromHTML(b), textFromHTMLTokenizer(b); got != want {
			t.Fatalf("TextFromHTML(%q) = %q, the tokenizer's %q", b, got, want)
		}
		if _, ok := textFromPlainHTML(b); ok {
			fast++
		}
	}
	t.Logf("%d of %d read without the tokenizer", fast, runs)
	if fast < runs/10 {
		t.Errorf("only %d of %d read without the tokenizer", fast, runs)
	}
}

func TestCleanAsBefore(t *testing.T) {
	for _, s := range trickyText {
		if got, want := clean(s), cleanRef(s); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	}
}

// The fast paths rest on facts about characters: check them all.
func TestTextFastPathCharacters(t *testing.T) {
	var buf [utf8.UTFMax]byte
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		b := buf[:utf8.EncodeRune(buf[:], r)]
		if isSpace(r) != (spaceLen(b) == len(b)) {
			t.Errorf("spaceLen(%U) = %d, isSpace %v", r, spaceLen(b), isSpace(r))
		}
		if 0x3001 <= r && r < 0xFE00 && (unicode.IsSpace(r) || class(fold(r)) == ignored) {
			t.Errorf("clean takes %U for a character kept", r)
		}
	}
}

func FuzzTextFromHTML(f *testing.F) {
	for _, s := range trickyHTML {
		f.Add([]byte(s))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 100 {
		f.Add(randomHTML(rng, 1+i%20))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := TextFromHTML(b), textFromHTMLTokenizer(b); got != want {
			t.Errorf("TextFromHTML(%q) = %q, the tokenizer's %q", b, got, want)
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, s := range trickyText {
		f.Add(s)
	}
	for _, s := range trickyHTML {
		f.Add(textFromHTMLTokenizer([]byte(s)))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := clean(s), cleanRef(s); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	})
}

// benchHTML is the body folio renders from a Chinese document of about
// 8 KB: corpusgen's with headings and paragraphs, and lists added.
func benchHTML(tb testing.TB) []byte {
	dir := tb.TempDir()
	if err := corpusgen.Write(dir, 20); err != nil {
		tb.Fatal(err)
	}
	var src []byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if len(b) > len(src) {
			src = b
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	_, body, _ := bytes.Cut(bytes.TrimPrefix(src, []byte("---\n")), []byte("\n---\n"))
	body = bytes.Clone(body)
	for len(body) < 8<<10 {
		body = append(body, "\n## 主要任务\n\n- 坚持自立自强，突出应用导向。\n- 推动人工智能**健康有序**发展。\n  1. 加强基础研究；\n  2. 完善治理体系。\n"...)
	}
	r, err := markdown.New().Convert(body, markdown.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, ok := textFromPlainHTML(r.HTML); !ok {
		tb.Fatal("the benchmark's HTML needs the tokenizer")
	}
	return r.HTML
}

func BenchmarkTextFromHTML(b *testing.B) {
	h := benchHTML(b)
	for _, c := range []struct {
		name string
		f    func([]byte) string
	}{{"new", TextFromHTML}, {"tokenizer", textFromHTMLTokenizer}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(h)))
			b.ReportAllocs()
			for b.Loop() {
				c.f(h)
			}
		})
	}
}

// BenchmarkClean cleans the text of the benchmark's HTML, clean already,
// and the same with its spaces doubled.
func BenchmarkClean(b *testing.B) {
	text := TextFromHTML(benchHTML(b))
	for _, in := range []struct{ name, s string }{
		{"clean", text},
		{"spaced", strings.ReplaceAll(text, " ", "  \t")},
	} {
		for _, c := range []struct {
			name string
			f    func(string) string
		}{{"new", clean}, {"ref", cleanRef}} {
			b.Run(in.name+"/"+c.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.s)))
				b.ReportAllocs()
				for b.Loop() {
					c.f(in.s)
				}
			})
		}
	}
}
