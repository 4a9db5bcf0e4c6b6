// Package folio holds the default theme that every folio binary carries:
// the templates/ and static/ folders at the root of this repository.
package folio

import (
	"embed"
	"io/fs"
)

//go:embed all:templates all:static
var theme embed.FS

// Theme is the default theme: its templates/ and static/ folders.
func Theme() fs.FS { return theme }
