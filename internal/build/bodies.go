package build

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The rendered bodies of documents are the largest thing a build holds:
// 46 MB of the 116 MB live at the end of a 10,000-document build, and
// most of the build cache's file. With a build cache they are kept in a
// body file beside it instead of in memory: each document's HTML is
// appended once, when its file is parsed, and read back when something
// needs it (its page, the search index, a feed). The cache file records
// where each body is and its SHA-256; the bodies are not part of the
// cache file's own checksum.
//
// A body file only grows while a Builder uses it: appending never moves
// what another body, or the cache of an earlier build, points at, so a
// build killed while appending leaves every recorded body where it was.
// When less than half of it is bodies the cache still records, saving the
// cache writes those into a new body file (bodyFilePrefix and the next
// number), records that file's name, and removes the old one; any other
// body file found beside the cache is a leftover of a killed build.
//
// Before a cache is trusted, every body it records is read and checked
// against its digest; one that does not match makes the whole cache
// untrusted, as a damaged cache file does. Without a cache folder the
// bodies stay in memory.

const bodyFilePrefix = "bodies-"

// body is where one document's rendered HTML is: in the body file at Off,
// Len bytes with digest Sum, or in mem when there is no body file.
type body struct {
	Off int64
	Len int
	Sum digest
	mem []byte
}

// bodyStore is a Builder's body file, or its bodies in memory when f is
// nil.
type bodyStore struct {
	dir  string // the cache folder
	name string // the body file's name in dir

	mu   sync.Mutex
	f    *os.File
	size int64 // the end of the file as this store wrote it
	err  error // the first failure to read a body
	// full is set when appending failed: later bodies stay in memory.
	full error
	// readOnly keeps new bodies in memory (folio check writes nothing
	// beside the cache).
	readOnly bool
	// slack is how many bytes of bodies no longer recorded the file may
	// hold beyond as many as it holds recorded ones.
	slack int64
}

// openBodies opens the body file name in the cache folder dir for reading
// and appending, creating it when it is not there, and emptying it when
// fresh. It removes every other body file in dir: what a killed build
// left.
func openBodies(dir, name string, fresh bool) (*bodyStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	flag := os.O_RDWR | os.O_CREATE
	if fresh {
		flag |= os.O_TRUNC
		os.RemoveAll(filepath.Join(dir, name)) // whatever is in the way
	}
	f, err := os.OpenFile(filepath.Join(dir, name), flag, 0o644)
	if err != nil {
		return nil, err
	}
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, err
	}
	if others, _ := filepath.Glob(filepath.Join(dir, bodyFilePrefix+"*")); len(others) > 0 {
		for _, o := range others {
			if filepath.Base(o) != name {
				os.Remove(o)
			}
		}
	}
	return &bodyStore{dir: dir, name: name, f: f, size: end, slack: 1 << 20}, nil
}

// nextBodyFile is the name of the body file after name.
func nextBodyFile(name string) string {
	n, _ := strconv.Atoi(strings.TrimPrefix(name, bodyFilePrefix))
	return bodyFilePrefix + strconv.Itoa(n+1)
}

// put keeps html and says where it is.
func (s *bodyStore) put(html []byte) body {
	bd := body{Len: len(html), Sum: sha256.Sum256(html)}
	if s == nil || s.f == nil || s.readOnly {
		bd.mem = html
		return bd
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full != nil {
		bd.mem = html
		return bd
	}
	if _, err := s.f.WriteAt(html, s.size); err != nil {
		s.full = fmt.Errorf("build cache: appending to %s: %w; the documents' HTML is kept in memory", filepath.Join(s.dir, s.name), err)
		bd.mem = html
		return bd
	}
	bd.Off = s.size
	s.size += int64(len(html))
	return bd
}

// get returns the HTML of bd. A body that cannot be read, or is not what
// was put, is empty, and the store's err says why: the build fails.
func (s *bodyStore) get(bd body) []byte {
	if bd.mem != nil || bd.Len == 0 {
		return bd.mem
	}
	b, err := s.read(bd)
	if err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
		return nil
	}
	return b
}

// read reads bd from the body file and checks its digest.
func (s *bodyStore) read(bd body) ([]byte, error) {
	if s == nil || s.f == nil {
		return nil, errors.New("build cache: a body recorded in a body file, but there is none")
	}
	b := make([]byte, bd.Len)
	if _, err := s.f.ReadAt(b, bd.Off); err != nil {
		return nil, fmt.Errorf("build cache: reading %s: %w", filepath.Join(s.dir, s.name), err)
	}
	if sha256.Sum256(b) != bd.Sum {
		return nil, fmt.Errorf("build cache: %s changed: a body at %d is not the one written there", filepath.Join(s.dir, s.name), bd.Off)
	}
	return b, nil
}

// verify reads every body of refs and checks it against its digest.
func (s *bodyStore) verify(refs []body) error {
	slices.SortFunc(refs, func(a, b body) int { return cmp.Compare(a.Off, b.Off) })
	// In order, a part of the file to each core.
	n := max(1, min(runtime.GOMAXPROCS(0), len(refs)/64))
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			var buf []byte
			for _, bd := range refs[k*len(refs)/n : (k+1)*len(refs)/n] {
				buf = slices.Grow(buf[:0], bd.Len)[:bd.Len]
				if _, err := s.f.ReadAt(buf, bd.Off); err != nil {
					errs[k] = fmt.Errorf("its body file %s: %v", s.name, err)
					return
				}
				if sha256.Sum256(buf) != bd.Sum {
					errs[k] = fmt.Errorf("its body file %s does not hold the body recorded at %d: it is damaged", s.name, bd.Off)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // the first in the file
		}
	}
	return nil
}

// appendFailed returns why bodies are no longer appended, once.
func (s *bodyStore) appendFailed() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.full
	if err != nil {
		s.full = errReported
	}
	if err == errReported {
		return nil
	}
	return err
}

var errReported = errors.New("reported")

// failed returns the first failure to read a body, and forgets it.
func (s *bodyStore) failed() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.err
	s.err = nil
	return err
}

// compact writes the bodies of live into a new body file when less than
// half of the present one is theirs, points them there, and returns the
// name of the file the cache should record. The old file is removed once
// the cache names the new one (removeOld).
func (s *bodyStore) compact(live []*body) (string, error) {
	if s == nil || s.f == nil || s.readOnly {
		return "", nil
	}
	if !s.needsCompact(live) {
		return s.name, nil
	}
	name := nextBodyFile(s.name)
	f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return "", err
	}
	moved := make([]body, len(live))
	var off int64
	for i, bd := range live {
		moved[i] = *bd
		if bd.mem != nil || bd.Len == 0 {
			continue
		}
		b, err := s.read(*bd)
		if err == nil {
			_, err = f.WriteAt(b, off)
		}
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			return "", err
		}
		moved[i].Off = off
		off += int64(bd.Len)
	}
	for i, bd := range live {
		*bd = moved[i]
	}
	s.mu.Lock()
	old := s.f
	s.f, s.name, s.size = f, name, off
	s.mu.Unlock()
	old.Close()
	return name, nil
}

// needsCompact reports whether compact(live) would move the bodies to a
// new file: when less than half of the present one is theirs.
func (s *bodyStore) needsCompact(live []*body) bool {
	if s == nil || s.f == nil || s.readOnly {
		return false
	}
	var total int64
	for _, bd := range live {
		if bd.mem == nil {
			total += int64(bd.Len)
		}
	}
	s.mu.Lock()
	size := s.size
	s.mu.Unlock()
	return size-total > total+s.slack
}

// fileName is the name of the body file, or "" when there is none.
func (s *bodyStore) fileName() string {
	if s == nil || s.f == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

// removeOthers removes every body file in the cache folder but the
// store's own, once the cache names it.
func (s *bodyStore) removeOthers() {
	if s == nil || s.f == nil {
		return
	}
	others, _ := filepath.Glob(filepath.Join(s.dir, bodyFilePrefix+"*"))
	for _, o := range others {
		if filepath.Base(o) != s.name {
			os.Remove(o)
		}
	}
}
