package build

import (
	"io/fs"
	"syscall"
)

// statOf is what fi says of a file for fileStat, where the system tells
// its change time.
func statOf(fi fs.FileInfo) (fileStat, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileStat{}, false
	}
	return fileStat{
		Size:  st.Size,
		Mtime: st.Mtim.Nano(),
		Ctime: st.Ctim.Nano(),
		Ino:   st.Ino,
		Dev:   st.Dev,
	}, true
}

// ctimeKnown says whether dirCtime tells change times here.
const ctimeKnown = true

// dirCtime is the change time (Unix ns) of p, and whether p is a folder.
func dirCtime(p string) (int64, bool) {
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		return 0, false
	}
	return st.Ctim.Nano(), true
}
