package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/folio-ssg/folio/internal/diag"
)

// meta is a file's decoded front matter.
type meta struct {
	fm       map[string]any
	body     []byte
	bodyLine int
	// pos holds where each top-level key's value starts, and each item of
	// a list value under "key.N" (0-based).
	pos map[string]diag.Position
}

// split separates the front matter from the body and decodes it. Every
// syntax error is positioned at the line and column of the offending token
// in the file.
func split(p string, src []byte) (*meta, error) {
	src, err := decodeText(p, src)
	if err != nil {
		return nil, err
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	if bytes.IndexByte(src, '\r') >= 0 {
		src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n")) // classic Mac line ends
	}
	// The line of the opening delimiter: the first non-blank line.
	open := 1
	for line := range bytes.Lines(src) {
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
		open++
	}
	if err := unterminated(p, src); err != nil {
		return nil, err
	}
	m := &meta{pos: map[string]diag.Position{}}
	if ok, err := splitJSON(p, src, open, m); ok {
		return m, err
	}
	var decodeErr error
	wrap := func(kind string, un func(p string, data []byte, first int, m *meta) error) frontmatter.UnmarshalFunc {
		return func(data []byte, v any) error {
			err := un(p, data, open+1, m)
			if err != nil {
				decodeErr = err
			}
			return err
		}
	}
	formats := []*frontmatter.Format{
		frontmatter.NewFormat("---", "---", wrap("yaml", decodeYAML)),
		frontmatter.NewFormat("---yaml", "---", wrap("yaml", decodeYAML)),
		frontmatter.NewFormat("+++", "+++", wrap("toml", decodeTOML)),
		frontmatter.NewFormat(";;;", ";;;", wrap("json", decodeJSONBlock)),
	}
	var ignored map[string]any
	// frontmatter.Parse copies all it reads, the body too. Given only the
	// front matter, as far as its closing line, it reads the same lines
	// and closes at the same one, and the body is the rest of src. Should
	// it not (an error, or bytes left over), it reads the whole file.
	parse := func(b []byte) ([]byte, error) {
		m.fm, m.pos, decodeErr = nil, map[string]diag.Position{}, nil
		return frontmatter.Parse(bytes.NewReader(b), &ignored, formats...)
	}
	var rest []byte
	end := frontMatterEnd(src)
	if wholeFile {
		end = 0
	}
	if end > 0 {
		rest, err = parse(src[:end])
	}
	if end > 0 && err == nil && len(rest) == 0 {
		rest = src[end:]
	} else {
		rest, err = parse(src)
	}
	if err != nil {
		if decodeErr != nil {
			return nil, decodeErr
		}
		return nil, &diag.Error{Pos: diag.Position{Path: p, Line: open, Col: 1}, Msg: "front matter: " + err.Error()}
	}
	if m.fm == nil {
		m.fm = map[string]any{}
	}
	dropEmpty(m.fm)
	consumed := src[:len(src)-len(rest)]
	m.body, m.bodyLine = rest, bytes.Count(consumed, []byte("\n"))+1
	return m, nil
}

// wholeFile makes split give frontmatter.Parse the whole file, as it did
// before frontMatterEnd: tests compare the two.
var wholeFile = false

// frontMatterEnd is where the line that closes src's front matter ends, as
// frontmatter.Parse finds it with split's formats: the first non-blank
// line opens it, the next line that is its closing delimiter closes it,
// each line read with the space around it trimmed. It is 0 when src has
// no closed front matter of those formats.
func frontMatterEnd(src []byte) int {
	closing := ""
	off := 0
	for line := range bytes.Lines(src) {
		off += len(line)
		t := string(bytes.TrimSpace(line))
		switch {
		case closing != "":
			if t == closing {
				return off
			}
		case t == "":
		case t == "---" || t == "---yaml":
			closing = "---"
		case t == "+++" || t == ";;;":
			closing = t
		default:
			return 0
		}
	}
	return 0
}

func dropEmpty(fm map[string]any) {
	for k, v := range fm {
		if v == nil || v == "" {
			delete(fm, k)
		}
	}
}

// decodeYAML decodes a YAML block whose first line is file line first.
func decodeYAML(p string, data []byte, first int, m *meta) error {
	at := func(line, col int) diag.Position {
		return diag.Position{Path: p, Line: first + line - 1, Col: col}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return yamlError(err, at)
	}
	m.fm = map[string]any{}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil
	}
	if len(f.Docs) > 1 {
		tk := f.Docs[1].GetToken()
		return &diag.Error{Pos: at(tk.Position.Line, tk.Position.Column), Msg: "yaml: front matter holds more than one document; close it with --- once"}
	}
	body := f.Docs[0].Body
	var values []*ast.MappingValueNode
	switch n := body.(type) {
	case *ast.MappingNode:
		values = n.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{n}
	case *ast.CommentNode, *ast.NullNode:
		return nil
	default:
		tk := body.GetToken()
		return &diag.Error{Pos: at(tk.Position.Line, tk.Position.Column), Msg: "yaml: front matter must be a mapping of keys to values"}
	}
	// Decoded whole, so anchors and aliases resolve across keys; key by
	// key only to position an error. Aliases that would expand into more
	// values than a front matter needs ("billion laughs") are refused.
	if at2, n := aliasBomb(body, map[string]int{}); n > maxYAMLValues {
		tk := at2.GetToken()
		return &diag.Error{Pos: at(tk.Position.Line, tk.Position.Column), Msg: fmt.Sprintf("yaml: aliases expand to more than %d values", maxYAMLValues)}
	}
	var whole map[string]any
	wholeErr := yaml.NodeToValue(body, &whole)
	var errs diag.List
	for _, mv := range values {
		kt := mv.Key.GetToken()
		var key string
		if sn, ok := mv.Key.(*ast.StringNode); ok {
			key = sn.Value // what NodeToValue gives, without a decoder a key
		} else if err := yaml.NodeToValue(mv.Key, &key); err != nil {
			key = ""
		}
		if key == "" {
			key = kt.Value
		}
		vpos := at(kt.Position.Line, kt.Position.Column)
		if mv.Value != nil {
			if vt := mv.Value.GetToken(); vt != nil && vt.Position.Line > 0 {
				vpos = at(vt.Position.Line, vt.Position.Column)
			}
		}
		var v any
		if wholeErr == nil {
			v = whole[key]
		} else if err := yaml.NodeToValue(mv.Value, &v); err != nil {
			errs.Add(vpos, "yaml: "+yamlMessage(err))
			continue
		}
		m.fm[key] = normalize(v)
		m.pos[key] = vpos
		if seq, ok := mv.Value.(*ast.SequenceNode); ok {
			for i, item := range seq.Values {
				if tk := item.GetToken(); tk != nil {
					m.pos[key+"."+strconv.Itoa(i)] = at(tk.Position.Line, tk.Position.Column)
				}
			}
		}
	}
	return errs.Err()
}

// DecodeConfig decodes a YAML file such as folio.yaml into v strictly: an
// unknown key, a repeated key or a value of the wrong type is an error at
// its line and column in the file p.
func DecodeConfig(p string, data []byte, v any) error {
	err := yaml.UnmarshalWithOptions(data, v, yaml.Strict())
	if err == nil {
		return nil
	}
	return yamlError(err, func(l, c int) diag.Position { return diag.Position{Path: p, Line: l, Col: c} })
}

// maxYAMLValues bounds how many values a front matter's aliases may
// expand to.
const maxYAMLValues = 100_000

// aliasBomb counts the values n expands to, aliases expanded, stopping
// early past maxYAMLValues; it returns the node where the count ran over.
func aliasBomb(n ast.Node, anchors map[string]int) (ast.Node, int) {
	if n == nil {
		return nil, 0
	}
	total := 1
	add := func(c ast.Node) ast.Node {
		at, k := aliasBomb(c, anchors)
		total = min(total+k, maxYAMLValues+1)
		if total > maxYAMLValues {
			if at == nil {
				at = c
			}
			return at
		}
		return nil
	}
	switch n := n.(type) {
	case *ast.AnchorNode:
		at, k := aliasBomb(n.Value, anchors)
		if n.Name != nil {
			anchors[n.Name.GetToken().Value] = k
		}
		return at, k
	case *ast.AliasNode:
		if n.Value != nil {
			return n, anchors[n.Value.GetToken().Value]
		}
	case *ast.MappingNode:
		for _, v := range n.Values {
			if at := add(v); at != nil {
				return at, total
			}
		}
	case *ast.MappingValueNode:
		if at := add(n.Value); at != nil {
			return at, total
		}
	case *ast.SequenceNode:
		for _, v := range n.Values {
			if at := add(v); at != nil {
				return at, total
			}
		}
	case *ast.TagNode:
		return aliasBomb(n.Value, anchors)
	}
	return nil, total
}

// yamlError positions a YAML parser error at its token.
func yamlError(err error, at func(line, col int) diag.Position) error {
	var ye yaml.Error
	pos := at(1, 0)
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil {
			pos = at(tk.Position.Line, tk.Position.Column)
		}
	}
	msg := yamlMessage(err)
	// "already defined at [1:1]": a position in the block, made the file's.
	msg = blockPos.ReplaceAllStringFunc(msg, func(m string) string {
		var l, c int
		fmt.Sscanf(strings.TrimPrefix(m, "at "), "[%d:%d]", &l, &c)
		return "on line " + strconv.Itoa(at(l, c).Line)
	})
	return &diag.Error{Pos: pos, Msg: "yaml: " + msg}
}

var blockPos = regexp.MustCompile(`(at )?\[\d+:\d+\]`)

// yamlMessage is a YAML error's message without its position and source
// excerpt, which the diagnostic gives in its own form.
func yamlMessage(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		return ye.GetMessage()
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if strings.HasPrefix(msg, "[") {
		if i := strings.Index(msg, "] "); i > 0 {
			msg = msg[i+2:]
		}
	}
	return msg
}

// normalize gives decoded values one set of types whatever the format:
// whole numbers as int64 (uint64 beyond it), other numbers as float64.
func normalize(v any) any {
	switch v := v.(type) {
	case uint64:
		if v <= 1<<63-1 {
			return int64(v)
		}
	case int:
		return int64(v)
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = normalize(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalize(e)
		}
	}
	return v
}

// decodeTOML decodes a TOML block whose first line is file line first.
func decodeTOML(p string, data []byte, first int, m *meta) error {
	var fm map[string]any
	if _, err := toml.Decode(string(data), &fm); err != nil {
		pos := diag.Position{Path: p, Line: first}
		msg := err.Error()
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The decoder's line and column can disagree (an error at a
			// line's end is given the next line's number); its byte
			// offset cannot.
			l, c := lineCol(data, pe.Position.Start)
			pos.Line, pos.Col = first+l-1, c
			msg = pe.Message
		}
		return &diag.Error{Pos: pos, Msg: "toml: " + msg}
	}
	m.fm = normalize(fm).(map[string]any)
	if m.fm == nil {
		m.fm = map[string]any{}
	}
	locateTOML(p, data, first, m)
	return nil
}

// locateTOML records where the top-level keys' values start: the lines
// before the first [table] header.
func locateTOML(p string, data []byte, first int, m *meta) {
	n := first - 1
	for line := range bytes.Lines(data) {
		n++
		s := strings.TrimRight(string(line), "\n")
		t := strings.TrimLeft(s, " \t")
		if strings.HasPrefix(t, "[") {
			return
		}
		key, rest, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		key = strings.Trim(strings.TrimSpace(key), `"'`)
		if _, seen := m.pos[key]; seen || key == "" {
			continue
		}
		v := strings.TrimLeft(rest, " \t")
		m.pos[key] = diag.Position{Path: p, Line: n, Col: len(s) - len(v) + 1}
	}
}

// decodeJSONBlock decodes JSON between ";;;" lines.
func decodeJSONBlock(p string, data []byte, first int, m *meta) error {
	return decodeJSON(p, data, first, m, true)
}

// decodeJSON decodes one JSON object from data, whose first line is file
// line first, recording where each top-level key's value starts. With
// whole, nothing but space may follow the object.
func decodeJSON(p string, data []byte, first int, m *meta, whole bool) error {
	at := func(off int) diag.Position {
		l, c := lineCol(data, off)
		return diag.Position{Path: p, Line: first + l - 1, Col: c}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	fail := func(err error) error {
		if !closes(data) {
			return &diag.Error{Pos: at(skipSpace(data, 0)), Msg: "json: the front matter object that opens here is not closed"}
		}
		// The token stream's offsets are its own; decoding the whole
		// object again gives the error at an offset into data.
		var whole any
		if err2 := json.NewDecoder(bytes.NewReader(data)).Decode(&whole); err2 != nil {
			err = err2
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			off := int(syn.Offset) - 1
			msg := err.Error()
			if off >= 0 && off < len(data) && data[off] >= 0x80 {
				// The decoder names the first byte of a character: name the character.
				for off > 0 && !utf8.RuneStart(data[off]) {
					off--
				}
				r, _ := utf8.DecodeRune(data[off:])
				msg = fmt.Sprintf("invalid character %q in the front matter (is a comma or quote missing before it?)", r)
			}
			return &diag.Error{Pos: at(off), Msg: "json: " + msg}
		case errors.As(err, &typ):
			return &diag.Error{Pos: at(int(typ.Offset)), Msg: "json: front matter must be an object"}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return &diag.Error{Pos: at(skipSpace(data, 0)), Msg: "json: the front matter object that opens here is not closed"}
		}
		return &diag.Error{Pos: at(int(dec.InputOffset())), Msg: "json: " + err.Error()}
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &diag.Error{Pos: at(skipSpace(data, 0)), Msg: "json: front matter must be an object"}
	}
	fm := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		valueAt := skipSpace(data, int(dec.InputOffset()))
		if valueAt < len(data) && data[valueAt] == ':' {
			valueAt = skipSpace(data, valueAt+1)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return fail(err)
		}
		fm[key] = normalize(v)
		m.pos[key] = at(valueAt)
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	end := int(dec.InputOffset())
	if whole {
		if t := skipSpace(data, end); t < len(data) {
			return &diag.Error{Pos: at(t), Msg: "json: text after the front matter's closing brace"}
		}
	}
	m.fm = fm
	m.body = data[end:] // the caller cuts the body itself
	return nil
}

// closes reports whether the JSON object data opens is ever closed: its
// braces and brackets, outside strings, balance somewhere.
func closes(data []byte) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

func skipSpace(data []byte, off int) int {
	for off < len(data) && (data[off] == ' ' || data[off] == '\t' || data[off] == '\n' || data[off] == '\r') {
		off++
	}
	return off
}

// splitJSON reads front matter that is a JSON object opening on the first
// non-blank line, Hugo's form: the object ends where its closing brace
// does, however it is indented or nested, and the body starts on the next
// line. ok is false when the file does not start with "{".
func splitJSON(p string, src []byte, open int, m *meta) (ok bool, err error) {
	start := 0
	for range open - 1 {
		start += bytes.IndexByte(src[start:], '\n') + 1
	}
	line := src[start:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if string(bytes.TrimSpace(line)) != "{" {
		return false, nil
	}
	data := src[start:]
	if err := decodeJSON(p, data, open, m, false); err != nil {
		return true, err
	}
	rest := m.body
	end := len(data) - len(rest)
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		nl = len(rest)
	}
	if t := bytes.TrimSpace(rest[:nl]); len(t) > 0 {
		l, c := lineCol(data, end+bytes.Index(rest, t))
		return true, &diag.Error{Pos: diag.Position{Path: p, Line: open + l - 1, Col: c}, Msg: "json: text after the front matter's closing brace; start the body on the next line"}
	}
	m.body = rest[min(nl+1, len(rest)):]
	dropEmpty(m.fm)
	consumed := src[:len(src)-len(m.body)]
	m.bodyLine = bytes.Count(consumed, []byte("\n")) + 1
	return true, nil
}

func lineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
