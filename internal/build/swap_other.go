//go:build !linux

package build

import "errors"

// canExchange says exchange works here.
const canExchange = false

// exchange is not available here: the swap falls back to two renames, the
// old tree moved aside and the new one moved in, between which the
// destination is briefly missing.
func exchange(a, b string) error { return errors.ErrUnsupported }
