package build

import "golang.org/x/sys/unix"

// canExchange says exchange works here.
const canExchange = true

// exchange swaps two paths atomically (renameat2 with RENAME_EXCHANGE):
// at every moment each name holds one whole tree.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
