package content

import (
	"path"
	"slices"
	"strings"
)

// File kinds returned by Classify.
const (
	KindDoc     = iota + 1 // a document
	KindSection            // an _index.md (or _index.txt, _index.markdown)
	KindAsset              // published as it is, beside the documents
	KindRepo               // a code repository's file: not published unless included
)

// DefaultExts are the file extensions of documents when folio.yaml names none.
var DefaultExts = []string{".md", ".markdown", ".txt"}

// Files says which files under content/ are documents, which are assets
// and which are left out. The zero value uses DefaultExts and excludes
// nothing.
//
// A pattern in Exclude or Include is a slash-separated glob (path.Match
// syntax, plus "**" for any number of folders). A pattern without "/"
// matches a file or folder name at any depth ("*.py", "node_modules"); one
// with "/" matches the path relative to content/ ("drafts/**",
// "scripts/*.sh"). Excluded files are not read at all.
//
// Files that belong to a code repository rather than to a collection are
// not published unless a pattern in Include names them: a README, LICENSE,
// CHANGELOG, CONTRIBUTING or similar file of any extension, a package
// manifest or lock file (package.json, go.mod, requirements.txt, …), and
// source code (*.py, *.js, *.go, *.sh, …). The build warns about them.
type Files struct {
	Exts    []string // document extensions, with the dot; nil is DefaultExts
	Exclude []string
	Include []string
	// Root is the site root on disk, for keeping symlinks inside it; ""
	// checks nothing. FollowOutside follows symlinks out of it anyway.
	Root          string
	FollowOutside bool
	MaxBytes      int64 // a larger file is an error; 0 is no limit
	// MaxDocBytes limits documents (which are parsed and held whole)
	// more tightly than assets; 0 is MaxBytes.
	MaxDocBytes int64
}

// MaxDepth is how many folders deep under content/ a file may be: every
// page of a folder links the folders above it, so a chain of folders
// costs output that grows faster than its depth.
const MaxDepth = 32

// repoNames are the base names, lowercased and without extension, of a
// repository's own files.
var repoNames = []string{"readme", "license", "licence", "copying", "changelog", "changes", "contributing", "code_of_conduct", "security", "authors", "notice", "codeowners"}

// manifests are package manifests, lock files and build files.
var manifests = []string{
	"package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "tsconfig.json",
	"go.mod", "go.sum", "go.work", "requirements.txt", "pyproject.toml", "setup.py", "setup.cfg",
	"pipfile", "pipfile.lock", "poetry.lock", "uv.lock", "cargo.toml", "cargo.lock", "gemfile", "gemfile.lock",
	"composer.json", "composer.lock", "makefile", "dockerfile", "docker-compose.yml", "docker-compose.yaml",
	"justfile", "rakefile", "build.gradle", "pom.xml", "environment.yml", "tox.ini", "noxfile.py",
}

// codeExts are source code extensions.
var codeExts = []string{
	".py", ".pyc", ".ipynb", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rb", ".sh", ".bash",
	".zsh", ".fish", ".ps1", ".bat", ".cmd", ".php", ".java", ".kt", ".c", ".h", ".cc", ".cpp", ".hpp",
	".rs", ".pl", ".pm", ".lua", ".r", ".swift", ".scala", ".cs", ".vue", ".svelte",
}

func (f Files) exts() []string {
	if f.Exts == nil {
		return DefaultExts
	}
	return f.Exts
}

// IsDocExt reports whether a file name has a document extension.
func (f Files) IsDocExt(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	for _, e := range f.exts() {
		if strings.ToLower(e) == ext {
			return true
		}
	}
	return false
}

// Classify tells what a slash path of a file relative to content/ is: a
// document, a section's _index file, an asset, a repository file, or
// nothing folio reads (0): skipped by name or excluded.
func (f Files) Classify(rel string) int {
	parts := strings.Split(rel, "/")
	for i, part := range parts {
		if part == "" || i < len(parts)-1 && SkipDir(part) || i == len(parts)-1 && Skip(part) {
			return 0
		}
	}
	if f.excluded(rel) {
		return 0
	}
	base := path.Base(rel)
	if f.IsDocExt(base) {
		if strings.TrimSuffix(base, path.Ext(base)) == "_index" {
			return KindSection
		}
		if IsRepoFile(base) && !matchAny(f.Include, rel) {
			return KindRepo
		}
		return KindDoc
	}
	if IsRepoFile(base) && !matchAny(f.Include, rel) {
		return KindRepo
	}
	return KindAsset
}

// ExcludedDir reports whether a folder relative to content/ is excluded as
// a whole, so a walk need not enter it.
func (f Files) ExcludedDir(rel string) bool { return f.excluded(rel) }

func (f Files) excluded(rel string) bool { return matchAny(f.Exclude, rel) }

// IsRepoFile reports whether a file name is a code repository's own file
// rather than a collection's: a README or LICENSE, a package manifest, or
// source code.
func IsRepoFile(name string) bool {
	lower := strings.ToLower(name)
	stem := strings.TrimSuffix(lower, path.Ext(lower))
	for _, n := range repoNames {
		// README, README.md, LICENSE-DATA, README_zh.md
		if stem == n || lower == n || strings.HasPrefix(lower, n+"-") || strings.HasPrefix(lower, n+"_") {
			return true
		}
	}
	return slices.Contains(manifests, lower) || slices.Contains(codeExts, path.Ext(lower))
}

// matchAny reports whether rel, or any folder above it, matches one of
// the patterns.
func matchAny(patterns []string, rel string) bool {
	if len(patterns) == 0 {
		return false
	}
	parts := strings.Split(rel, "/")
	for _, p := range patterns {
		p = strings.Trim(p, "/")
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			for _, part := range parts {
				if ok, _ := path.Match(p, part); ok {
					return true
				}
			}
			continue
		}
		pp := strings.Split(p, "/")
		// A pattern naming a folder matches everything below it.
		for n := len(parts); n >= 1; n-- {
			if globMatch(pp, parts[:n]) {
				return true
			}
		}
	}
	return false
}

// globMatch matches path segments against pattern segments, "**" standing
// for any number of segments.
func globMatch(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if globMatch(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// ValidPattern reports whether a glob is well formed.
func ValidPattern(p string) bool {
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return false
		}
	}
	return true
}
