//go:build !unix

package main

import "os"

// maxRSS returns 0: the peak resident set of an ended process is known only
// on Unix; perf's figures are made on Linux.
func maxRSS(*os.ProcessState) int64 { return 0 }
