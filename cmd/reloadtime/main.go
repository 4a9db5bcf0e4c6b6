// Command reloadtime measures folio serve as a curator meets it: it starts
// the folio binary on a site, saves one document five times the way an
// editor does (write a temporary file, rename it over), and reports the
// time from each save to the live-reload event, with folio's own summary
// of each rebuild (pages rendered, files written).
//
//	go build -o /tmp/folio ./cmd/folio
//	go run ./cmd/gencorpus -n 10000 /tmp/gen10k
//	go run ./cmd/reloadtime /tmp/folio /tmp/gen10k
package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: reloadtime FOLIO-BINARY SITE-ROOT")
		os.Exit(2)
	}
	folio, root := os.Args[1], os.Args[2]
	cmd := exec.Command(folio, "serve", "--source", root, "--addr", "127.0.0.1:0")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	sc.Scan()
	url := strings.TrimPrefix(sc.Text(), "serving at ")
	fmt.Printf("first build served after %v: %s\n", time.Since(start).Round(time.Millisecond), url)
	lines := make(chan string, 100)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for l := range lines {
		if strings.HasPrefix(l, "built ") {
			fmt.Println("  folio:", l)
			break
		}
	}
	for i := 0; i < 5; i++ {
		resp, err := http.Get(url + "_folio/events")
		if err != nil {
			panic(err)
		}
		events := make(chan string, 10)
		go func() {
			r := bufio.NewReader(resp.Body)
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if strings.HasPrefix(l, "event: reload") {
					events <- l
				}
			}
		}()
		time.Sleep(500 * time.Millisecond)
		matches, _ := filepath.Glob(filepath.Join(root, "content", "*", "doc000123.md"))
		if len(matches) == 0 {
			panic("no content/*/doc000123.md: generate the site with cmd/gencorpus")
		}
		p := matches[0]
		b, _ := os.ReadFile(p)
		b = append(b, []byte(fmt.Sprintf("\n新增段落 %d。\n", i))...)
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			panic(err)
		}
		t0 := time.Now()
		if err := os.Rename(tmp, p); err != nil {
			panic(err)
		}
		select {
		case <-events:
			fmt.Printf("edit %d: save -> reload event %v\n", i, time.Since(t0).Round(time.Millisecond))
		case <-time.After(20 * time.Second):
			fmt.Println("timeout")
		}
		resp.Body.Close()
		// The reload may come before the build ends (a preview of the
		// edited page): the next save waits for the build's summary.
	drain:
		for {
			select {
			case l := <-lines:
				fmt.Println("  folio:", l)
				if strings.HasPrefix(l, "built ") {
					break drain
				}
			case <-time.After(2 * time.Minute):
				fmt.Println("no build summary within 2 minutes")
				break drain
			}
		}
	}
}
