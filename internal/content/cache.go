package content

import (
	"encoding/gob"
	"time"
)

func init() {
	// The types Params holds behind interfaces.
	gob.Register([]any{})
	gob.Register(map[string]any{})
	gob.Register(time.Time{})
}

// Stored is a Doc as a build cache keeps it: every field, the unexported
// ones included, for encoding/gob.
type Stored struct {
	Doc   Doc // its exported fields
	KeyOf map[string]string
	Pos   positions
}

// Store returns d in the form a cache keeps, and false when its Params hold
// a value of a type the cache does not encode (the document is then parsed
// again on the next build instead of being cached).
func (d *Doc) Store() (Stored, bool) {
	if !storable(d.Params) {
		return Stored{}, false
	}
	return Stored{Doc: *d, KeyOf: d.keyOf, Pos: d.pos}, true
}

// Restore returns the Doc s holds.
func (s *Stored) Restore() *Doc {
	d := s.Doc
	d.keyOf, d.pos = s.KeyOf, s.Pos
	return &d
}

// storable reports whether v holds only the types front-matter decoding
// produces and encoding/gob can carry through an interface.
func storable(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, int, int64, uint64, float64, time.Time:
		return true
	case []any:
		for _, e := range v {
			if !storable(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range v {
			if !storable(e) {
				return false
			}
		}
		return true
	}
	return false
}
