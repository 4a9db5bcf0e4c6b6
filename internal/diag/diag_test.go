package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestPositionString(t *testing.T) {
	tests := []struct {
		pos  Position
		want string
	}{
		{Position{"content/a.md", 7, 3}, "content/a.md:7:3"},
		{Position{"content/a.md", 7, 0}, "content/a.md:7"},
		{Position{"folio.yaml", 0, 0}, "folio.yaml"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestListSortsAndFlattens(t *testing.T) {
	var l List
	l.Add(Position{"content/b.md", 2, 1}, "second")
	l.Add(Position{"content/a.md", 9, 1}, "first")
	l.Append("content/c.md", errors.New("plain"))
	l.Append("ignored", fmt.Errorf("wrapped: %w", List{{Pos: Position{"content/a.md", 1, 1}, Msg: "zeroth"}}))
	l.Add(Position{"content/b.md", 2, 1}, "second")
	l.Append("x", nil)
	want := "content/a.md:1:1: zeroth\ncontent/a.md:9:1: first\ncontent/b.md:2:1: second\ncontent/c.md: plain"
	err := l.Err()
	if err == nil || err.Error() != want {
		t.Errorf("Err() = %v\nwant %s", err, want)
	}
	var empty List
	if empty.Err() != nil {
		t.Error("empty list is an error")
	}
}

func TestPositionOfAFileNameWithANewline(t *testing.T) {
	p := Position{Path: "content/第一行\n第二行.md", Line: 3, Col: 7}
	if got, want := p.String(), `content/第一行\n第二行.md:3:7`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
